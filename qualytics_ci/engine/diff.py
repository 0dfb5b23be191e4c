"""Field-level comparison of a desired body with the target's, after normalising both.

What is normalised away, and why:
- secrets (connection passwords, keys): the API never returns them, so they are
  write-only: sent on create and with any other update, never diffed;
- the order of lists whose order means nothing (tags, teams, a check's fields);
- platform bookkeeping in ``additional_metadata`` ("from quality check id", ...);
- check defaults the server fills in (description, status, empty lists);
- keys a file does not mention (outside checks) are not managed by the file;
- nested keys the server added with an empty value (``null``, ``false``, ``[]``)
  equal an absent key.

A changed field whose folder value holds a ``${VAR}`` is *sensitive*: its values
are compared, never shown (see :func:`field_change`).
"""

from __future__ import annotations

import marshal
from collections.abc import Mapping
from typing import Any

from qualytics_ci.engine.normalize import PLATFORM_METADATA, SECRET_KEYS
from qualytics_ci.folder.model import Body
from qualytics_ci.folder.variables import names_in
from qualytics_ci.results.config import SENSITIVE, FieldChange, Kind

UNORDERED: dict[str, tuple[str, ...]] = {
    "datastore": ("tags", "teams"),
    "container": ("tags",),
    "computed_field": ("tags",),
    "check": ("tags", "fields"),
}
NOT_COMPARED: dict[str, tuple[str, ...]] = {
    "connection": SECRET_KEYS,
    "container": ("datastore_name",),
}


def has_variable(value: Any) -> bool:
    """Whether ``value`` (a folder value, unresolved) holds a ``${VAR}`` anywhere."""
    return next(names_in(value), None) is not None


def field_change(path: str, before: Any, shown: Any, *, created: bool = False) -> FieldChange:
    """The change of one field from ``before`` (the target's) to ``shown`` (the folder's,
    unresolved). When the folder's value holds a ``${VAR}``, neither side is shown: the
    target's may be an old secret, the folder's resolves to a new one. Both read
    ``(sensitive)`` (``before`` stays null for a create) and the placeholder text is kept
    for the digest."""
    if has_variable(shown):
        return FieldChange(path, None if created else SENSITIVE, SENSITIVE, sensitive=True,
                           folder_text=shown)
    return FieldChange(path, before, shown)


def _is_empty(value: Any) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def check_defaults(body: Mapping[str, Any]) -> Body:
    """A check body with every key the format defines (missing ones defaulted)."""
    rule = body.get("rule_type") or ""
    out = dict(body)
    out["description"] = body.get("description") or f"{rule} quality check"
    out["fields"] = list(body.get("fields") or [])
    for key in ("filter", "anomaly_message_field"):
        out[key] = body.get(key) or None
    out["properties"] = dict(body.get("properties") or {})
    out["tags"] = list(body.get("tags") or [])
    out["status"] = body.get("status") or "Active"
    meta = body.get("additional_metadata") or {}
    out["additional_metadata"] = {k: v for k, v in meta.items() if k not in PLATFORM_METADATA}
    return out


def comparable(kind: Kind, body: Mapping[str, Any]) -> Body:
    """``body`` in the form both sides are compared in."""
    out = check_defaults(body) if kind == "check" else dict(body)
    for key in NOT_COMPARED.get(kind, ()):
        out.pop(key, None)
    for key in UNORDERED.get(kind, ()):
        if isinstance(out.get(key), list):
            out[key] = sorted(out[key], key=str)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (_is_empty(a) and _is_empty(b))
    return bool(a == b)


def _is_map(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)  # the ABC check is slow


_LEAVES = (str, int, float, type(None))  # not bool: True and 1 differ here


def _walk(path: str, want: Any, have: Any, shown: Any, out: list[FieldChange]) -> None:
    kind = type(want)
    if kind is type(have) and kind in _LEAVES and want == have:
        return  # equal values of one plain type: the common case, decided at once
    if _is_map(want) and _is_map(have):
        shown_map = shown if _is_map(shown) else want
        for key in [*want, *(k for k in have if k not in want)]:
            w, h = want.get(key), have.get(key)
            if key not in want and _is_empty(h):
                continue
            if key not in have and _is_empty(w):
                continue
            _walk(f"{path}.{key}" if path else str(key), w, h, shown_map.get(key, w), out)
        return
    if not _same(want, have):
        out.append(field_change(path, have, shown))


def _spelled(value: Any) -> bytes:
    """``value`` as bytes that differ when a type differs (``True``, ``1`` and ``1.0``)
    or an order does: marshal's first format, which has no references, so equal data
    gives equal bytes whatever objects hold it. Twice as fast as ``repr``."""
    try:
        return marshal.dumps(value, 0)
    except ValueError:  # not plain data: never taken as unchanged without the walk
        return repr(id(value)).encode()


def diff(kind: Kind, desired: Mapping[str, Any], current: Mapping[str, Any],
         shown: Mapping[str, Any] | None = None) -> tuple[FieldChange, ...]:
    """Changes that would turn ``current`` into ``desired``.

    Only keys ``desired`` mentions are compared at the top level (for checks,
    every key of the format). ``shown`` is what to display as the new value
    (the unresolved ``${VAR}`` text for connections).
    """
    if desired == current and _spelled(desired) == _spelled(current):
        # Equal and of the same types (== alone takes True for 1, which the walk does
        # not): the case of almost every entity of a plan, decided in C.
        return ()
    want = comparable(kind, desired)
    have = comparable(kind, current)
    out = _changes(want, have, want)
    if out and shown is not None:  # what is shown matters only where something changes
        out = _changes(want, have, comparable(kind, shown))
    return tuple(out)


def _changes(want: Body, have: Body, show: Mapping[str, Any]) -> list[FieldChange]:
    out: list[FieldChange] = []
    for key, value in want.items():
        if key not in have and _is_empty(value):
            continue
        _walk(key, value, have.get(key), show.get(key, value), out)
    return out
