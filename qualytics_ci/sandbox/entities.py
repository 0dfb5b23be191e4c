"""Connections and datastores: validation, permissions, writes.

Each ``create_*`` / ``update_*`` takes the store, the acting user and the JSON
body, checks permissions (403), validates (422), enforces name uniqueness (409)
and returns the stored record (render it with :mod:`.views`).
"""

from __future__ import annotations

from typing import Any

from qualytics_ci.sandbox import auth, operations
from qualytics_ci.sandbox.catalog import default_catalog
from qualytics_ci.sandbox.containers import drop_container
from qualytics_ci.sandbox.problems import ApiError, conflict, expect_dict, invalid, require_keys
from qualytics_ci.sandbox.store import Record, Store
from qualytics_ci.sandbox.tags import ensure_tags, ensure_teams, tag_names

JDBC_TYPES = frozenset({
    "athena", "bigquery", "databricks", "db2", "dremio", "hive", "mariadb", "mysql", "oracle",
    "postgresql", "presto", "redshift", "snowflake", "sqlserver", "synapse", "teradata",
    "timescale", "trino",
})
DFS_TYPES = frozenset({"s3", "gcs", "abfs", "abs", "hdfs", "local"})
SECRET_KEYS = ("password", "passphrase", "secret_key", "credentials_payload", "private_key")
CONNECTION_KEYS = ("host", "port", "username", "parameters", "jdbc_fetch_size",
                   "max_parallelization", "secrets_manager", "uri", "access_key", "catalog",
                   "catalog_type")
DATASTORE_DEFAULTS: dict[str, Any] = {
    "database": None, "schema": None, "root_path": None, "enrichment_only": False,
    "enrichment_prefix": None, "enrichment_source_record_limit": 10,
    "enrichment_remediation_strategy": "none", "high_count_rollup_threshold": 10,
}


# ---- connections -----------------------------------------------------------------
def _connection_type(kind: Any) -> str:
    if kind in JDBC_TYPES:
        return "jdbc"
    if kind in DFS_TYPES:
        return "dfs"
    raise invalid(["body", "type"], f"Input should be a supported connection type, got {kind!r}",
                  "enum")


def _connection_values(body: dict[str, Any], old: Record | None) -> dict[str, Any]:
    values = {k: body.get(k) for k in CONNECTION_KEYS}
    if values["parameters"] is None:
        values["parameters"] = {}
    secrets = dict(old["_secrets"]) if old else {}
    secrets.update({k: body[k] for k in SECRET_KEYS if body.get(k) is not None})
    values["_secrets"] = secrets
    return values


def _unique_name(store: Store, table: str, name: str, kind: str, ident: int | None,
                 **scope: Any) -> None:
    for rec in store.where(table, name=name, **scope):
        if rec["id"] != ident:
            raise conflict(f"{kind} with name '{name}' already exists")


def create_connection(store: Store, user: Record, body: Any) -> Record:
    """POST /connections (Manager)."""
    auth.require_role(user, "Manager", "create connections")
    body = expect_dict(body)
    require_keys(body, "name", "type")
    kind = _connection_type(body["type"])
    with store.lock:
        _unique_name(store, "connections", body["name"], "Connection", None)
        rec = {"name": body["name"], "type": body["type"], "connection_type": kind,
               **_connection_values(body, None)}
        store.insert("connections", rec)
        store.data["catalogs"][rec["id"]] = default_catalog(kind, rec.get("host"))
        return rec


def update_connection(store: Store, user: Record, ident: int, body: Any) -> Record:
    """PUT /connections/{id} (Manager): full replace; secrets left out are kept."""
    auth.require_role(user, "Manager", "update connections")
    body = expect_dict(body)
    with store.lock:
        rec = store.connection(ident)
        name = body.get("name") or rec["name"]
        kind = body.get("type") or rec["type"]
        if _connection_type(kind) != rec["connection_type"]:
            raise invalid(["body", "type"], "A connection cannot change between JDBC and DFS")
        _unique_name(store, "connections", name, "Connection", ident)
        rec.update(name=name, type=kind, **_connection_values(body, rec))
        store.touch()
        return rec


def delete_connection(store: Store, user: Record, ident: int) -> None:
    """DELETE /connections/{id} (Manager); 409 while datastores use it."""
    auth.require_role(user, "Manager", "delete connections")
    with store.lock:
        store.connection(ident)
        users = [d["name"] for d in store.where("datastores", connection_id=ident)]
        if users:
            raise conflict(f"Connection {ident} is used by datastores: {', '.join(users)}")
        store.delete("connections", ident)
        store.data["catalogs"].pop(ident, None)


# ---- datastores ------------------------------------------------------------------
def _datastore_values(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    values = {k: body.get(k, v) for k, v in DATASTORE_DEFAULTS.items()}
    values["tags"] = tag_names(body)
    teams = tag_names(body, "teams") or ["Public"]
    ensure_tags(store, values["tags"])
    ensure_teams(store, teams)
    values["teams"] = teams
    return values


def _connection_for(store: Store, body: dict[str, Any]) -> Record:
    conn_id = body.get("connection_id")
    if conn_id is None and isinstance(body.get("connection"), dict):
        conn_id = body["connection"].get("id")
    if not isinstance(conn_id, int) or store.find("connections", conn_id) is None:
        raise invalid(["body", "connection_id"], f"Connection {conn_id} not found")
    return store.connection(conn_id)


def create_datastore(store: Store, user: Record, body: Any) -> Record:
    """POST /datastores (Manager). ``trigger_sync`` starts a sync operation."""
    auth.require_role(user, "Manager", "create datastores")
    body = expect_dict(body)
    require_keys(body, "name")
    with store.lock:
        conn = _connection_for(store, body)
        _unique_name(store, "datastores", body["name"], "Datastore", None)
        rec = {"name": body["name"], "connection_id": conn["id"],
               "enrich_datastore_id": None, **_datastore_values(store, body)}
        store.insert("datastores", rec)
    if body.get("trigger_sync") or body.get("trigger_catalog"):
        operations.start_operation(store, user, {"type": "sync", "datastore_id": rec["id"]})
    return rec


def update_datastore(store: Store, user: Record, ident: int, body: Any) -> Record:
    """PUT /datastores/{id} (Editor): full replace of the settings; other keys ignored."""
    body = expect_dict(body)
    with store.lock:
        rec = store.datastore(ident)
        auth.require_permission(store, user, ident, "Editor", "update the datastore")
        name = body.get("name") or rec["name"]
        _unique_name(store, "datastores", name, "Datastore", ident)
        conn_id = rec["connection_id"]
        if body.get("connection_id") is not None or isinstance(body.get("connection"), dict):
            conn = _connection_for(store, body)
            if conn.get("connection_type") != store.connection(conn_id)["connection_type"]:
                raise invalid(["body", "connection_id"], "Cannot switch between JDBC and DFS")
            conn_id = conn["id"]
        rec.update(name=name, connection_id=conn_id, **_datastore_values(store, body))
        store.touch()
        return rec


def delete_datastore(store: Store, user: Record, ident: int) -> None:
    """DELETE /datastores/{id} (Admin only), with its containers, fields and checks."""
    auth.require_role(user, "Admin", "delete datastores")
    with store.lock:
        store.datastore(ident)
        for container in store.containers_of(ident):
            drop_container(store, container["id"])
        store.delete("datastores", ident)


def set_enrichment(store: Store, user: Record, ident: int, enrich_id: int | None) -> Record:
    """PATCH/DELETE /datastores/{id}/enrichment: link or unlink an enrichment datastore."""
    with store.lock:
        rec = store.datastore(ident)
        auth.require_permission(store, user, ident, "Editor", "link an enrichment datastore")
        if enrich_id is not None:
            target = store.datastore(enrich_id)
            if target["id"] == ident:
                raise ApiError(422, "A datastore cannot enrich itself")
        rec["enrich_datastore_id"] = enrich_id
        store.touch()
        return rec
