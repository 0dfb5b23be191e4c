"""Folder bodies -> API request bodies (names back to ids, ``rule`` for ``rule_type``...).

Pure functions; ids are looked up through the callables the caller passes, so
this module knows nothing of HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from qualytics_ci.engine.normalize import SECRET_KEYS
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.model import Body

# (datastore name, container name) -> id ; datastore name -> id
ContainerId = Callable[[str, str], int]
DatastoreId = Callable[[str], int]


def merged(current: Mapping[str, Any] | None, desired: Mapping[str, Any], kind: str) -> Body:
    """The full body a PUT needs: the target's keys the file does not mention, then the file's.

    Secret placeholders of the current side are dropped: the desired side carries
    the resolved values (or nothing, leaving the stored secret alone).
    """
    base = {k: v for k, v in (current or {}).items()
            if not (kind == "connection" and k in SECRET_KEYS)}
    base.update(desired)
    return base


def connection_payload(body: Mapping[str, Any], written: Mapping[str, Any]) -> Body:
    """``body`` without a placeholder left unresolved (still the file's ``${VAR}`` text);
    text that only reads like one (``$${VAR}`` in the file) is sent."""
    return {k: v for k, v in body.items() if not (_placeholder(v) and written.get(k) == v)}


def _placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("${") and value.endswith("}")


def datastore_payload(body: Mapping[str, Any], connection_id: Callable[[str], int],
                      datastore_id: DatastoreId) -> Body:
    out = {k: v for k, v in body.items()
           if k not in ("connection_name", "enrich_datastore_name", "datastore_name")}
    name = body.get("connection_name")
    if isinstance(name, str):
        out["connection_id"] = connection_id(name)
    return out


def properties_payload(props: Any, datastore: str, container_id: ContainerId,
                       datastore_id: DatastoreId) -> Any:
    """``ref_container_name``/``ref_datastore_name`` back to ids."""
    if not isinstance(props, Mapping):
        return props
    ref_ds = props.get("ref_datastore_name")
    ref_ds = ref_ds if isinstance(ref_ds, str) else datastore
    out: Body = {}
    for key, value in props.items():
        if key == "ref_container_name" and isinstance(value, str):
            out["ref_container_id"] = container_id(ref_ds, value)
        elif key == "ref_datastore_name" and isinstance(value, str):
            out["ref_datastore_id"] = datastore_id(value)
        else:
            out[key] = value
    if "ref_container_name" in props and "ref_datastore_id" not in out:
        out["ref_datastore_id"] = datastore_id(ref_ds)
    return out


def container_payload(body: Mapping[str, Any], datastore: str, container_id: ContainerId,
                      datastore_id: DatastoreId) -> Body:
    """A computed container's body with its sources as ids (``datastore_id`` included)."""
    out: Body = {}
    for key, value in body.items():
        if key in ("datastore_name", "left_datastore_name", "right_datastore_name"):
            continue
        if key in ("source_container_name", "left_container_name", "right_container_name"):
            side = key.removesuffix("_container_name")
            ds = body.get(f"{side}_datastore_name") or datastore
            out[f"{side}_container_id"] = container_id(str(ds), str(value))
        elif key == "sources" and isinstance(value, list):
            out["sources"] = [_source(s, datastore, container_id, datastore_id) for s in value]
        else:
            out[key] = value
    out["datastore_id"] = datastore_id(datastore)
    return out


def _source(source: Any, datastore: str, container_id: ContainerId,
            datastore_id: DatastoreId) -> Any:
    if not isinstance(source, Mapping):
        return source
    ds = str(source.get("datastore_name") or datastore)
    out = {k: v for k, v in source.items() if k not in ("container_name", "datastore_name")}
    if "container_name" in source:
        out["container_id"] = container_id(ds, str(source["container_name"]))
        out["datastore_id"] = datastore_id(ds)
    return out


def computed_field_payload(body: Mapping[str, Any], datastore: str, container_id: ContainerId,
                           datastore_id: DatastoreId) -> Body:
    out = dict(body)
    if "properties" in out:
        out["properties"] = properties_payload(out["properties"], datastore, container_id,
                                               datastore_id)
    return out


def check_payload(body: Mapping[str, Any], datastore: str, container_id: ContainerId,
                  datastore_id: DatastoreId) -> Body:
    """A check's create body (``rule``, ``container_id``, names for fields and tags)."""
    rule = str(body.get("rule_type", ""))
    out: Body = {
        "rule": rule,
        "container_id": container_id(datastore, str(body.get("container", ""))),
        "description": body.get("description") or f"{rule} quality check",
        "fields": list(body.get("fields") or []),
        "filter": body.get("filter"),
        "properties": properties_payload(body.get("properties") or {}, datastore, container_id,
                                         datastore_id),
        "tags": list(body.get("tags") or []),
        "additional_metadata": dict(body.get("additional_metadata") or {}),
        "status": body.get("status") or "Active",
        "anomaly_message_field": body.get("anomaly_message_field"),
    }
    if body.get("coverage") is not None:
        out["coverage"] = body["coverage"]
    return out


def check_update_payload(payload: Mapping[str, Any]) -> Body:
    """The PUT body: the create body minus what cannot change (rule, container)."""
    return {k: v for k, v in payload.items() if k not in ("rule", "container_id")}


def missing(what: str, name: str, where: str = "") -> QualyticsCIError:
    suffix = f" in datastore {where!r}" if where else ""
    return QualyticsCIError(f"{what} {name!r} not found{suffix}")
