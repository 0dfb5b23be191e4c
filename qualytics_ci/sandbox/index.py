"""Secondary indexes of the store: which checks, containers and computed fields belong where.

Every list holds ids in id order (the order the tables iterate in), so a filter
by datastore or container is a look-up and a page of it is a slice:

- checks by datastore and by container, live (Active, Draft) and archived apart;
- containers by datastore, and by (datastore, name);
- computed fields by container.

The :class:`~qualytics_ci.sandbox.store.Store` keeps the index current: inserts,
deletes and in-place changes it is told about (``touch(table, rec)``) are filed
at once; any other change marks the affected part stale, and the next look-up
rebuilds that part from its table. Nothing here reads the store itself.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Any

Record = dict[str, Any]
ARCHIVED_STATUSES = ("Discarded", "Invalid")  # an archived check's status is its reason
PARTS = ("checks", "containers", "computed_fields")
PART_ATTRIBUTES = {
    "checks": ("checks_by_ds", "checks_by_container", "_check_slot"),
    "containers": ("containers_by_ds", "container_names", "_container_slot"),
    "computed_fields": ("fields_by_container", "_field_slot"),
}
EMPTY: list[int] = []


def _add(lists: dict[Any, list[int]], key: Any, ident: int) -> None:
    ids = lists.setdefault(key, [])
    if not ids or ids[-1] < ident:
        ids.append(ident)  # new records have the highest id: the common case
    else:
        insort(ids, ident)


def _remove(lists: dict[Any, list[int]], key: Any, ident: int) -> None:
    ids = lists.get(key)
    if ids is None:
        return
    i = bisect_left(ids, ident)
    if i < len(ids) and ids[i] == ident:
        del ids[i]
        if not ids:
            del lists[key]


class Index:
    """The look-up lists; see the module docstring."""

    def __init__(self) -> None:
        self.stale: set[str] = set(PARTS)
        # checks: key (datastore id or container id, archived?) -> ids
        self.checks_by_ds: dict[tuple[int, bool], list[int]] = {}
        self.checks_by_container: dict[tuple[int, bool], list[int]] = {}
        self.containers_by_ds: dict[int, list[int]] = {}
        self.container_names: dict[tuple[int, str], list[int]] = {}
        self.fields_by_container: dict[int, list[int]] = {}
        # where each record is filed, to move or remove it
        self._check_slot: dict[int, tuple[int, int, bool]] = {}
        self._container_slot: dict[int, tuple[int, str]] = {}
        self._field_slot: dict[int, int] = {}

    # ---- (re)building --------------------------------------------------------------
    def rebuild(self, part: str, table: dict[int, Record]) -> None:
        """File every record of ``table`` afresh under ``part``. The new lists replace
        the old ones only once complete, and the part stops being stale last, so a
        reader that finds it fresh never sees it half built."""
        fresh = Index()
        fresh.stale = set()
        for rec in table.values():
            fresh.file(part, rec)
        for name in PART_ATTRIBUTES[part]:
            setattr(self, name, getattr(fresh, name))
        self.stale.discard(part)

    def file(self, part: str, rec: Record) -> None:
        """File a new or changed record (moving it if its keys changed)."""
        if part in self.stale:
            return  # the next look-up rebuilds this part anyway
        ident = rec["id"]
        if part == "checks":
            slot = (rec["datastore_id"], rec["container_id"], rec["status"] in ARCHIVED_STATUSES)
            if self._check_slot.get(ident) != slot:
                self.drop(part, ident)
                _add(self.checks_by_ds, (slot[0], slot[2]), ident)
                _add(self.checks_by_container, (slot[1], slot[2]), ident)
                self._check_slot[ident] = slot
        elif part == "containers":
            where = (rec["datastore_id"], rec["name"])
            if self._container_slot.get(ident) != where:
                self.drop(part, ident)
                _add(self.containers_by_ds, where[0], ident)
                _add(self.container_names, where, ident)
                self._container_slot[ident] = where
        elif self._field_slot.get(ident) != rec["container_id"]:
            self.drop(part, ident)
            _add(self.fields_by_container, rec["container_id"], ident)
            self._field_slot[ident] = rec["container_id"]

    def drop(self, part: str, ident: int) -> None:
        """Forget a record (deleted, or about to be filed elsewhere)."""
        if part in self.stale:
            return
        if part == "checks":
            slot = self._check_slot.pop(ident, None)
            if slot is not None:
                _remove(self.checks_by_ds, (slot[0], slot[2]), ident)
                _remove(self.checks_by_container, (slot[1], slot[2]), ident)
        elif part == "containers":
            where = self._container_slot.pop(ident, None)
            if where is not None:
                _remove(self.containers_by_ds, where[0], ident)
                _remove(self.container_names, where, ident)
        else:
            container = self._field_slot.pop(ident, None)
            if container is not None:
                _remove(self.fields_by_container, container, ident)

    # ---- look-ups (callers must not change the lists they get) ------------------------
    def datastore_checks(self, datastore_id: int, archived: bool = False) -> list[int]:
        """Ids of the live (or archived) checks of a datastore."""
        return self.checks_by_ds.get((datastore_id, archived), EMPTY)

    def container_checks(self, container_id: int, archived: bool = False) -> list[int]:
        """Ids of the live (or archived) checks of a container."""
        return self.checks_by_container.get((container_id, archived), EMPTY)

    def check_datastores(self) -> list[int]:
        """Ids of the datastores that have checks (live or archived), ascending."""
        return sorted({ds for ds, _ in self.checks_by_ds})

    def containers(self, datastore_id: int) -> list[int]:
        """Ids of a datastore's containers."""
        return self.containers_by_ds.get(datastore_id, EMPTY)

    def container_named(self, datastore_id: int, name: str) -> int | None:
        """The id of the first container of that name in the datastore, if any."""
        ids = self.container_names.get((datastore_id, name))
        return ids[0] if ids else None

    def computed_fields(self, container_id: int) -> list[int]:
        """Ids of the computed fields defined on a container."""
        return self.fields_by_container.get(container_id, EMPTY)
