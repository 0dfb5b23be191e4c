"""Checks and containers as response JSON, cached per record.

``store.rendered`` maps ``(table, id)`` to the bytes :mod:`.views` would render
for that record; the store forgets entries when what they show changes (see
:meth:`~qualytics_ci.sandbox.store.Store.touch`), so a page is the join of
cached bytes. A seed's entries are rendered once, when the seed is built, and
come back with every reset to it (:func:`all_of`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qualytics_ci.sandbox import views
from qualytics_ci.sandbox.store import Record, Store
from qualytics_ci.sandbox.web import dumps


def _cached(store: Store, table: str, rec: Record, view: Callable[[Store, Record], Any]
            ) -> bytes:
    key = (table, rec["id"])
    body = store.rendered.get(key)
    if body is None:
        body = store.rendered[key] = dumps(view(store, rec))
    return body


def check(store: Store, rec: Record) -> bytes:
    """The JSON of a quality check (``GET /quality-checks/{id}``, list items, writes)."""
    return _cached(store, "checks", rec, views.check)


def check_by_id(store: Store, ident: int) -> bytes:
    """:func:`check` of the check with this id (which must exist)."""
    body = store.rendered.get(("checks", ident))
    return body if body is not None else check(store, store.data["checks"][ident])


def container(store: Store, rec: Record) -> bytes:
    """The JSON of a container (detail and list items alike)."""
    return _cached(store, "containers", rec, views.container)


def container_by_id(store: Store, ident: int) -> bytes:
    """:func:`container` of the container with this id (which must exist)."""
    body = store.rendered.get(("containers", ident))
    return body if body is not None else container(store, store.data["containers"][ident])


def all_of(store: Store) -> dict[tuple[str, int], bytes]:
    """Every check and container rendered (to keep with a seed)."""
    for rec in store.table("checks").values():
        check(store, rec)
    for rec in store.table("containers").values():
        container(store, rec)
    return dict(store.rendered)
