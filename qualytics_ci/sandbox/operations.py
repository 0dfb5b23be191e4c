"""Asynchronous operations: run, finish when due, abort; the sync (catalog) effect.

An operation stays ``running`` for ``store.operation_seconds`` (0 = finishes on
creation), then gets its final ``result`` and ``end_time``. Finishing is lazy:
:func:`finish_due` runs at the start of every request, so no timer thread is
needed and a restarted sandbox completes what was running. A sync applies its
effect (discovering containers and fields from the connection's catalog) when it
finishes; an aborted sync changes nothing. ``promote_*`` types are handed to
:func:`qualytics_ci.sandbox.promote.run_promote`. Creating the record is in
:mod:`.lifecycle`, which promote uses too.
"""

from __future__ import annotations

import time
from typing import Any

from qualytics_ci.sandbox import auth, lifecycle, promote
from qualytics_ci.sandbox.catalog import default_catalog
from qualytics_ci.sandbox.containers import SETTINGS, drop_container, make_fields
from qualytics_ci.sandbox.problems import ApiError, expect_dict, invalid, require_keys
from qualytics_ci.sandbox.store import Record, Store, now_iso

SYNC_TYPES = ("sync", "catalog")
OTHER_TYPES = ("profile", "scan", "materialize", "export", "external_scan")
PARAM_KEYS = ("include", "prune", "recreate", "container_names", "container_tags",
              "incremental", "asset_type", "container_ids", "infer_as_draft")


def start_operation(store: Store, user: Record, body: Any) -> Record:
    """POST /operations/run: validate, check Editor, enqueue; returns the stored record."""
    body = expect_dict(body)
    require_keys(body, "type")
    kind = body["type"]
    if isinstance(kind, str) and kind.startswith("promote_"):
        return promote.run_promote(store, user, body)
    if kind not in SYNC_TYPES + OTHER_TYPES:
        raise invalid(["body", "type"], f"Input should be one of "
                      f"{', '.join(SYNC_TYPES + OTHER_TYPES)}, or a promote type", "enum")
    require_keys(body, "datastore_id")
    ds_id = body["datastore_id"]
    if not isinstance(ds_id, int) or store.find("datastores", ds_id) is None:
        raise invalid(["body", "datastore_id"], f"Datastore {ds_id} not found")
    auth.require_permission(store, user, ds_id, "Editor", f"run {kind} operations")
    params = {k: body[k] for k in PARAM_KEYS if k in body}
    if kind in SYNC_TYPES:
        params.setdefault("prune", False)
        params.setdefault("recreate", False)
    with store.lock:
        rec = lifecycle.new_operation(store, user, kind, ds_id, params)
        if rec["result"] != "running":
            finish(store, rec)
        return rec


def finish(store: Store, rec: Record) -> None:
    """Apply an operation's effect and give it its final result (store lock held)."""
    lifecycle.complete(store, rec, FINISHERS.get(rec.get("_finish") or rec["type"], _no_effect))


def finish_due(store: Store) -> None:
    """Finish every running operation whose time has come (cheap when none is running)."""
    if not store.pending:
        return
    stamp = time.time()
    with store.lock:
        for ident in sorted(store.pending):
            rec = store.find("operations", ident)
            if rec is None:
                store.pending.discard(ident)
            elif rec["_due"] <= stamp:
                finish(store, rec)
            elif rec.get("_finish") == "promote":
                promote.advance(store, rec, stamp)


def abort(store: Store, user: Record, ident: int) -> Record:
    """PUT /operations/abort/{id}: a running operation ends ``aborted``; others are unchanged."""
    with store.lock:
        rec = store.operation(ident)
        if rec.get("datastore_id") is not None and store.find("datastores", rec["datastore_id"]):
            auth.require_permission(store, user, rec["datastore_id"], "Editor",
                                    "abort operations")
        if rec["result"] == "running":
            if rec.get("_finish") == "promote":  # entities due so far keep their results
                promote.advance(store, rec, time.time())
            store.pending.discard(ident)
            rec.update(result="aborted", end_time=now_iso(), message="Aborted by user")
            store.touch()
        return rec


def _no_effect(store: Store, rec: Record) -> None:
    rec["status"] = {"total_containers": len(store.containers_of(rec["datastore_id"]))
                     if rec.get("datastore_id") else 0}


def sync(store: Store, rec: Record) -> None:
    """Discover the datastore's tables/views/files and their fields from the catalog."""
    ds = store.find("datastores", rec["datastore_id"])
    if ds is None:
        raise ApiError(404, f"Datastore {rec['datastore_id']} no longer exists")
    conn = store.connection(ds["connection_id"])
    catalog = store.data["catalogs"].setdefault(conn["id"],
                                                default_catalog(conn["connection_type"],
                                                                conn.get("host")))
    include = rec["params"].get("include")
    found = 0
    for name, spec in catalog.items():
        if include and spec["type"] not in include and spec["type"] != "file":
            continue
        found += 1
        existing = store.container_by_name(ds["id"], name)
        if existing is None:
            store.insert("containers", {
                "datastore_id": ds["id"], "name": name, "container_type": spec["type"],
                "fields": make_fields(store, spec["columns"]), "tags": [], **SETTINGS})
        elif existing["container_type"] in ("table", "view", "file"):
            _refresh_fields(store, existing, spec["columns"])
    for container in store.containers_of(ds["id"]):
        if container["container_type"] in ("table", "view", "file"):
            container["_missing"] = container["name"] not in catalog
            if container["_missing"] and rec["params"].get("prune"):
                drop_container(store, container["id"])
    rec["status"] = {"total_containers": found, "containers_analyzed": found,
                     "records_processed": 0}


def _refresh_fields(store: Store, container: Record, columns: list[list[str]]) -> None:
    by_name = {f["name"]: f for f in container["fields"]}
    for name, kind in columns:
        if name in by_name:
            by_name[name].update(type=kind, missing=False)
        else:
            container["fields"].extend(make_fields(store, [[name, kind]]))
    names = {c[0] for c in columns}
    for field in container["fields"]:
        if field["name"] not in names:
            field["missing"] = True


FINISHERS = {"sync": sync, "catalog": sync, "promote": promote.finish_promote}
