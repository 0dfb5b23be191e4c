"""The bodies ``drift --adopt`` writes: the folder's body with the target's values where
they differ, and the smallest override that says the same. Pure: no I/O."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from qualytics_ci.engine.diff import diff
from qualytics_ci.folder.model import Body
from qualytics_ci.results.kinds import Kind


def adopted_body(kind: Kind, folder: Body, resolved: Body, target: Body) -> Body:
    """``folder`` with the target's value at every path where the two differ.

    ``resolved`` is the folder's body with its ``${VAR}`` references resolved (what the
    comparison sees); keys the comparison ignores (secrets, the order of unordered lists,
    server defaults) and keys that match keep the folder's text and order. A key the
    target lacks is removed; a key only the target has is inserted where the target's
    order puts it.

    A value the folder writes with a ``${VAR}`` is never replaced: the target's value may be
    a secret (or an old one), and the folder's placeholder is what the team keeps in Git.
    """
    out = copy.deepcopy(folder)
    for change in diff(kind, resolved, target, folder):
        if not change.sensitive:
            _put(out, target, change.path)
    return out


def _split(path: str, *nodes: Mapping[str, Any] | None) -> tuple[str, str | None]:
    """The first key of a dotted ``path`` (keys may hold dots) and the rest, if any."""
    keys = {str(k) for node in nodes if isinstance(node, Mapping) for k in node}
    if path in keys:
        return path, None
    prefixes = [k for k in keys if path.startswith(k + ".")]
    if prefixes:
        key = max(prefixes, key=len)
        return key, path[len(key) + 1:]
    head, _, rest = path.partition(".")
    return head, rest or None


def _put(node: dict[str, Any], source: Mapping[str, Any] | None, path: str) -> None:
    key, rest = _split(path, node, source)
    present = isinstance(source, Mapping) and key in source
    order = list(source) if isinstance(source, Mapping) else []
    if rest is None:
        if present:
            assert source is not None
            _insert(node, key, copy.deepcopy(source[key]), order)
        else:
            node.pop(key, None)
        return
    child = node.get(key)
    if not isinstance(child, dict):
        child = {}
        _insert(node, key, child, order)
    _put(child, source.get(key) if present and source is not None else None, rest)


def _insert(node: dict[str, Any], key: str, value: Any, order: Sequence[str]) -> None:
    """Set ``node[key]``; a new key goes after the last key that precedes it in ``order``."""
    if key in node or key not in order:
        node[key] = value
        return
    before = set(order[:list(order).index(key)])
    items = list(node.items())
    at = max((n + 1 for n, (k, _) in enumerate(items) if k in before), default=0)
    items.insert(at, (key, value))
    node.clear()
    node.update(items)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def override_for(base: Mapping[str, Any], wanted: Mapping[str, Any],
                 existing: Mapping[str, Any] | None = None) -> Body:
    """The smallest override that, deep-merged over ``base``, gives ``wanted``.

    Mappings are followed key by key; a list or a scalar that differs is given whole; a
    key ``wanted`` lacks is given as ``null`` (which the comparison reads as absent).
    Keys come in the order of ``existing`` (the override file already there), then the
    order of ``wanted``.
    """
    out: Body = {}
    for key, value in wanted.items():
        old = base.get(key)
        if key not in base:
            if value is not None:
                out[key] = copy.deepcopy(value)
        elif isinstance(value, Mapping) and isinstance(old, Mapping):
            prior = existing.get(key) if isinstance(existing, Mapping) else None
            sub = override_for(old, value, prior if isinstance(prior, Mapping) else None)
            if sub:
                out[key] = sub
        elif not _same(old, value):
            out[key] = copy.deepcopy(value)
    for key in base:
        if key not in wanted and base[key] is not None:
            out[key] = None
    if not existing:
        return out
    first = [k for k in existing if k in out]
    return {**{k: out[k] for k in first}, **{k: v for k, v in out.items() if k not in first}}
