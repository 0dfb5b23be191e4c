"""YAML in and out, the same way every time.

Reading uses a safe loader without the implicit timestamp resolver (``2024-01-15``
stays a string, so it round-trips) and remembers the line of every key, so
errors can point at the line to fix. Writing is deterministic: block style,
keys in insertion order, UTF-8, LF, one trailing newline.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import QualyticsCIError

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FastDumper: Any = getattr(yaml, "CSafeDumper", None)


class Loader(_SafeLoader):  # type: ignore[misc]
    """The safe loader (libyaml's parser when available) minus timestamps."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _key_lines(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            path = f"{prefix}{key}"
            line = key_node.start_mark.line + 1
            if key in seen:
                raise QualyticsCIError(
                    f"key {path!r} appears twice (lines {seen[key]} and {line})", line=line
                )
            seen[key] = line
            out[path] = line
            _key_lines(value_node, path + ".", out)


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
    return text if text.endswith("\n") else text + "\n"
