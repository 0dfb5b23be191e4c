"""The emulator's four promote operations (``promote_quality_check``,
``promote_computed_field``, ``promote_computed_table``, ``promote_computed_file``).

``POST /api/operations/run`` with a ``promote_*`` type lands in
:func:`run_promote`, which answers like the platform: a 422 for request-level
problems (ids and tags together, source equal to destination, wrong datastore
type, missing mapping) and a 403 unless the user has Editor on both the source
and the destination; nothing is enqueued in either case. Otherwise it stores a
``running`` operation whose entities are processed progressively over
``store.operation_seconds`` (see :func:`advance`), so that polling shows
progress and an abort keeps the results of the entities processed so far.
The per-entity work is in :mod:`.promote_entities`.
"""

from __future__ import annotations

import time
from typing import Any

from qualytics_ci.sandbox import auth, lifecycle
from qualytics_ci.sandbox.problems import ApiError, expect_dict, invalid, require_keys
from qualytics_ci.sandbox.promote_entities import (
    PROCESSORS,
    VALIDATION_BATCH,
    order_fields,
    source_stub,
)
from qualytics_ci.sandbox.store import ARCHIVED_STATUSES, Record, Store

# API type -> (promote_type, ids key, tags key, additional tags key)
TYPES: dict[str, tuple[str, str | None, str | None, str]] = {
    "promote_quality_check": ("quality_check", "check_ids", "check_tags",
                              "check_additional_tags"),
    "promote_computed_field": ("computed_field", "computed_field_ids", "computed_field_tags",
                               "computed_field_additional_tags"),
    "promote_computed_table": ("computed_table", "container_ids", "container_tags",
                               "container_additional_tags"),
    "promote_computed_file": ("computed_file", None, None, "container_additional_tags"),
}


def _list(body: dict[str, Any], key: str | None, kind: type) -> list[Any]:
    if key is None or body.get(key) is None:
        return []
    value = body[key]
    if not isinstance(value, list) or not all(isinstance(v, kind) and not isinstance(v, bool)
                                              for v in value):
        raise invalid(["body", key], f"Input should be a valid list of {kind.__name__}",
                      "list_type")
    return value


def _datastore(store: Store, body: dict[str, Any], key: str) -> Record:
    ident = body.get(key)
    rec = store.find("datastores", ident) if isinstance(ident, int) else None
    if rec is None:
        raise invalid(["body", key], f"Datastore {ident} not found")
    return rec


def _container(store: Store, body: dict[str, Any], key: str, loc: list[str | int],
               datastore_id: int | None = None) -> Record:
    ident = body.get(key)
    rec = store.find("containers", ident) if isinstance(ident, int) else None
    if rec is None or (datastore_id is not None and rec["datastore_id"] != datastore_id):
        where = f" in datastore {datastore_id}" if datastore_id is not None else ""
        raise invalid(loc, f"Container {ident} not found{where}")
    return rec


def _store_type(store: Store, datastore: Record) -> str:
    return str(store.connection(datastore["connection_id"])["connection_type"])


def _require_editor(store: Store, user: Record, source: Record, destination: Record) -> None:
    missing = [ds["name"] for ds in (source, destination)
               if not auth.has_permission(user, ds["id"], "Editor")]
    if missing:
        raise ApiError(403, "Editor team permission on both the source and the destination is "
                            "required to promote (missing on " +
                            ", ".join(f"'{n}'" for n in dict.fromkeys(missing)) + ")")


def _different() -> ApiError:
    return invalid(["body"], "Source and destination must be different")


def run_promote(store: Store, user: Record, body: Any) -> Record:
    """Validate, check permissions, plan and enqueue a promote; returns the operation."""
    body = expect_dict(body)
    kind = body.get("type")
    if kind not in TYPES:
        raise invalid(["body", "type"], f"Input should be one of {', '.join(TYPES)}", "enum")
    promote_type, ids_key, tags_key, extra_key = TYPES[kind]
    container_level = promote_type in ("quality_check", "computed_field")
    require_keys(body, "datastore_id", *(("container_id", "destination_container_id")
                                         if container_level else ("destination_datastore_id",)))
    ids, tags = _list(body, ids_key, int), _list(body, tags_key, str)
    additional = _list(body, extra_key, str)
    if ids and tags:
        raise invalid(["body", str(ids_key)], f"{ids_key} and {tags_key} are mutually exclusive")
    as_draft = body.get("as_draft", True)
    if not isinstance(as_draft, bool):
        raise invalid(["body", "as_draft"], "Input should be a valid boolean", "bool_type")
    with store.lock:
        source = _datastore(store, body, "datastore_id")
        src_c = dst_c = None
        if container_level:
            src_c = _container(store, body, "container_id", ["body", "container_id"], source["id"])
            dst_c = _container(store, body, "destination_container_id",
                               ["body", "destination_container_id"])
            if src_c["id"] == dst_c["id"]:
                raise _different()
            destination = store.datastore(dst_c["datastore_id"])
        else:
            destination = _datastore(store, body, "destination_datastore_id")
            if destination["id"] == source["id"]:
                raise _different()
        _require_editor(store, user, source, destination)
        mappings = _check_types(store, body, promote_type, source, destination)
        plan = _plan(store, promote_type, source, src_c, ids, tags, mappings)
        return _enqueue(store, user, body, promote_type, source, destination, src_c, dst_c,
                        plan, additional, as_draft if promote_type == "quality_check" else None)


def _check_types(store: Store, body: dict[str, Any], promote_type: str, source: Record,
                 destination: Record) -> list[tuple[int, int]]:
    needed = {"computed_table": "jdbc", "computed_file": "dfs"}.get(promote_type)
    if needed:
        for key, ds in (("datastore_id", source), ("destination_datastore_id", destination)):
            if _store_type(store, ds) != needed:
                raise invalid(["body", key], f"Datastore '{ds['name']}' is not a "
                              f"{needed.upper()} datastore: {promote_type.replace('_', ' ')}s "
                              f"are promoted between {needed.upper()} datastores")
    if promote_type != "computed_file":
        return []
    raw = body.get("source_container_mappings")
    if not isinstance(raw, list) or not raw:
        raise invalid(["body", "source_container_mappings"],
                      "At least one source container mapping is required", "missing")
    pairs = []
    for i, item in enumerate(raw):
        loc: list[str | int] = ["body", "source_container_mappings", i]
        if not isinstance(item, dict):
            raise invalid(loc, "Input should be a valid dictionary", "dict_type")
        src = _container(store, item, "container_id", [*loc, "container_id"], source["id"])
        if src["container_type"] != "computed_file":
            raise invalid([*loc, "container_id"], f"Container '{src['name']}' is not a "
                          f"computed file (type: {src['container_type']})")
        dst = _container(store, item, "destination_container_id",
                         [*loc, "destination_container_id"], destination["id"])
        pairs.append((src["id"], dst["id"]))
    return pairs


def _plan(store: Store, promote_type: str, source: Record, src_c: Record | None,
          ids: list[int], tags: list[str], mappings: list[tuple[int, int]]) -> list[Any]:
    """The source entities to process, in processing order."""
    def keep(rec: Record) -> bool:
        if ids:
            return rec["id"] in ids
        return not tags or bool(set(tags) & set(rec.get("tags") or []))

    if promote_type == "quality_check":
        assert src_c is not None
        return [c["id"] for c in store.checks_of(src_c["id"], archived=True)
                if keep(c) and c["status"] not in ARCHIVED_STATUSES]
    if promote_type == "computed_field":
        assert src_c is not None
        return [f["id"] for f in order_fields(
            [f for f in store.computed_fields_of(src_c["id"]) if keep(f)])]
    if promote_type == "computed_table":
        return [c["id"] for c in store.containers_of(source["id"])
                if c["container_type"] == "computed_table" and keep(c)]
    return [list(pair) for pair in mappings]


def _stub(rec: Record | None) -> dict[str, Any] | None:
    return {"id": rec["id"], "name": rec["name"]} if rec else None


def _enqueue(store: Store, user: Record, body: dict[str, Any], promote_type: str,
             source: Record, destination: Record, src_c: Record | None, dst_c: Record | None,
             plan: list[Any], additional: list[str], as_draft: bool | None) -> Record:
    params = {k: body[k] for k in body if k not in ("type", "datastore_id")}
    extra: dict[str, Any] = {
        "promote_type": promote_type, "destination_datastore_id": destination["id"],
        "destination_datastore": _stub(destination), "container": _stub(src_c),
        "destination_container": _stub(dst_c),
        "status": {"total": len(plan), "created": 0, "updated": 0, "skipped": 0, "failed": 0},
        "results": [], "_finish": "promote", "_plan": plan, "_done": 0,
        "_started": time.time(), "_additional_tags": additional, "_claimed": [],
        "_batch": VALIDATION_BATCH if as_draft is False else 1,
    }
    if as_draft is not None:
        extra["as_draft"] = as_draft
    rec = lifecycle.new_operation(store, user, "promote", source["id"], params, **extra)
    rec["_user_id"] = user["id"]
    if rec["result"] != "running":
        lifecycle.complete(store, rec, finish_promote)
    return rec


def advance(store: Store, rec: Record, now: float | None = None) -> None:
    """Process the entities whose turn has come (all of them when ``now`` is None).

    Entities are spread evenly over ``operation_seconds``; active check
    promotions move in validation batches of 10. Call with the store lock held."""
    plan, batch = rec["_plan"], rec["_batch"]
    if now is None:
        due = len(plan)
    else:
        span = max(rec["_due"] - rec["_started"], 1e-9)
        units = (len(plan) + batch - 1) // batch
        due = min(len(plan), int(units * (now - rec["_started"]) / span) * batch)
    if rec["_done"] >= due:
        return
    user = store.find("users", rec["_user_id"]) or {}
    for result in PROCESSORS[rec["promote_type"]](store, user, rec, plan[rec["_done"]:due]):
        _record(rec, result)
    rec["_done"] = due
    store.touch()


def _record(rec: Record, result: dict[str, Any]) -> None:
    rec["results"].append(result)
    rec["status"][result["result"]] += 1


def finish_promote(store: Store, rec: Record) -> None:
    """The operation's time is up: process what is left and set the result."""
    advance(store, rec)
    status = rec["status"]
    rec["_result"] = "failure" if status["total"] and status["failed"] == status["total"] \
        else "success"


__all__ = ["advance", "finish_promote", "run_promote", "source_stub"]
