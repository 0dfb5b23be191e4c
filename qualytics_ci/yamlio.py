"""YAML in and out, the same way every time.

Reading uses a safe loader without the implicit timestamp resolver (``2024-01-15``
stays a string, so it round-trips) and remembers the line of every key, so
errors can point at the line to fix. Writing is deterministic: block style,
keys in insertion order, UTF-8, LF, one trailing newline.
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import QualyticsCIError


class Loader(yaml.SafeLoader):
    """SafeLoader minus timestamps; duplicate keys are an error."""


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


def dump(data: Any) -> str:
    """The canonical text of ``data`` (ends with exactly one newline)."""
    text = yaml.safe_dump(data, default_flow_style=False, sort_keys=False, allow_unicode=True)
    return text if text.endswith("\n") else text + "\n"
