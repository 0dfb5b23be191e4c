"""YAML in and out, the same way every time.

Reading: the block YAML export writes is read line by line (:mod:`yamlfast`, its plain
scalars typed by :mod:`scalars`), everything else by libyaml
(:mod:`~qualytics_ci.folder.libyaml`, loaded only then), which also reports what is
wrong with a file, at its line. Both leave ``2024-01-15`` a string (no timestamps), so it
round-trips. Writing is deterministic: block style, keys in insertion order, UTF-8, LF,
one trailing newline (:mod:`emitter`, else PyYAML's dumper).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qualytics_ci.folder import scalars, yamlfast
from qualytics_ci.folder.emitter import emit


@dataclass(frozen=True)
class Doc:
    """One parsed file: its data and the line of each (dotted) key."""

    data: Any
    lines: Mapping[str, int]
    source: str | None = None  # the file it came from, when not at its layout path


def _plain_scalar(text: str, key: bool) -> Any:
    """A plain scalar as the loader types it (None for a key that is text); LookupError
    for what only libyaml's path reports. :mod:`scalars` types almost every one alone."""
    value = scalars.typed(text)
    if value is scalars.UNSURE:
        from qualytics_ci.folder import libyaml

        return libyaml.plain_scalar(text, key)
    if key:
        if type(value) is not str:  # a key read as null, a boolean or a number
            raise LookupError(text)
        return None
    return value


_QUICK = yamlfast.Reader(_plain_scalar)


def load(text: str, file: str) -> tuple[Any, Mapping[str, int]]:
    """Parse one YAML document: ``(data, {dotted key path: line})``.

    The block YAML export writes is read by :mod:`yamlfast` (its lines worked out when
    first asked for, see :class:`~qualytics_ci.folder.yamlfast.Lines`), everything else
    by libyaml. Errors carry ``file`` and the line the parser stopped at.
    """
    quick = _QUICK.load(text, with_lines=False)
    if quick is not None:
        return quick[0], yamlfast.Lines(_QUICK, text)
    return load_with_libyaml(text, file)


def load_with_libyaml(text: str, file: str) -> tuple[Any, dict[str, int]]:
    """:func:`load` through libyaml's parser, whatever the text."""
    from qualytics_ci.folder import libyaml

    return libyaml.load_with_libyaml(text, file)


def dump(data: Any) -> str:
    """The canonical text of ``data``: ``yaml.safe_dump(default_flow_style=False,
    sort_keys=False, allow_unicode=True)``, ending with exactly one newline.

    Written by :func:`~qualytics_ci.folder.emitter.emit` where it is sure to write those
    bytes, else by :func:`dump_yaml`.
    """
    text = emit(data)
    return dump_yaml(data) if text is None else text


def dump_yaml(data: Any) -> str:
    """:func:`dump` through PyYAML (libyaml's emitter where its output is byte-identical)."""
    from qualytics_ci.folder import libyaml

    return libyaml.dump_yaml(data)
