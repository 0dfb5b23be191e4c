"""YAML in and out, the same way every time.

Reading uses a safe loader without the implicit timestamp resolver (``2024-01-15``
stays a string, so it round-trips) and remembers the line of every key, so
errors can point at the line to fix. Writing is deterministic: block style,
keys in insertion order, UTF-8, LF, one trailing newline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

from qualytics_ci.errors import QualyticsCIError

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FastDumper: Any = getattr(yaml, "CSafeDumper", None)


_TAG = "tag:yaml.org,2002:"
_RESOLVED_CAP = 4096  # plain scalars remembered by the resolver cache


@dataclass(frozen=True)
class Doc:
    """One parsed file: its data and the line of each (dotted) key."""

    data: Any
    lines: Mapping[str, int]
    source: str | None = None  # the file it came from, when not at its layout path


class Loader(_SafeLoader):  # type: ignore[misc]
    """The safe loader (libyaml's parser when available) minus timestamps, with the
    tags of plain scalars remembered (keys and enum-like values repeat in every file)."""

    _resolved: ClassVar[dict[tuple[str, tuple[bool, bool]], str]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(self._resolved) >= _RESOLVED_CAP:
                self._resolved.clear()
            self._resolved[key] = tag
        return tag


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TAG + "timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_SCALARS = {tag: Loader.yaml_constructors[_TAG + tag] for tag in ("null", "bool", "int", "float")}


class _Unusual(Exception):
    """The document uses something the direct build leaves to PyYAML's constructor:
    aliases, merge keys, complex keys or other tags."""


def _build(loader: Any, node: yaml.Node, prefix: str | None, lines: dict[str, int],
           seen: set[int]) -> Any:
    """The value of ``node`` (what ``construct_document`` gives for plain documents),
    noting the line of every key reached through mappings only when ``prefix`` is set."""
    tag = node.tag
    if type(node) is yaml.ScalarNode:
        if tag == _TAG + "str":
            return node.value
        construct = _SCALARS.get(tag[len(_TAG):]) if tag.startswith(_TAG) else None
        if construct is None:
            raise _Unusual
        return construct(loader, node)
    if id(node) in seen:
        raise _Unusual  # an alias: PyYAML shares the object
    seen.add(id(node))
    if type(node) is yaml.SequenceNode and tag == _TAG + "seq":
        return [_build(loader, item, None, lines, seen) for item in node.value]
    if type(node) is not yaml.MappingNode or tag != _TAG + "map":
        raise _Unusual
    out: dict[Any, Any] = {}
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode or key_node.tag == _TAG + "merge":
            raise _Unusual
        text = str(key_node.value)
        line = key_node.start_mark.line + 1
        path = None if prefix is None else prefix + text
        if text in first_line:
            raise QualyticsCIError(
                f"key {path or text!r} appears twice (lines {first_line[text]} and {line})",
                line=line)
        first_line[text] = line
        if path is not None:
            lines[path] = line
        out[_build(loader, key_node, None, lines, seen)] = _build(
            loader, value_node, None if path is None else path + ".", lines, seen)
    return out


def _key_lines(node: yaml.Node, prefix: str | None, out: dict[str, int]) -> None:
    """The line of every key reached through mappings (when ``prefix`` is set), and a
    key twice in any mapping refused; the companion of PyYAML's constructor."""
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _key_lines(item, None, out)
    if not isinstance(node, yaml.MappingNode):
        return
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        path = None if prefix is None else prefix + key
        line = key_node.start_mark.line + 1
        if key in seen:
            raise QualyticsCIError(
                f"key {path or key!r} appears twice (lines {seen[key]} and {line})", line=line)
        seen[key] = line
        if path is not None:
            out[path] = line
        _key_lines(value_node, None if path is None else path + ".", out)


def load(text: str, file: str) -> tuple[Any, dict[str, int]]:
    """Parse one YAML document: ``(data, {dotted key path: line})``.

    Errors carry ``file`` and the line the parser stopped at.
    """
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[str, int] = {}
        try:
            return _build(loader, node, "", lines, set()), lines
        except _Unusual:
            lines.clear()
        _key_lines(node, "", lines)
        return loader.construct_document(node), lines
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


def dump(data: Any) -> str:
    """The canonical text of ``data``: ``yaml.safe_dump(default_flow_style=False,
    sort_keys=False, allow_unicode=True)``, ending with exactly one newline.

    libyaml's emitter is used where its output is byte-identical (ten times faster);
    PyYAML's for anything else.
    """
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
