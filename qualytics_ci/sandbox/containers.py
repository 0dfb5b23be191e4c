"""Containers (computed tables, files and joins) and computed fields.

Tables, views and files appear only through a sync (see :mod:`.operations`);
the three computed types are created here, with their fields derived from the
query or select clause (``*`` expands to the source's fields).
"""

from __future__ import annotations

from typing import Any

from qualytics_ci.sandbox import auth
from qualytics_ci.sandbox.catalog import derive_fields, from_table
from qualytics_ci.sandbox.problems import ApiError, conflict, expect_dict, invalid, require_keys
from qualytics_ci.sandbox.store import Record, Store, now_iso
from qualytics_ci.sandbox.tags import ensure_tags, tag_names

COMPUTED_TYPES = ("computed_table", "computed_file", "computed_join")
ALL_TYPES = ("table", "view", "file", *COMPUTED_TYPES)
SETTINGS: dict[str, Any] = {
    "description": None, "additional_metadata": None, "exclude_fields": None,
    "group_by_fields": None, "volumetric_tracking_enabled": False,
    "freshness_tracking_enabled": False, "incremental_field_name": None,
    "incremental_identifier_type": None,
}
DEFINITION_KEYS: dict[str, tuple[str, ...]] = {
    "computed_table": ("query",),
    "computed_file": ("source_container_id", "select_clause", "where_clause", "group_by_clause"),
    "computed_join": ("left_container_id", "right_container_id", "left_join_field_name",
                      "right_join_field_name", "select_clause", "join_type", "left_prefix",
                      "right_prefix", "where_clause", "group_by_clause"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "computed_table": ("datastore_id", "name", "query"),
    "computed_file": ("datastore_id", "name", "source_container_id", "select_clause"),
    "computed_join": ("name", "left_container_id", "right_container_id",
                      "left_join_field_name", "right_join_field_name", "select_clause"),
}
TRANSFORMATIONS = frozenset({
    "cleanedEntityName", "convertFormattedNumeric", "customExpression", "castDataType",
    "convertJson", "convertFormattedDate", "lookup",
})


def make_fields(store: Store, columns: list[list[str]]) -> list[Record]:
    """Field records (with fresh ids) for (name, type) columns."""
    return [{"id": store.next_id("fields"), "name": n, "type": t} for n, t in columns]


def _columns(store: Store, container_id: int, prefix: str = "") -> list[list[str]]:
    return [[prefix + f["name"], f["type"]] for f in store.container(container_id)["fields"]]


def _source(store: Store, body: dict[str, Any], key: str, datastore_id: int | None) -> Record:
    ident = body.get(key)
    rec = store.find("containers", ident) if isinstance(ident, int) else None
    if rec is None or (datastore_id is not None and rec["datastore_id"] != datastore_id):
        raise invalid(["body", key], f"Container {ident} not found in the datastore")
    return rec


def _derive(store: Store, kind: str, body: dict[str, Any], datastore_id: int) -> list[list[str]]:
    if kind == "computed_table":
        ds = store.datastore(datastore_id)
        if store.connection(ds["connection_id"])["connection_type"] != "jdbc":
            raise invalid(["body", "container_type"],
                          "Computed tables need a JDBC datastore; use computed_file on DFS")
        table = from_table(body["query"])
        src = store.container_by_name(datastore_id, table) if table else None
        return derive_fields(body["query"], _columns(store, src["id"]) if src else [])
    if kind == "computed_file":
        src = _source(store, body, "source_container_id", datastore_id)
        if src["container_type"] not in ("file", "computed_file"):
            raise invalid(["body", "source_container_id"], "Source must be a file pattern")
        return derive_fields(body["select_clause"], _columns(store, src["id"]))
    left = _source(store, body, "left_container_id", None)
    right = _source(store, body, "right_container_id", None)
    star = (_columns(store, left["id"], body.get("left_prefix") or "")
            + _columns(store, right["id"], body.get("right_prefix") or ""))
    return derive_fields(body["select_clause"], star)


def _apply_definition(store: Store, rec: Record, body: dict[str, Any]) -> None:
    kind = rec["container_type"]
    for key, default in SETTINGS.items():
        rec[key] = body.get(key, default)
    rec["tags"] = tag_names(body)
    ensure_tags(store, rec["tags"])
    if kind not in COMPUTED_TYPES:
        return
    require_keys(body, *[k for k in REQUIRED[kind] if k != "datastore_id"])
    columns = _derive(store, kind, body, rec["datastore_id"])
    old = {f["name"]: f for f in rec.get("fields", [])}
    dropped = [n for n in old if n not in {c[0] for c in columns}]
    if dropped and not body.get("force_drop_fields") and rec.get("id"):
        used = sorted({f for c in store.checks_of(rec["id"]) for f in c["fields"]
                       if f in dropped})
        if used:
            raise conflict(f"Update would drop fields used by checks: {', '.join(used)}; "
                           "send force_drop_fields=true to proceed")
    rec["fields"] = [old[n] if n in old else make_fields(store, [[n, t]])[0] for n, t in columns]
    for key in DEFINITION_KEYS[kind]:
        rec[key] = body.get(key)


def create_container(store: Store, user: Record, body: Any) -> Record:
    """POST /containers (Editor): only the computed types can be created."""
    body = expect_dict(body)
    kind = body.get("container_type")
    if kind not in COMPUTED_TYPES:
        raise invalid(["body", "container_type"],
                      f"Input should be one of {', '.join(COMPUTED_TYPES)}", "enum")
    require_keys(body, *REQUIRED[kind])
    with store.lock:
        if kind == "computed_join" and body.get("datastore_id") is None:
            body = {**body, "datastore_id": _source(store, body, "left_container_id",
                                                    None)["datastore_id"]}
        ds = store.datastore(body["datastore_id"])
        auth.require_permission(store, user, ds["id"], "Editor", "create computed containers")
        if store.container_by_name(ds["id"], body["name"]):
            raise conflict(f"Container with name '{body['name']}' already exists "
                           f"in datastore '{ds['name']}'")
        rec: Record = {"datastore_id": ds["id"], "name": body["name"], "container_type": kind}
        _apply_definition(store, rec, body)
        store.insert("containers", rec)
        _profile_operation(store, user, rec)
        return rec


def _profile_operation(store: Store, user: Record, container: Record) -> None:
    """The platform profiles a new computed container; record a finished profile op."""
    stamp = now_iso()
    store.insert("operations", {
        "type": "profile", "datastore_id": container["datastore_id"], "start_time": stamp,
        "end_time": stamp, "result": "success", "message": None,
        "params": {"container_names": [container["name"]]}, "triggered_by": auth.user_stub(user),
        "status": {"total_containers": 1, "containers_analyzed": 1,
                   "records_processed": 0}, "_due": 0.0,
    })


def update_container(store: Store, user: Record, ident: int, body: Any) -> Record:
    """PUT /containers/{id} (Editor): full replace; 409 if checks' fields would be dropped."""
    body = expect_dict(body)
    with store.lock:
        rec = store.container(ident)
        auth.require_permission(store, user, rec["datastore_id"], "Editor", "update containers")
        if rec["container_type"] in COMPUTED_TYPES:
            name = body.get("name") or rec["name"]
            other = store.container_by_name(rec["datastore_id"], name)
            if other and other["id"] != ident:
                raise conflict(f"Container with name '{name}' already exists")
            draft = {**rec, "name": name}
        else:
            draft = dict(rec)
        _apply_definition(store, draft, body)
        rec.update(draft)
        store.touch("containers", rec)
        return rec


def patch_containers(store: Store, user: Record, body: Any) -> list[Record]:
    """PATCH /containers: bulk ``[{"id": .., "tags": [..]}]`` tag assignment (Viewer)."""
    if not isinstance(body, list):
        raise invalid(["body"], "Input should be a valid list", "list_type")
    with store.lock:
        changed = []
        for i, item in enumerate(body):
            if not isinstance(item, dict) or not isinstance(item.get("id"), int):
                raise invalid(["body", i, "id"], "Field required", "missing")
            rec = store.container(item["id"])
            auth.require_permission(store, user, rec["datastore_id"], "Viewer", "tag containers")
            if "tags" in item:
                rec["tags"] = tag_names(item)
                ensure_tags(store, rec["tags"])
            changed.append(rec)
        store.touch()
        return changed


# ---- computed fields ---------------------------------------------------------------
def _field_values(store: Store, rec: Record, body: dict[str, Any]) -> None:
    kind = body.get("transformation") or body.get("transformation_type")
    if kind not in TRANSFORMATIONS:
        raise invalid(["body", "transformation"],
                      f"Input should be one of {', '.join(sorted(TRANSFORMATIONS))}", "enum")
    props = body.get("properties") or {}
    if kind == "customExpression" and not props.get("column_expression"):
        raise invalid(["body", "properties", "column_expression"], "Field required", "missing")
    sources = [s["name"] if isinstance(s, dict) else s for s in body.get("source_fields") or []]
    known = [n for n in store.field_names(rec["container_id"]) if n != rec["name"]]
    for i, name in enumerate(sources):
        if name not in known:
            raise invalid(["body", "source_fields", i],
                          f"Field '{name}' does not exist on the container")
    rec.update(transformation_type=kind, source_fields=sources, properties=props,
               additional_metadata=body.get("additional_metadata"),
               tags=tag_names(body), type=props.get("field_type") or (
                   "Fractional" if kind == "convertFormattedNumeric" else "String"))
    ensure_tags(store, rec["tags"])


def _field_name_free(store: Store, container_id: int, name: str, ident: int | None) -> None:
    taken = [f["name"] for f in store.container(container_id)["fields"]]
    taken += [cf["name"] for cf in store.computed_fields_of(container_id) if cf["id"] != ident]
    if name in taken:
        raise conflict(f"Field with name '{name}' already exists in container {container_id}")


def body_container(store: Store, body: dict[str, Any]) -> Record:
    """The container a request body names in ``container_id`` (422 when there is none)."""
    container = store.find("containers", body["container_id"])
    if container is None:
        raise invalid(["body", "container_id"], f"Container {body['container_id']} not found")
    return container


def create_computed_field(store: Store, user: Record, body: Any) -> Record:
    """POST /computed-fields (Editor); name unique within the container."""
    body = expect_dict(body)
    require_keys(body, "name", "container_id")
    with store.lock:
        container = body_container(store, body)
        auth.require_permission(store, user, container["datastore_id"], "Editor",
                                "create computed fields")
        _field_name_free(store, container["id"], body["name"], None)
        rec: Record = {"name": body["name"], "container_id": container["id"],
                       "field_id": store.next_id("fields"), "status": "Active",
                       "last_editor_id": user["id"]}
        _field_values(store, rec, body)
        return store.insert("computed_fields", rec)


def update_computed_field(store: Store, user: Record, ident: int, body: Any) -> Record:
    """PUT /computed-fields/{id} (Editor): full replace; the container cannot change."""
    body = expect_dict(body)
    with store.lock:
        rec = store.computed_field(ident)
        container = store.container(rec["container_id"])
        auth.require_permission(store, user, container["datastore_id"], "Editor",
                                "update computed fields")
        name = body.get("name") or rec["name"]
        _field_name_free(store, container["id"], name, ident)
        draft = {**rec, "name": name, "last_editor_id": user["id"], "status": "Active"}
        _field_values(store, draft, body)
        rec.update(draft)
        store.touch("computed_fields", rec)
        return rec


def delete_computed_field(store: Store, user: Record, ident: int) -> None:
    """DELETE /computed-fields/{id} (Editor)."""
    with store.lock:
        rec = store.computed_field(ident)
        ds_id = store.container(rec["container_id"])["datastore_id"]
        auth.require_permission(store, user, ds_id, "Editor", "delete computed fields")
        store.delete("computed_fields", ident)


def delete_container(store: Store, user: Record, ident: int) -> None:
    """DELETE /containers/{id} (Editor), with its computed fields and checks."""
    with store.lock:
        rec = store.container(ident)
        auth.require_permission(store, user, rec["datastore_id"], "Editor", "delete containers")
        if rec["container_type"] not in COMPUTED_TYPES and not rec.get("_missing"):
            raise ApiError(409, "Only computed containers or containers missing from the "
                                "source can be deleted")
        drop_container(store, ident)


def drop_container(store: Store, ident: int) -> None:
    """Remove a container with its computed fields and checks (no permission check)."""
    with store.lock:
        for cf in store.computed_fields_of(ident):
            store.delete("computed_fields", cf["id"])
        for chk in store.checks_of(ident, archived=True):
            store.delete("checks", chk["id"])
        store.delete("containers", ident)
