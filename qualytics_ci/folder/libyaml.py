"""PyYAML where the folder needs it: libyaml's parser for every file the line reader
(:mod:`~qualytics_ci.folder.yamlfast`) leaves, the resolver for the plain scalars
:mod:`~qualytics_ci.folder.scalars` cannot type alone, and PyYAML's dumper for the
documents the emitter leaves. :mod:`~qualytics_ci.folder.yamlio` loads this module only
then. A folder of export's block YAML whose values are text, booleans, decimal integers
and numbers with a point is planned and exported without importing PyYAML.

Reading uses a safe loader without the implicit timestamp resolver (``2024-01-15``
stays a string, so it round-trips) and remembers the line of every key, so errors can
point at the line to fix.
"""

from __future__ import annotations

import functools
import json
import math
import operator
import re
from typing import Any

import yaml

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import scalars

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FastDumper: Any = getattr(yaml, "CSafeDumper", None)


_TAG = scalars.TAG
_RESOLVED_CAP = 4096  # plain scalars remembered by the resolver cache
_STR, _NULL = scalars.STR, scalars.NULL
_SEQ, _MAP = _TAG + "seq", _TAG + "map"
_Scalar = yaml.ScalarNode


class Loader(_SafeLoader):  # type: ignore[misc]
    """The safe loader (libyaml's parser when available) minus timestamps.

    libyaml calls back into Python for the tag of every node and twice more per node
    for path resolvers the format never registers. Those callbacks were a third of a
    file's parse, so each loader gets, as instance attributes (found before the
    class's methods), a C-level cache of tags (keys and enum-like values repeat in
    every file) and no-ops for the path callbacks."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.resolve = _resolve_cached
        # C functions of the right arity whose results the parser ignores: cheaper calls
        # than any Python function
        self.descend_resolver = operator.is_  # (parent node, index)
        self.ascend_resolver = tuple  # ()


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TAG + "timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_RESOLVE: Any = yaml.resolver.Resolver.resolve


@functools.lru_cache(maxsize=_RESOLVED_CAP)
def _resolve_cached(kind: Any, value: Any, implicit: Any) -> Any:
    """The tag of a node: the loader's resolution (no path resolvers: it depends on
    ``kind``, ``value`` and ``implicit`` only), remembered."""
    return _RESOLVE(_TAG_OF, kind, value, implicit)


_TAG_OF = Loader("")  # resolves the tags for the cache above; holds no document


_SCALARS = {tag: Loader.yaml_constructors[_TAG + tag] for tag in ("null", "bool", "int", "float")}
MAX_DEPTH = 100  # mappings and lists nested deeper than this are refused


def _constructor(tag: str) -> Any:
    """The loader's constructor of a core-schema scalar tag (null, bool, int, float);
    None for any other tag."""
    return _SCALARS.get(tag[len(_TAG):]) if tag.startswith(_TAG) else None


class _Build:
    """Node graph -> plain data, refusing what the folder format never contains: aliases
    (and so merge keys: an alias repeated 9 times on 10 levels expands to a billion
    values), tags beyond the core schema's, keys that are not strings, NaN and infinity,
    nesting deeper than :data:`MAX_DEPTH`."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.lines: dict[str, int] = {}

    def value(self, node: yaml.Node, prefix: str | None, depth: int) -> Any:
        """The value of ``node``, noting the line of every key reached through mappings
        only when ``prefix`` is set."""
        kind = type(node)
        if kind is _Scalar:
            tag = node.tag
            # text, and null (a third of a check file's values), without a call
            return node.value if tag == _STR else None if tag == _NULL else self.scalar(node)
        if depth >= MAX_DEPTH:
            raise QualyticsCIError(f"nested more than {MAX_DEPTH} levels deep",
                                   line=_line(node))
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            return [item.value if type(item) is _Scalar and item.tag == _STR
                    else self.value(item, None, depth + 1) for item in node.value]
        if kind is not yaml.MappingNode or node.tag != _MAP:
            raise _tag_error(node)
        out: dict[str, Any] = {}
        lines = self.lines
        for key_node, value_node in node.value:
            text = key_node.value if type(key_node) is _Scalar and \
                key_node.tag == _STR else self.key(key_node)
            if text in out:
                raise _twice(node, key_node, text, prefix)
            if prefix is not None:
                path = prefix + text
                lines[path] = key_node.start_mark.line + 1
            # text values (most of them) without a call each
            if type(value_node) is _Scalar and value_node.tag == _STR:
                out[text] = value_node.value
            else:
                out[text] = self.value(value_node, None if prefix is None else path + ".",
                                       depth + 1)
        return out

    def scalar(self, node: yaml.Node) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        construct = _constructor(tag)
        if construct is None:
            raise _tag_error(node)
        value = construct(self.loader, node)
        if isinstance(value, float) and not math.isfinite(value):
            raise QualyticsCIError(f"{node.value} is not a number the API accepts (JSON has no "
                                   "NaN or infinity); write a number, or quote it for text",
                                   line=_line(node))
        return value

    def key(self, node: yaml.Node) -> str:
        if type(node) is not yaml.ScalarNode:
            raise QualyticsCIError("a key must be a plain string, not a list or a mapping",
                                   line=_line(node))
        if node.tag == _TAG + "merge":
            raise QualyticsCIError("merge keys (<<) are not allowed in config files; write "
                                   "the keys out", line=_line(node))
        if node.tag == _STR:
            return str(node.value)
        construct = _constructor(node.tag)
        if construct is None:
            raise _tag_error(node)
        value = construct(self.loader, node)
        if value is None:
            read = "null"
        elif isinstance(value, bool):
            read = f"the boolean {json.dumps(value)}"
        else:
            read = "a number"
        raise QualyticsCIError(f"key {node.value or '(empty)'} is read as {read}, not as text; "
                               f"quote it: '{node.value}'", line=_line(node))


def _twice(mapping: yaml.Node, again: yaml.Node, text: str,
           prefix: str | None) -> QualyticsCIError:
    """The error for key ``text`` written a second time (at ``again``) in ``mapping``."""
    first = next(k for k, _ in mapping.value if k.value == text and k is not again)
    path = text if prefix is None else prefix + text
    return QualyticsCIError(f"key {path!r} appears twice (lines {_line(first)} and "
                            f"{_line(again)})", line=_line(again))


def _refuse_aliases(text: str) -> None:
    """An error at the first alias of ``text``. Without an ``&`` there is no anchor, so
    no alias: the scan is skipped for almost every file."""
    if "&" not in text:
        return
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise QualyticsCIError(
                f"YAML alias *{event.anchor} is not allowed in config files (the format never "
                "uses anchors and aliases); write the value out",
                line=None if mark is None else mark.line + 1)


_TYPED: dict[str, Any] = {}  # plain scalars that are not text, as the loader reads them


def plain_scalar(text: str, key: bool) -> Any:
    """A plain scalar as the loader types it, for :mod:`~qualytics_ci.folder.yamlfast`
    (None for a key that is text); LookupError for what only libyaml's path reports (a
    key that is not text, NaN or infinity, a tag the format refuses)."""
    tag = _resolve_cached(_Scalar, text, (True, False))
    if tag == _STR:
        return None if key else text
    if key:
        raise LookupError(text)
    if tag == _NULL:
        return None
    if text in _TYPED:
        return _TYPED[text]
    construct = _constructor(tag)
    if construct is None:
        raise LookupError(text)
    value = construct(_TAG_OF, _Scalar(tag, text))
    if isinstance(value, float) and not math.isfinite(value):
        raise LookupError(text)
    if len(_TYPED) < _RESOLVED_CAP:
        _TYPED[text] = value
    return value


def dumper_tag(text: str) -> str | None:
    """The tag the dumper's resolvers give plain ``text`` (None: a string), as its
    emitter decides whether text can be written plain."""
    for tag, pattern in _DUMPER_RESOLVERS.get(text[0] if text else "", []) + _DUMPER_ANY:
        if pattern.match(text):
            return None if tag == _STR else str(tag)
    return None


_DUMPER_RESOLVERS: dict[Any, list[tuple[str, Any]]] = yaml.SafeDumper.yaml_implicit_resolvers
_DUMPER_ANY = _DUMPER_RESOLVERS.get(None, [])


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _tag_error(node: yaml.Node) -> QualyticsCIError:
    tag = str(node.tag)
    shown = "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag
    return QualyticsCIError(f"tag {shown} is not allowed in config files (only plain text, "
                            "numbers, true/false, null, lists and mappings)", line=_line(node))


def load_with_libyaml(text: str, file: str) -> tuple[Any, dict[str, int]]:
    """:func:`load` through libyaml's parser, whatever the text."""
    loader = Loader(text)
    try:
        _refuse_aliases(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        build = _Build(loader)
        return build.value(node, "", 0), build.lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise QualyticsCIError(f"invalid YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise QualyticsCIError(f"invalid YAML: {exc}", file=file) from None
    except QualyticsCIError as exc:
        exc.file = file
        raise
    finally:
        loader.dispose()


_ASCII_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _plain(value: Any, key: bool = False) -> bool:
    """True when libyaml's emitter writes ``value`` exactly like PyYAML's (checked
    with generated data): no empty keys, printable BMP text (newlines allowed)."""
    if isinstance(value, str):
        if key and value == "":
            return False
        if value.isascii():
            return _ASCII_CONTROL.search(value) is None
        return all(ch == "\n" or (ch.isprintable() and ord(ch) <= 0xFFFF) for ch in value)
    if isinstance(value, dict):
        return all(_plain(k, True) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return True


def _reads_back_differently(text: str, data: Any) -> bool:
    try:
        return bool(yaml.safe_load(text) != data)
    except yaml.YAMLError:
        return True


def dump_yaml(data: Any) -> str:
    """:func:`dump` through PyYAML: libyaml's emitter where its output is byte-identical
    (ten times faster), PyYAML's for anything else."""
    options: dict[str, Any] = {"default_flow_style": False, "sort_keys": False,
                               "allow_unicode": True}
    if _FastDumper is not None and _plain(data):
        text = str(yaml.dump(data, Dumper=_FastDumper, **options))
    else:
        text = yaml.safe_dump(data, **options)
        if _reads_back_differently(text, data):
            # PyYAML writes some line breaks (U+0085, U+2028...) raw, which reading folds
            # into spaces; escaped, they survive.
            text = yaml.safe_dump(data, **{**options, "allow_unicode": False})
    return text if text.endswith("\n") else text + "\n"
