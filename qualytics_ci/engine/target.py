"""Read the target with list endpoints only, into a :class:`TargetState`.

One paginated pass per kind per datastore: connections, datastores, containers
of each selected datastore, quality checks of each (plus the archived ones when
planning, so a check archived on the target is restored rather than duplicated).
A container detail is read only when the list lacks its computed fields, and
only for references outside the listed datastores.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

from qualytics_ci.engine.check_rows import CheckRows, check_entity
from qualytics_ci.engine.normalize import (
    Names,
    check_body,
    computed_field_body,
    connection_body,
    container_body,
    datastore_body,
    stored_uid,
)
from qualytics_ci.engine.state import TargetState
from qualytics_ci.errors import QualyticsCIError, did_you_mean
from qualytics_ci.folder.model import (
    COMPUTED_TYPES,
    Check,
    ComputedField,
    Config,
    Connection,
    Container,
    Datastore,
    Entity,
    derive_uid,
)
from qualytics_ci.progress import SILENT, Progress
from qualytics_ci.results.kinds import Kind

Obj = dict[str, Any]


class Reader(Protocol):
    """The part of the API client reading needs."""

    def paginate(self, path: str, params: Mapping[str, Any] | None = None, *,
                 size: int = 100) -> Iterator[dict[str, Any]]: ...

    def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any: ...


def _ds_id(obj: Mapping[str, Any]) -> int | None:
    if isinstance(obj.get("datastore_id"), int):
        return int(obj["datastore_id"])
    ds = obj.get("datastore")
    return int(ds["id"]) if isinstance(ds, Mapping) and isinstance(ds.get("id"), int) else None


def select_datastores(all_datastores: Iterable[Mapping[str, Any]], wanted: Iterable[str],
                      new: Iterable[str] = ()) -> list[str]:
    """Names of the datastores ``wanted`` names (or ids) designate.

    Names in ``new`` (datastores the folder will create) may be absent from the
    target; any other unknown name raises.
    """
    creatable = set(new)
    by_name = {str(d["name"]): d for d in all_datastores}
    by_id = {str(d["id"]): str(d["name"]) for d in by_name.values()}
    out = []
    for item in wanted:
        if item in by_name:
            out.append(item)
        elif item in by_id:
            out.append(by_id[item])
        elif item in creatable:
            continue
        else:
            near = did_you_mean(item, [*by_name, *creatable])
            raise QualyticsCIError(
                f"datastore {item!r} not found on the target" + (f" ({near})" if near else ""),
                hint="pass the name or id of a datastore the target or the folder has")
    return out


def build_state(*, connections: list[Obj], datastores: list[Obj],
                containers: Mapping[str, list[Obj]], fields: Mapping[int, list[Obj]],
                checks: Mapping[str, list[Obj]], archived: Mapping[str, list[Obj]],
                extra_containers: Iterable[Obj] = ()) -> TargetState:
    """A state from API objects (``containers``/``checks`` keyed by datastore name)."""
    names = _names(connections, datastores)
    for items in containers.values():
        _add_containers(names, items)
    rows = {}
    for ds_name, items in checks.items():
        rows[ds_name] = CheckRows(names, ds_name)
        rows[ds_name].extend(items)
    return _state(names, connections=connections, datastores=datastores,
                  containers=containers, fields=fields, rows=rows, archived=archived,
                  extra_containers=extra_containers)


def _names(connections: list[Obj], datastores: list[Obj]) -> Names:
    return Names(connections={int(c["id"]): str(c["name"]) for c in connections},
                 datastores={int(d["id"]): str(d["name"]) for d in datastores})


def _add_containers(names: Names, items: Iterable[Obj]) -> None:
    for obj in items:
        names.containers[int(obj["id"])] = str(obj["name"])
        ds = _ds_id(obj)
        if ds is not None:
            names.container_datastore[int(obj["id"])] = ds


def _state(names: Names, *, connections: list[Obj], datastores: list[Obj],
           containers: Mapping[str, list[Obj]], fields: Mapping[int, list[Obj]],
           rows: Mapping[str, CheckRows], archived: Mapping[str, list[Obj]],
           extra_containers: Iterable[Obj]) -> TargetState:
    """The state, once every list is read (``rows``: each datastore's checks)."""
    st = TargetState()
    st.names = names
    _add_containers(names, extra_containers)
    ds_ids = {str(d["name"]): int(d["id"]) for d in datastores}
    entities: list[Entity] = []
    for c in connections:
        entities.append(Connection(str(c["name"]), connection_body(c)))
        st.connection_ids[str(c["name"])] = int(c["id"])
    for d in datastores:
        entities.append(Datastore(str(d["name"]), datastore_body(d, names)))
        st.datastore_ids[str(d["name"])] = int(d["id"])
    for ds_name, items in containers.items():
        st.read_datastores.add(ds_name)
        for obj in items:
            st.container_ids[(ds_name, str(obj["name"]))] = int(obj["id"])
            if obj.get("container_type") in COMPUTED_TYPES:
                entities.append(Container(str(obj["name"]),
                                          container_body(obj, names, ds_name), ds_name))
            for f in fields.get(int(obj["id"]), []):
                entities.append(ComputedField(str(f["name"]), computed_field_body(f, names),
                                              ds_name, str(obj["name"])))
                st.ids[entities[-1].key] = int(f["id"])
    uids_of: dict[str, dict[int, str]] = {}
    for ds_name, found in rows.items():
        st.read_datastores.add(ds_name)
        st.check_counts[ds_name] = len(found)
        uids = uids_of[ds_name] = found.uids()
        entities.extend(found.checks(uids))
        _archived(st, archived.get(ds_name, []), names, ds_name, set(uids.values()))
    st.config = Config.of(entities)
    for entity in st.config.entities():
        if entity.kind == "connection":
            st.ids[entity.key] = st.connection_ids[entity.name]
        elif entity.kind == "datastore":
            st.ids[entity.key] = ds_ids[entity.name]
        elif entity.kind == "container":
            st.ids[entity.key] = st.container_ids[(entity.datastore, entity.name)]
    for ds_name, found in rows.items():
        uids = uids_of[ds_name]
        for oid, stored in found.stored():
            uid = uids[oid]
            st.ids[("check", ds_name, "", uid)] = oid
            if stored is not None and uid != stored:  # a lower id keeps the stored uid
                st.duplicates[("check", ds_name, "", uid)] = ("check", ds_name, "", stored)
    return st


def _check(obj: Obj, names: Names, ds_name: str, uid: str) -> Check:
    return check_entity(check_body(obj, names, uid), ds_name, uid)


def _archived(st: TargetState, items: list[Obj], names: Names, ds_name: str,
              live: set[str]) -> None:
    for obj in sorted(items, key=lambda o: int(o["id"])):
        uid = stored_uid(obj)
        if uid is None:
            probe = check_body(obj, names, "")
            uid = derive_uid(str(probe["container"]), probe["rule_type"], probe["fields"])
        if uid in live:
            continue
        check = _check(obj, names, ds_name, uid)
        st.archived.setdefault(check.key, (check, int(obj["id"])))


def read_target(client: Reader, *, kinds: frozenset[Kind], datastores: Iterable[str] | None,
                archived: bool = False, new: Iterable[str] = (),
                progress: Progress = SILENT) -> TargetState:
    """Read what the plan needs: ``datastores`` by name or id (None: all of them);
    names in ``new`` may be missing on the target."""
    conns = list(client.paginate("/connections"))
    all_ds = list(client.paginate("/datastores"))
    selected = select_datastores(all_ds, datastores, new) if datastores is not None else [
        str(d["name"]) for d in all_ds]
    wanted = set(selected)
    ds_by_name = {str(d["name"]): d for d in all_ds}
    names = _names(conns, all_ds)
    containers: dict[str, list[Obj]] = {}
    fields: dict[int, list[Obj]] = {}
    rows: dict[str, CheckRows] = {}
    gone: dict[str, list[Obj]] = {}
    inner = {"container", "computed_field", "check"} & kinds
    progress.start("reading target", len(wanted))
    for name in sorted(wanted):
        ds_id = int(ds_by_name[name]["id"])
        if inner:
            containers[name] = list(client.paginate("/containers", {"datastore": ds_id}))
            _add_containers(names, containers[name])
        if "computed_field" in kinds:
            for obj in containers[name]:
                fields[int(obj["id"])] = _computed_fields(client, obj)
        if "check" in kinds:
            rows[name] = CheckRows(names, name)
            rows[name].extend(client.paginate("/quality-checks", {"datastore": ds_id}))
            if archived:
                gone[name] = list(client.paginate("/quality-checks",
                                                  {"datastore": ds_id, "archived": "only"}))
        progress.advance()
    progress.finish()
    extra = _outside_refs(client, containers, rows)
    state = _state(names, connections=conns, datastores=all_ds, containers=containers,
                   fields=fields, rows=rows, archived=gone, extra_containers=extra)
    state.selected = sorted(wanted)
    return state


def _computed_fields(client: Reader, container: Obj) -> list[Obj]:
    listed = container.get("computed_fields")
    if isinstance(listed, list):
        return [f for f in listed if isinstance(f, dict)]
    detail = client.get(f"/containers/{int(container['id'])}")
    found = detail.get("computed_fields") if isinstance(detail, Mapping) else None
    return [f for f in found or [] if isinstance(f, dict)]


def _outside_refs(client: Reader, containers: Mapping[str, list[Obj]],
                  rows: Mapping[str, CheckRows]) -> list[Obj]:
    """Containers referenced from the read datastores but living elsewhere (one GET each)."""
    known = {int(c["id"]) for items in containers.values() for c in items}
    wanted: set[int] = set()
    for found in rows.values():
        wanted.update(ref for ref in found.waiting_refs() if ref not in known)
    for items in containers.values():
        for obj in items:
            for key in ("source_container_id", "left_container_id", "right_container_id"):
                ref = obj.get(key)
                if isinstance(ref, int) and ref not in known:
                    wanted.add(ref)
    return [client.get(f"/containers/{ref}") for ref in sorted(wanted)]
