"""Field changes as a reviewer reads them, shared by the terminal and markdown.

A short value reads on one line (``~ properties.max: 50000 → 75000``); a
multi-line or long string (a computed table's query, a SQL expression) is
diffed line by line, so the change is visible without scrolling through one
JSON string full of ``\\n``. One-sided changes (a created or an archived entity)
show the value that exists: ``+`` for the new side, ``-`` for the old.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any

from qualytics_ci.results.config import Change, FieldChange

INLINE = 40        # both values at most this long: the collapsed line shows them
BLOCK = 60         # a value longer than this is shown as lines of its own
WHOLE = 40         # texts up to this many lines are diffed with full context
CONTEXT = 3
MAX_NAMES = 4


def value(v: Any) -> str:
    """A value on one line, in JSON spelling (strings quoted, null, true)."""
    return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)


def is_block(v: Any) -> bool:
    """Whether ``v`` reads better as lines of its own than inline."""
    if isinstance(v, str):
        return "\n" in v or len(v) > BLOCK
    return len(value(v)) > BLOCK


def text_lines(v: Any) -> list[str]:
    """A string's own lines; any other value as its one JSON line."""
    if isinstance(v, str):
        return v.splitlines() or [""]
    return [value(v)]


def unified(before: Sequence[str], after: Sequence[str], indent: str = "   ") -> list[str]:
    """``-``/``+``/`` `` lines between two texts (difflib's unified diff, without
    file headers; the whole text when short, else hunks with ``@@`` lines)."""
    whole = max(len(before), len(after)) <= WHOLE
    n = max(len(before), len(after)) if whole else CONTEXT
    out: list[str] = []
    for line in list(difflib.unified_diff(list(before), list(after), lineterm="", n=n))[2:]:
        if line.startswith("@@"):
            if not whole:
                out.append(line)
            continue
        out.append(f"{line[0]}{indent}{line[1:]}".rstrip())
    return out


def one_sided(change: Change, f: FieldChange) -> bool:
    """A value on one side only: a created or archived entity's field."""
    return change.action != "update" and (f.before is None or f.after is None)


def field_lines(change: Change, f: FieldChange, arrow: str = "→") -> list[str]:
    """One field's change as diff lines (``+``/``-``/``~`` first)."""
    if one_sided(change, f):
        sign, v = ("+", f.after) if f.before is None else ("-", f.before)
        if not is_block(v):
            return [f"{sign} {f.path}: {value(v)}"]
        return [f"{sign} {f.path}:", *(f"{sign}   {ln}".rstrip() for ln in text_lines(v))]
    if not is_block(f.before) and not is_block(f.after):
        return [f"~ {f.path}: {value(f.before)} {arrow} {value(f.after)}"]
    return [f"~ {f.path}:", *unified(text_lines(f.before), text_lines(f.after))]


def change_lines(change: Change, arrow: str = "→") -> list[str]:
    """Every field of ``change``, one after the other."""
    return [ln for f in change.fields for ln in field_lines(change, f, arrow)]


def _field(change: Change, path: str) -> Any:
    for f in change.fields:
        if f.path == path:
            return f.after if f.after is not None else f.before
    return None


def rule_of(change: Change) -> str:
    """``notNull on order_date`` for a check whose fields carry its rule."""
    rule = _field(change, "rule_type")
    if change.kind != "check" or not rule:
        return ""
    fields = _field(change, "fields")
    names = ", ".join(str(x) for x in fields) if isinstance(fields, list) else ""
    return f"{rule} on {names}" if names else str(rule)


def field_names(change: Change) -> str:
    """``description, tags`` (the first few, then how many more)."""
    paths = [f.path for f in change.fields]
    if len(paths) > MAX_NAMES:
        return ", ".join(paths[:MAX_NAMES]) + f" and {len(paths) - MAX_NAMES} more"
    return ", ".join(paths)


def what_changes(change: Change, arrow: str = "→") -> str:
    """The collapsed line's detail: a single short change in full, else field names;
    a created or archived check's rule."""
    if change.action != "update":
        return rule_of(change)
    if len(change.fields) == 1:
        f = change.fields[0]
        b, a = value(f.before), value(f.after)
        if not is_block(f.before) and not is_block(f.after) and len(b) + len(a) <= 2 * INLINE:
            return f"{f.path} {b} {arrow} {a}"
    return field_names(change)
