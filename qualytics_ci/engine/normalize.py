"""API objects -> folder bodies: the one translation export and plan both use.

Server-only keys are dropped, ids become names, tag and field objects become
names, secrets become ``${VAR}`` placeholders, and keys come out in the
format's fixed order. Because plan reads the target through these same
functions, exporting a target and planning the export against it is empty.

The objects are decoded JSON, so a nested object is a ``dict`` and is checked as one
(cheaper than the ``Mapping`` ABC, for every value of thousands of checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qualytics_ci.folder.model import UID_KEY, Body, derive_uid, slug
from qualytics_ci.folder.variables import variable_name

SECRET_KEYS = ("password", "passphrase", "secret_key", "credentials_payload", "access_key")
PLATFORM_METADATA = ("from quality check id", "main datastore id")

CONNECTION_ORDER = ("name", "type", "host", "port", "uri", "username", *SECRET_KEYS,
                    "parameters", "jdbc_fetch_size", "max_parallelization")
CONNECTION_SERVER_ONLY = {"id", "created", "connection_type", "datastores", "product_name",
                          "product_version", "driver_name", "driver_version"}
DATASTORE_ORDER = ("name", "connection_name", "connection_id", "database", "schema", "tags",
                   "teams", "enrichment_only", "enrichment_prefix",
                   "enrichment_source_record_limit", "enrichment_remediation_strategy",
                   "high_count_rollup_threshold", "enrich_datastore_name")
DATASTORE_SERVER_ONLY = {
    "id", "created", "connected", "favorite", "latest_operation", "metrics", "containers",
    "jdbc_url", "host", "port", "username", "parameters", "jdbc_fetch_size",
    "max_parallelization", "secrets_manager", "group", "linked_datastores",
    "has_scheduled_operations", "product_name", "product_version", "driver_name",
    "driver_version", "connection", "global_tags", "enrich_datastore", "enrich_datastore_id",
    "store_type", "type", "uri", "datastore_type", "status", "tags",
}
DATASTORE_SERVER_ONLY_PATTERN = re.compile(r".*(_count|score)$")
CONTAINER_ORDER = ("container_type", "name", "datastore_name", "query", "source_container_name",
                   "left_container_name", "left_datastore_name", "right_container_name",
                   "right_datastore_name", "left_join_field_name", "right_join_field_name",
                   "select_clause", "join_type", "left_prefix", "right_prefix", "where_clause",
                   "group_by_clause", "sources", "description", "tags", "additional_metadata")
CONTAINER_SERVER_ONLY = {
    "id", "created", "status", "metrics", "computed_fields", "field_count", "anomaly_count",
    "check_count", "record_count", "score", "cataloged", "datastore", "datastore_id", "favorite",
    "deleted_at", "last_editor", "last_editor_id", "latest_observability_measurement",
    "incremental_checkpoint", "global_tags", "source_container_id", "source_container",
    "left_container_id", "right_container_id", "left_container", "right_container", "fields",
    "profiled", "tags", "archived", "quality_score",
}
FIELD_ORDER = ("name", "transformation", "source_fields", "properties", "additional_metadata")
FIELD_SERVER_ONLY = {"id", "created", "container_id", "container", "last_editor_id",
                     "last_editor", "transformation_type", "status", "type", "global_tags"}


@dataclass
class Names:
    """Id -> name lookups for the references an API object carries."""

    connections: dict[int, str] = field(default_factory=dict)
    datastores: dict[int, str] = field(default_factory=dict)
    containers: dict[int, str] = field(default_factory=dict)
    container_datastore: dict[int, int] = field(default_factory=dict)


def ordered(body: Mapping[str, Any], order: Iterable[str]) -> Body:
    """Keys of ``order`` first (those present), then the rest in their own order."""
    out = {k: body[k] for k in order if k in body}
    out.update((k, v) for k, v in body.items() if k not in out)
    return out


def names(items: Any) -> list[str]:
    """Names of tag/field/team objects (or names already), sorted for stable files."""
    if not isinstance(items, list):
        return []
    return sorted(str(i.get("name", "")) if isinstance(i, dict) else str(i) for i in items)


def placeholder(connection_name: str, key: str) -> str:
    """``${<SLUG(NAME)>_<KEY>}``, upper-cased (``_`` first when it would start with a digit)."""
    return "${" + variable_name(slug(connection_name), key) + "}"


def connection_body(obj: Mapping[str, Any]) -> Body:
    """A connection as its file says it: no server-only keys, secrets as placeholders."""
    body = {k: v for k, v in obj.items() if k not in CONNECTION_SERVER_ONLY}
    name = str(obj.get("name", ""))
    for key in SECRET_KEYS:
        if key in body and body[key] is None:
            del body[key]
        elif key in body:
            body[key] = placeholder(name, key)
    is_dfs = obj.get("connection_type") == "dfs" or bool(obj.get("uri"))
    if body.get("username") and not body.get("secrets_manager") and not is_dfs:
        body.setdefault("password", placeholder(name, "password"))
    if body.get("access_key"):
        body.setdefault("secret_key", placeholder(name, "secret_key"))
    return ordered(body, CONNECTION_ORDER)


def _id_of(obj: Mapping[str, Any], key: str) -> int | None:
    value = obj.get(f"{key}_id")
    if value is None and isinstance(obj.get(key), dict):
        value = obj[key].get("id")
    return value if isinstance(value, int) else None


def datastore_body(obj: Mapping[str, Any], lookup: Names) -> Body:
    """A datastore with its connection and enrichment datastore by name."""
    body = {k: v for k, v in obj.items()
            if k not in DATASTORE_SERVER_ONLY and not DATASTORE_SERVER_ONLY_PATTERN.match(k)
            and k != "connection_id"}
    conn_id = _id_of(obj, "connection")
    conn_obj = obj.get("connection")
    conn_name = lookup.connections.get(conn_id) if conn_id is not None else None
    if conn_name is None and isinstance(conn_obj, dict) and conn_obj.get("name"):
        conn_name = str(conn_obj["name"])
    if conn_name is not None:
        body["connection_name"] = conn_name
    elif conn_id is not None:
        body["connection_id"] = conn_id
    body["tags"] = names(obj.get("global_tags", obj.get("tags")))
    if "teams" in obj:
        body["teams"] = names(obj["teams"])
    enrich_id = _id_of(obj, "enrich_datastore")
    if enrich_id is not None:
        body["enrich_datastore_name"] = lookup.datastores.get(enrich_id, str(enrich_id))
    return ordered(body, DATASTORE_ORDER)


def _container_ref(obj: Mapping[str, Any], side: str, lookup: Names, datastore_id: int | None,
                   body: Body) -> None:
    ref = _id_of(obj, f"{side}_container")
    if ref is None:
        return
    body[f"{side}_container_name"] = lookup.containers.get(ref, str(ref))
    ref_ds = lookup.container_datastore.get(ref)
    if ref_ds is not None and ref_ds != datastore_id and side in ("left", "right"):
        body[f"{side}_datastore_name"] = lookup.datastores.get(ref_ds, str(ref_ds))


def container_body(obj: Mapping[str, Any], lookup: Names, datastore_name: str) -> Body:
    """A computed container with its sources by name."""
    body = {k: v for k, v in obj.items() if k not in CONTAINER_SERVER_ONLY}
    body["datastore_name"] = datastore_name
    datastore_id = _id_of(obj, "datastore")
    for side in ("source", "left", "right"):
        _container_ref(obj, side, lookup, datastore_id, body)
    if isinstance(obj.get("sources"), list):
        body["sources"] = [_source(s, lookup) for s in obj["sources"]]
    body["tags"] = names(obj.get("global_tags", obj.get("tags")))
    return ordered(body, CONTAINER_ORDER)


def _source(source: Any, lookup: Names) -> Any:
    if not isinstance(source, dict):
        return source
    out = {k: v for k, v in source.items() if k not in ("container_id", "datastore_id")}
    if isinstance(source.get("container_id"), int):
        out["container_name"] = lookup.containers.get(source["container_id"],
                                                      str(source["container_id"]))
    if isinstance(source.get("datastore_id"), int):
        out["datastore_name"] = lookup.datastores.get(source["datastore_id"],
                                                      str(source["datastore_id"]))
    return ordered(out, ("container_name", "datastore_name"))


def properties_by_name(props: Any, lookup: Names) -> Any:
    """``ref_container_id``/``ref_datastore_id`` replaced, in place, by names."""
    if not isinstance(props, dict):
        return props
    out: Body = {}
    for key, value in props.items():
        if key == "ref_container_id" and isinstance(value, int):
            out["ref_container_name"] = lookup.containers.get(value, str(value))
        elif key == "ref_datastore_id" and isinstance(value, int):
            out["ref_datastore_name"] = lookup.datastores.get(value, str(value))
        else:
            out[key] = value
    return out


def computed_field_body(obj: Mapping[str, Any], lookup: Names) -> Body:
    """A computed field with its transformation and source fields by name."""
    body = {k: v for k, v in obj.items() if k not in FIELD_SERVER_ONLY}
    body["transformation"] = obj.get("transformation_type", obj.get("transformation"))
    if isinstance(obj.get("source_fields"), list):
        body["source_fields"] = [f.get("name") if isinstance(f, dict) else f
                                 for f in obj["source_fields"]]
    if "properties" in obj:
        body["properties"] = properties_by_name(obj["properties"], lookup)
    if obj.get("global_tags"):
        body["tags"] = names(obj["global_tags"])
    return ordered(body, FIELD_ORDER)


def check_status(obj: Mapping[str, Any]) -> str:
    """Active or Draft; anything else (Discarded, Invalid, deleted) reads as Archived."""
    status = obj.get("status")
    if obj.get("deleted_at") or obj.get("archived") or status not in ("Active", "Draft"):
        return "Archived"
    return str(status)


def check_body(obj: Mapping[str, Any], lookup: Names, uid: str) -> Body:
    """A quality check with exactly the format's keys, its uid in the metadata."""
    container = obj.get("container")
    container_name = container.get("name") if isinstance(container, dict) else container
    if container_name is None:
        container_name = lookup.containers.get(_id_of(obj, "container") or -1, "")
    rule = str(obj.get("rule_type") or obj.get("rule") or "")
    meta = {UID_KEY: uid}
    stored = obj.get("additional_metadata")
    if isinstance(stored, dict):
        meta.update((str(k), v) for k, v in stored.items()
                    if k not in PLATFORM_METADATA and k != UID_KEY)
    return {
        "rule_type": rule,
        "description": obj.get("description") or f"{rule} quality check",
        "container": container_name,
        "fields": [f.get("name") if isinstance(f, dict) else f
                   for f in obj.get("fields") or []],
        "coverage": obj.get("coverage"),
        "filter": obj.get("filter"),
        "anomaly_message_field": obj.get("anomaly_message_field"),
        "properties": properties_by_name(obj.get("properties") or {}, lookup),
        "tags": names(obj.get("global_tags", obj.get("tags"))),
        "status": check_status(obj),
        "additional_metadata": meta,
    }


def stored_uid(obj: Mapping[str, Any]) -> str | None:
    """The uid a check object stores in its metadata, if any."""
    meta = obj.get("additional_metadata")
    value = meta.get(UID_KEY) if isinstance(meta, dict) else None
    return value if isinstance(value, str) and value else None


def shape_uid(obj: Mapping[str, Any]) -> str:
    """The uid the platform's CLI generates for a check object without one."""
    container = obj.get("container")
    name = container.get("name") if isinstance(container, dict) else container
    fields = [f.get("name") if isinstance(f, dict) else f for f in obj.get("fields") or []]
    rule = obj.get("rule_type") or obj.get("rule") or ""
    return derive_uid(str(name or ""), str(rule), [str(f) for f in fields])


def assign_uids(objs: Iterable[Mapping[str, Any]],
                taken: Iterable[str] = ()) -> dict[int, str]:
    """A distinct, stable uid per check id (see :func:`distinct_uids`)."""
    rows = []
    for obj in objs:
        stored = stored_uid(obj)
        rows.append((int(obj.get("id") or 0), stored,
                     shape_uid(obj) if stored is None else None))
    return distinct_uids(rows, taken)


def distinct_uids(rows: Iterable[tuple[int, str | None, str | None]],
                  taken: Iterable[str] = ()) -> dict[int, str]:
    """A distinct, stable uid per check id, from each check's ``(id, stored uid, generated
    uid)`` (the generated one is needed only when none is stored).

    A uid stored on the server wins (the lowest id keeps it when several share
    one); checks without one get the platform CLI's generated uid, and
    same-shaped checks get ``__2``, ``__3``... in id order.
    """
    by_id = sorted(rows, key=lambda row: row[0])
    used = set(taken)
    out: dict[int, str] = {}
    for oid, stored, _ in by_id:
        if stored is not None and stored not in used:
            out[oid] = stored
            used.add(stored)
    for oid, stored, shape in by_id:
        if oid in out:
            continue
        base = stored or shape or ""
        uid, n = base, 2
        while uid in used:
            uid, n = f"{base}__{n}", n + 1
        out[oid] = uid
        used.add(uid)
    return out
