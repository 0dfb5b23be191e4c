"""Records -> API response objects, with the platform's key asymmetries.

Checks: ``rule_type`` (not ``rule``), ``container`` stub, ``fields`` objects,
``global_tags`` objects. Computed fields: ``transformation_type`` and
``source_fields`` objects. Internal keys (leading ``_``) never leave here.
"""

from __future__ import annotations

from typing import Any

from qualytics_ci.sandbox.store import Record, Store

CONNECTION_DRIVERS = {
    "postgresql": ("PostgreSQL", "15.4", "PostgreSQL JDBC Driver", "42.7.3"),
    "snowflake": ("Snowflake", "8.12.0", "Snowflake", "3.15.0"),
    "mysql": ("MySQL", "8.0.36", "MySQL Connector/J", "8.3.0"),
}
JDBC_KEYS = ("host", "port", "username", "parameters", "jdbc_fetch_size", "max_parallelization",
             "secrets_manager", "catalog", "catalog_type")
DFS_KEYS = ("uri", "access_key", "secrets_manager", "parameters")
ALL_LOCATION_KEYS = frozenset(JDBC_KEYS + DFS_KEYS)
ALWAYS = ("host", "port", "username", "parameters", "uri", "secrets_manager")


def _public(rec: Record) -> dict[str, Any]:
    return {k: v for k, v in rec.items() if not k.startswith("_")}


def tags(store: Store, names: list[str]) -> list[dict[str, Any]]:
    """``global_tags`` objects for tag names."""
    known = store.data["global_tags"]
    return [dict(known.get(n) or {"name": n}) for n in names]


def user_ref(store: Store, user_id: int | None) -> dict[str, Any] | None:
    """A user stub or None."""
    user = store.find("users", user_id) if user_id is not None else None
    return {"id": user["id"], "name": user["name"], "email": user["email"]} if user else None


def datastore_stub(store: Store, ident: int | None) -> dict[str, Any] | None:
    """``{id, name, type, store_type}`` of a datastore, or None."""
    ds = store.find("datastores", ident) if ident is not None else None
    if ds is None:
        return None
    conn = store.find("connections", ds["connection_id"]) or {}
    return {"id": ds["id"], "name": ds["name"], "type": conn.get("type"),
            "store_type": conn.get("connection_type")}


def container_stub(store: Store, ident: int) -> dict[str, Any] | None:
    """``{id, name, container_type, datastore}`` of a container, or None."""
    key = ("container_stub", ident)
    if key in store.derived:  # remembered until a non-check change (see Store.touch)
        stub: dict[str, Any] | None = store.derived[key]
        return stub
    c = store.find("containers", ident)
    stub = None if c is None else {
        "id": c["id"], "name": c["name"], "container_type": c["container_type"],
        "datastore": datastore_stub(store, c["datastore_id"])}
    store.derived[key] = stub
    return stub


def connection(store: Store, rec: Record) -> dict[str, Any]:
    """GET /connections/{id}: no secrets; derived ``connection_type`` and driver info."""
    own = JDBC_KEYS if rec["connection_type"] == "jdbc" else DFS_KEYS
    out = {k: v for k, v in _public(rec).items()
           if k not in ALL_LOCATION_KEYS or (k in own and (v is not None or k in ALWAYS))}
    product = CONNECTION_DRIVERS.get(rec["type"], (rec["type"], None, None, None))
    out.update(product_name=product[0], product_version=product[1], driver_name=product[2],
               driver_version=product[3])
    out["datastores"] = [{"id": d["id"], "name": d["name"]}
                         for d in store.where("datastores", connection_id=rec["id"])]
    return out


def datastore(store: Store, rec: Record) -> dict[str, Any]:
    """GET /datastores/{id}: ``connection_id``, tag and team objects, counts."""
    conn = store.connection(rec["connection_id"])
    # location keys of the other store kind are absent, as on the platform
    other = ("root_path",) if conn["connection_type"] == "jdbc" else ("database", "schema")
    out = {k: v for k, v in _public(rec).items()
           if k not in ("tags", "teams", "enrich_datastore_id", *other)}
    containers = store.containers_of(rec["id"])
    teams = {t["name"]: t for t in store.table("teams").values()}
    out.update(
        type=conn["type"], store_type=conn["connection_type"], connected=True, favorite=False,
        host=conn.get("host"), port=conn.get("port"), username=conn.get("username"),
        global_tags=tags(store, rec["tags"]),
        teams=[{"id": teams[n]["id"], "name": n} if n in teams else {"name": n}
               for n in rec["teams"]],
        enrich_datastore=datastore_stub(store, rec["enrich_datastore_id"]),
        container_count=len(containers),
        check_count=len(store.check_ids(datastore_id=rec["id"])),
        field_count=sum(len(c["fields"]) for c in containers),
        anomaly_count=0, record_count=None, score=None,
    )
    return out


def _field(f: Record) -> dict[str, Any]:
    return {"id": f["id"], "name": f["name"], "type": f["type"]}


def fields(store: Store, container: Record) -> list[dict[str, Any]]:
    """GET /containers/{id}/fields: discovered fields then computed fields."""
    out = [{**_field(f), "status": "Missing" if f.get("missing") else "Active",
            "container_id": container["id"], "computed": False} for f in container["fields"]]
    out += [{"id": cf["field_id"], "name": cf["name"], "type": cf["type"], "status": "Active",
             "container_id": container["id"], "computed": True}
            for cf in store.computed_fields_of(container["id"])]
    return out


def _field_index(store: Store, container_id: int) -> dict[str, dict[str, Any]]:
    key = ("field_index", container_id)
    if key in store.derived:  # remembered until a non-check change (see Store.touch)
        known: dict[str, dict[str, Any]] = store.derived[key]
        return known
    c = store.find("containers", container_id)
    index = {f["name"]: _field(f) for f in c["fields"]} if c else {}
    for cf in store.computed_fields_of(container_id):
        index[cf["name"]] = {"id": cf["field_id"], "name": cf["name"], "type": cf["type"]}
    store.derived[key] = index
    return index


def computed_field(store: Store, rec: Record) -> dict[str, Any]:
    """A computed field: ``transformation_type``, ``source_fields`` as objects."""
    out = {k: v for k, v in _public(rec).items()
           if k not in ("tags", "field_id", "type", "status")}
    index = _field_index(store, rec["container_id"])
    out["source_fields"] = [index.get(n) or {"id": None, "name": n, "type": None}
                            for n in rec["source_fields"]]
    out["last_editor"] = user_ref(store, rec.get("last_editor_id"))
    return out


def container(store: Store, rec: Record, *, detail: bool = True) -> dict[str, Any]:
    """A container; ``computed_fields`` included on list items and detail alike."""
    out = {k: v for k, v in _public(rec).items()
           if k not in ("tags", "fields", "datastore_id")}
    out.update(
        datastore=datastore_stub(store, rec["datastore_id"]), global_tags=tags(store, rec["tags"]),
        favorite=False, deleted_at=None, field_count=len(rec["fields"]),
        check_count=len(store.check_ids(container_id=rec["id"])), anomaly_count=0,
        record_count=None, metrics={},
        cataloged=rec["container_type"] in ("table", "view", "file"),
        computed_fields=[computed_field(store, cf)
                         for cf in store.computed_fields_of(rec["id"])] if detail else [],
    )
    return out


def listing_item(store: Store, rec: Record) -> dict[str, Any]:
    """GET /containers/listing item."""
    return {"id": rec["id"], "name": rec["name"], "container_type": rec["container_type"],
            "datastore_id": rec["datastore_id"], "global_tags": tags(store, rec["tags"])}


def check(store: Store, rec: Record) -> dict[str, Any]:
    """A quality check: ``rule_type``, ``container`` stub, field and tag objects."""
    out = {k: v for k, v in _public(rec).items()
           if k not in ("tags", "fields", "container_id", "last_editor_id", "updated")}
    index = _field_index(store, rec["container_id"])
    out.update(
        container=container_stub(store, rec["container_id"]),
        fields=[index.get(n) or {"id": None, "name": n, "type": None} for n in rec["fields"]],
        global_tags=tags(store, rec["tags"]), last_editor=user_ref(store, rec["last_editor_id"]),
        last_updated=rec.get("updated"), anomaly_count=0, is_new=False, favorite=False,
    )
    return out


def operation(store: Store, rec: Record) -> dict[str, Any]:
    """An operation: type-specific params flattened in, ``datastore`` stub."""
    out = {k: v for k, v in _public(rec).items() if k not in ("params", "datastore_id")}
    out.update(rec.get("params") or {})
    out["datastore"] = datastore_stub(store, rec.get("datastore_id"))
    out["datastore_id"] = rec.get("datastore_id")
    return out


def user(rec: Record) -> dict[str, Any]:
    """A user without its token."""
    return _public(rec)
