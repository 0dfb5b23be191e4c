"""What promoting one entity does to the destination, for each promote type.

Each processor takes a chunk of the operation's plan and returns one result per
source entity: ``created`` (a new copy), ``updated`` (the copy differed),
``skipped`` (the copy is identical) or ``failed`` (with the platform's message).

Matching a destination copy (documented in docs/sandbox.md):
- checks: a live destination check whose additional_metadata
  ``from quality check id`` is the source id; else one with the same rule type,
  field names and ``_qualytics_check_uid`` that no other source check of the
  operation claims. Identical = same description, fields, coverage, filter,
  properties and tags (source tags plus additional tags); status is kept.
- computed fields, tables, files: same name on the destination container /
  datastore; a same-named non-computed container makes the entity fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qualytics_ci.sandbox import containers as cont
from qualytics_ci.sandbox.problems import ApiError
from qualytics_ci.sandbox.rules import validate_check
from qualytics_ci.sandbox.store import LIVE_STATUSES, Record, Store, now_iso
from qualytics_ci.sandbox.tags import ensure_tags

FROM_CHECK = "from quality check id"
MAIN_DATASTORE = "main datastore id"
UID = "_qualytics_check_uid"
VALIDATION_BATCH = 10


def source_stub(entity_type: str, rec: Record | None) -> dict[str, Any] | None:
    """How a source or destination entity appears inside a promote result."""
    if rec is None:
        return None
    if entity_type == "quality_check":
        return {"id": rec["id"], "description": rec.get("description"),
                "rule_type": rec.get("rule_type"), "fields": list(rec.get("fields") or []),
                "status": str(rec.get("status", "")).lower()}
    if entity_type == "computed_field":
        return {"id": rec["id"], "name": rec["name"],
                "transformation_type": rec.get("transformation_type")}
    return {"id": rec["id"], "name": rec["name"], "container_type": rec["container_type"]}


def _result(entity_type: str, source_id: int, source: Record | None, result: str,
            dest: Record | None = None, message: str | None = None) -> dict[str, Any]:
    return {"source_entity_id": source_id, "source_entity": source_stub(entity_type, source),
            "entity_type": entity_type, "result": result,
            "destination_entity_id": dest["id"] if dest else None,
            "destination_entity": source_stub(entity_type, dest), "message": message}


def _tags(rec: Record, op: Record) -> list[str]:
    return sorted(set(rec.get("tags") or []) | set(op["_additional_tags"]))


def _detail(exc: ApiError) -> str:
    if isinstance(exc.detail, list):
        return "; ".join(str(e.get("msg", e)) if isinstance(e, dict) else str(e)
                         for e in exc.detail)
    return str(exc.detail)


# ---- quality checks ------------------------------------------------------------------
def _check_definition(rec: Record, tags: list[str]) -> dict[str, Any]:
    return {"description": rec.get("description") or "", "fields": list(rec["fields"]),
            "coverage": rec.get("coverage"), "filter": rec.get("filter"),
            "properties": dict(rec.get("properties") or {}), "tags": sorted(tags)}


def _check_key(rec: Record) -> tuple[Any, ...]:
    return (rec["rule_type"], tuple(rec["fields"]),
            (rec.get("additional_metadata") or {}).get(UID))


def _find_copy(live: list[Record], op: Record, source: Record) -> Record | None:
    """The live destination check that is ``source``'s copy (see the module docstring)."""
    candidates = [c for c in live if c["id"] not in op["_claimed"]]
    origin = str(source["id"])
    for c in candidates:
        if str((c.get("additional_metadata") or {}).get(FROM_CHECK)) == origin:
            return c
    others = {str(i) for i in op["_plan"]} - {origin}
    for c in candidates:
        if (str((c.get("additional_metadata") or {}).get(FROM_CHECK)) not in others
                and _check_key(c) == _check_key(source)):
            return c
    return None


def _copy_metadata(source: Record, op: Record) -> dict[str, Any]:
    meta = {k: v for k, v in (source.get("additional_metadata") or {}).items()
            if k not in (FROM_CHECK, MAIN_DATASTORE)}
    meta[FROM_CHECK] = str(source["id"])
    meta[MAIN_DATASTORE] = str(source["datastore_id"])
    return meta


def promote_checks(store: Store, user: Record, op: Record, items: list[int]
                   ) -> list[dict[str, Any]]:
    """Checks in plan order; new Active checks are validated in batches of 10."""
    out: list[dict[str, Any]] = []
    dest_c = store.find("containers", op["destination_container"]["id"])
    live = [] if dest_c is None else [c for c in store.checks_of(dest_c["id"])
                                      if c["status"] in LIVE_STATUSES]
    known = set() if dest_c is None else set(store.field_names(dest_c["id"]))
    created: list[tuple[Record, Record]] = []
    for sid in items:
        source = store.find("checks", sid)
        if source is None or source["status"] not in LIVE_STATUSES:
            out.append(_result("quality_check", sid, source, "failed", None,
                               "Source check no longer exists or was archived"))
            continue
        if dest_c is None:
            out.append(_result("quality_check", sid, source, "failed", None,
                               "Destination container no longer exists"))
            continue
        tags = _tags(source, op)
        wanted = _check_definition(source, tags)
        copy = _find_copy(live, op, source)
        missing = [f for f in source["fields"] if f not in known]
        caveat = (f"Promoted as Draft: source fields {missing} could not be resolved on the "
                  "destination") if missing and op.get("as_draft", True) else None
        ensure_tags(store, tags)
        if copy is not None:
            op["_claimed"].append(copy["id"])
            if _check_definition(copy, copy.get("tags") or []) == wanted:
                out.append(_result("quality_check", sid, source, "skipped", copy))
                continue
            copy.update(wanted, additional_metadata={**(copy.get("additional_metadata") or {}),
                                                     **_copy_metadata(source, op)},
                        last_editor_id=user.get("id"), updated=now_iso())
            out.append(_result("quality_check", sid, source, "updated", copy, caveat))
            continue
        status = "Draft" if op.get("as_draft", True) else "Active"
        new = store.insert("checks", {
            **wanted, "container_id": dest_c["id"], "datastore_id": dest_c["datastore_id"],
            "rule_type": source["rule_type"], "status": status, "deleted_at": None,
            "inferred": False, "last_editor_id": user.get("id"), "updated": now_iso(),
            "anomaly_message_field": source.get("anomaly_message_field"),
            "owner_id": None, "default_anomaly_assignee_id": None,
            "additional_metadata": _copy_metadata(source, op)})
        op["_claimed"].append(new["id"])
        live.append(new)
        if status == "Active":
            created.append((source, new))
            if len(created) == VALIDATION_BATCH:
                out += _validate_batch(store, created)
                created = []
        else:
            out.append(_result("quality_check", sid, source, "created", new, caveat))
    out += _validate_batch(store, created)
    return out


def _validate_batch(store: Store, created: list[tuple[Record, Record]]) -> list[dict[str, Any]]:
    """One dataplane roundtrip: every new Active check of the batch is validated
    against the destination; a failing one is removed (no orphan row)."""
    out = []
    for source, new in created:
        known = store.field_names(new["container_id"])
        missing = [f for f in new["fields"] if f not in known]
        message = None
        if missing:
            message = f"Validation failed: field '{missing[0]}' not found on destination container"
        else:
            try:
                validate_check(new["rule_type"], new["fields"], new["properties"],
                               new["filter"], new["coverage"], known)
            except ApiError as exc:
                message = f"Validation failed: {_detail(exc)}"
        if message:
            store.delete("checks", new["id"])
            out.append(_result("quality_check", source["id"], source, "failed", None, message))
        else:
            out.append(_result("quality_check", source["id"], source, "created", new))
    return out


# ---- computed fields -------------------------------------------------------------------
def order_fields(fields: list[Record]) -> list[Record]:
    """Computed fields with every field after the computed fields it reads from."""
    by_name = {f["name"]: f for f in fields}
    done: dict[str, Record] = {}

    def visit(rec: Record, path: tuple[str, ...]) -> None:
        if rec["name"] in done or rec["name"] in path:
            return
        for name in rec.get("source_fields") or []:
            if name in by_name:
                visit(by_name[name], (*path, rec["name"]))
        done[rec["name"]] = rec

    for rec in fields:
        visit(rec, ())
    return list(done.values())


def _field_definition(rec: Record, tags: list[str]) -> dict[str, Any]:
    return {"transformation_type": rec.get("transformation_type"),
            "source_fields": list(rec.get("source_fields") or []),
            "properties": dict(rec.get("properties") or {}), "tags": sorted(tags)}


def promote_fields(store: Store, user: Record, op: Record, chunk: list[int]
                   ) -> list[dict[str, Any]]:
    out = []
    for sid in chunk:
        source = store.find("computed_fields", sid)
        dest_c = store.find("containers", op["destination_container"]["id"])
        if source is None or dest_c is None:
            out.append(_result("computed_field", sid, source, "failed", None,
                               "Source field or destination container no longer exists"))
            continue
        copy = next((f for f in store.computed_fields_of(dest_c["id"])
                     if f["name"] == source["name"]), None)
        plain = [f["name"] for f in dest_c["fields"]]
        available = [n for n in store.field_names(dest_c["id"]) if n != source["name"]]
        missing = [n for n in source.get("source_fields") or [] if n not in available]
        if copy is None and source["name"] in plain:
            message = (f"Field '{source['name']}' already exists on the destination container "
                       "as a non-computed field")
            out.append(_result("computed_field", sid, source, "failed", None, message))
            continue
        if missing:
            message = (f"Source field(s) {missing} not available on destination — their "
                       "parent computed field may have failed to promote")
            out.append(_result("computed_field", sid, source, "failed", copy, message))
            continue
        tags = _tags(source, op)
        ensure_tags(store, tags)
        wanted = _field_definition(source, tags)
        if copy is not None:
            inactive = copy.get("status") != "Active"
            if _field_definition(copy, copy.get("tags") or []) == wanted and not inactive:
                out.append(_result("computed_field", sid, source, "skipped", copy))
                continue
            copy.update(wanted, status="Active", last_editor_id=user.get("id"))
            note = "Reactivated non-active field on destination" if inactive else None
            out.append(_result("computed_field", sid, source, "updated", copy, note))
            continue
        new = store.insert("computed_fields", {
            **wanted, "name": source["name"], "container_id": dest_c["id"],
            "field_id": store.next_id("fields"), "status": "Active",
            "type": source.get("type") or "String", "last_editor_id": user.get("id"),
            "additional_metadata": source.get("additional_metadata")})
        out.append(_result("computed_field", sid, source, "created", new))
    return out


# ---- computed tables and files -----------------------------------------------------
def _container_body(source: Record, tags: list[str], pattern_id: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {k: source.get(k) for k in cont.SETTINGS}
    body.update({"container_type": source["container_type"], "name": source["name"],
                 "tags": tags})
    for key in cont.DEFINITION_KEYS[source["container_type"]]:
        body[key] = source.get(key)
    if pattern_id is not None:
        body["source_container_id"] = pattern_id
    return body


def _container_definition(rec: Record) -> dict[str, Any]:
    keys = ("description", *cont.DEFINITION_KEYS[rec["container_type"]])
    return {**{k: rec.get(k) for k in keys}, "tags": sorted(rec.get("tags") or [])}


def _promote_container(store: Store, user: Record, op: Record, sid: int,
                       pattern_id: int | None) -> dict[str, Any]:
    kind = op["promote_type"]
    source = store.find("containers", sid)
    if source is None or source["container_type"] != kind:
        return _result(kind, sid, source, "failed", None, "Source container no longer exists")
    dest_ds = op["destination_datastore_id"]
    tags = _tags(source, op)
    body = _container_body(source, tags, pattern_id)
    existing = store.container_by_name(dest_ds, source["name"])
    try:
        if existing is None:
            new = cont.create_container(store, user, {**body, "datastore_id": dest_ds})
            return _result(kind, sid, source, "created", new)
        if existing["container_type"] != kind:
            label = kind.replace("_", "-")
            return _result(kind, sid, source, "failed", existing, f"Cannot promote over "
                           f"non-{label} container (type: {existing['container_type']})")
        wanted = _container_definition({**existing, **body})
        if _container_definition(existing) == wanted:
            return _result(kind, sid, source, "skipped", existing)
        cont.update_container(store, user, existing["id"], body)
        return _result(kind, sid, source, "updated", existing)
    except ApiError as exc:
        return _result(kind, sid, source, "failed", existing, _detail(exc))


def promote_tables(store: Store, user: Record, op: Record, chunk: list[int]
                   ) -> list[dict[str, Any]]:
    return [_promote_container(store, user, op, sid, None) for sid in chunk]


def promote_files(store: Store, user: Record, op: Record, chunk: list[list[int]]
                  ) -> list[dict[str, Any]]:
    return [_promote_container(store, user, op, sid, pattern) for sid, pattern in chunk]


Processor = Callable[[Store, Record, Record, list[Any]], list[dict[str, Any]]]
PROCESSORS: dict[str, Processor] = {
    "quality_check": promote_checks,
    "computed_field": promote_fields,
    "computed_table": promote_tables,
    "computed_file": promote_files,
}
