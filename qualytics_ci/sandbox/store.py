"""The emulator's data: in-memory tables, one lock, ids, timestamps and persistence.

Every entity is a plain ``dict`` record kept in a table keyed by its integer id
(tables are insertion-ordered, so iteration is in id order). Keys starting with
``_`` are internal (write-only secrets, archive reasons) and never rendered.

Tables: ``connections``, ``datastores``, ``containers`` (each holding its
``fields`` list), ``computed_fields``, ``checks``, ``operations``, ``users``,
``teams``, ``global_tags`` (keyed by name) and ``catalogs`` (keyed by
connection id: the simulated physical tables/files a sync can discover).

Thread safety: hold ``store.lock`` (re-entrant) around any read-modify-write;
the entity functions in :mod:`.entities` do so. With ``state`` set, changes are
flushed to a JSON snapshot (written atomically) shortly after each mutation.

Every change ends in :meth:`Store.insert`, :meth:`Store.delete` or
:meth:`Store.touch`, which keep two derived things current: the look-up
:class:`~qualytics_ci.sandbox.index.Index` (checks, containers and computed
fields by datastore / container) and ``rendered``, the cached response JSON of
checks and containers (``(table, id) -> bytes``, filled by :mod:`.rendered`).
``touch(table, rec)`` says what changed in place: a check re-files that check
and forgets its own and its container's JSON; anything else (or a bare
``touch()``) forgets all cached JSON and, for the indexed tables, marks the
index stale.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qualytics_ci.sandbox import index
from qualytics_ci.sandbox.problems import not_found

Record = dict[str, Any]

LIVE_STATUSES = ("Active", "Draft")
ARCHIVED_STATUSES = index.ARCHIVED_STATUSES  # an archived check's status is its reason
# tables whose changes never show in cached JSON: operations and teams are not part
# of a check or container; of users only names and emails are, which never change
UNRENDERED = frozenset({"operations", "teams", "users"})

ID_TABLES = (
    "connections", "datastores", "containers", "computed_fields", "checks",
    "operations", "users", "teams",
)
KINDS = {
    "connections": "Connection", "datastores": "Datastore", "containers": "Container",
    "computed_fields": "Computed field", "checks": "Quality check", "operations": "Operation",
    "users": "User", "teams": "Team",
}


def now_iso() -> str:
    """The current UTC time as the API writes it (ISO 8601, milliseconds, ``Z``)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def empty_data() -> dict[str, Any]:
    """A store with no entities at all."""
    data: dict[str, Any] = {t: {} for t in ID_TABLES}
    data["global_tags"] = {}
    data["catalogs"] = {}
    data["next_id"] = {t: 1 for t in (*ID_TABLES, "fields")}
    return data


class Store:
    """All sandbox state behind one re-entrant lock. See the module docstring."""

    def __init__(self, data: dict[str, Any] | None = None, *, state: str | None = None) -> None:
        self.lock = threading.RLock()
        self.data: dict[str, Any] = data if data is not None else empty_data()
        self.state = state
        self._dirty = threading.Event()
        self._closed = threading.Event()
        self._flusher: threading.Thread | None = None
        self.operation_seconds = 0.0  # how long new operations stay running
        self.pending: set[int] = self._running_ids()
        self.index = index.Index()
        self.rendered: dict[tuple[str, int], bytes] = {}
        self.derived: dict[Any, Any] = {}  # per-container parts of rendering, see .rendered
        if state:
            self._flusher = threading.Thread(target=self._flush_loop, daemon=True,
                                             name="sandbox-state")
            self._flusher.start()

    # ---- generic table access -------------------------------------------------
    def table(self, name: str) -> dict[int, Record]:
        """The table ``name`` (id -> record)."""
        table: dict[int, Record] = self.data[name]
        return table

    def get(self, table: str, ident: int) -> Record:
        """The record ``ident`` of ``table``, or a 404 :class:`ApiError`."""
        rec = self.data[table].get(ident)
        if rec is None:
            raise not_found(KINDS.get(table, table), ident)
        result: Record = rec
        return result

    def find(self, table: str, ident: int) -> Record | None:
        """The record or None."""
        rec: Record | None = self.data[table].get(ident)
        return rec

    def next_id(self, kind: str) -> int:
        """Allocate the next id of ``kind`` (a table name or ``fields``)."""
        with self.lock:
            ident: int = self.data["next_id"][kind]
            self.data["next_id"][kind] = ident + 1
            return ident

    def insert(self, table: str, rec: Record) -> Record:
        """Give ``rec`` a fresh id (and ``created`` if absent), store and return it."""
        with self.lock:
            rec["id"] = self.next_id(table)
            rec.setdefault("created", now_iso())
            self.data[table][rec["id"]] = rec
            self.touch(table, rec)
            return rec

    def delete(self, table: str, ident: int) -> Record:
        """Remove and return a record (404 if absent)."""
        with self.lock:
            rec = self.get(table, ident)
            del self.data[table][ident]
            if table in index.PARTS:
                self.index.drop(table, ident)
            self._forget(table, rec)
            return rec

    def _indexed(self, part: str) -> index.Index:
        """The index, with ``part`` rebuilt first if it is stale."""
        if part in self.index.stale:
            with self.lock:
                if part in self.index.stale:
                    self.index.rebuild(part, self.data[part])
        return self.index

    def where(self, table: str, **match: Any) -> Iterator[Record]:
        """Records whose keys equal every ``match`` value, in id order."""
        items = list(self.data[table].values())
        if len(match) == 1:  # the common case, without a generator per record
            ((key, value),) = match.items()
            yield from [rec for rec in items if rec.get(key) == value]
            return
        for rec in items:
            if all(rec.get(k) == v for k, v in match.items()):
                yield rec

    # ---- entity lookups used by routes, operations and promote -----------------
    def connection(self, ident: int) -> Record:
        """Connection by id (404 if absent)."""
        return self.get("connections", ident)

    def datastore(self, ident: int) -> Record:
        """Datastore by id (404 if absent)."""
        return self.get("datastores", ident)

    def container(self, ident: int) -> Record:
        """Container by id (404 if absent); its ``fields`` list holds the discovered fields."""
        return self.get("containers", ident)

    def check(self, ident: int) -> Record:
        """Quality check by id (404 if absent), archived ones included."""
        return self.get("checks", ident)

    def computed_field(self, ident: int) -> Record:
        """Computed field by id (404 if absent)."""
        return self.get("computed_fields", ident)

    def operation(self, ident: int) -> Record:
        """Operation by id (404 if absent)."""
        return self.get("operations", ident)

    def containers_of(self, datastore_id: int) -> list[Record]:
        """Containers of a datastore in id order."""
        table = self.data["containers"]
        return [table[i] for i in self._indexed("containers").containers(datastore_id)]

    def container_by_name(self, datastore_id: int, name: str) -> Record | None:
        """The container of that exact name in a datastore, if any."""
        ident = self._indexed("containers").container_named(datastore_id, name)
        return None if ident is None else self.container(ident)

    def computed_fields_of(self, container_id: int) -> list[Record]:
        """Computed fields defined on a container, in id order."""
        table = self.data["computed_fields"]
        return [table[i] for i in self._indexed("computed_fields").computed_fields(container_id)]

    def field_names(self, container_id: int) -> list[str]:
        """Names a check may reference: discovered fields, then computed fields."""
        names = [f["name"] for f in self.container(container_id)["fields"]]
        names += [cf["name"] for cf in self.computed_fields_of(container_id)]
        return names

    def checks_of(self, container_id: int, *, archived: bool = False) -> list[Record]:
        """Checks of a container (non-archived unless ``archived``), in id order."""
        found = self._indexed("checks")
        ids = found.container_checks(container_id)
        if archived:
            ids = sorted(ids + found.container_checks(container_id, archived=True))
        table = self.data["checks"]
        return [table[i] for i in ids]

    def check_ids(self, *, datastore_id: int | None = None, container_id: int | None = None,
                  archived: bool = False) -> list[int]:
        """Ids of the live (or only the archived) checks of a datastore or of a container,
        in id order. The list is the index's own: read it, do not change it."""
        found = self._indexed("checks")
        if container_id is not None:
            return found.container_checks(container_id, archived)
        if datastore_id is not None:
            return found.datastore_checks(datastore_id, archived)
        return sorted(i for ds in found.check_datastores()
                      for i in found.datastore_checks(ds, archived))

    # ---- snapshots and persistence ------------------------------------------------
    def replace(self, data: dict[str, Any],
                rendered: dict[tuple[str, int], bytes] | None = None) -> None:
        """Swap in a whole new data set (reset / restore); ``rendered`` is cached JSON
        known to match it (a seed's, see :func:`.seeds.build_rendered`)."""
        with self.lock:
            self.data = data
            self.pending = self._running_ids()
            self.touch()
            self.rendered.update(rendered or {})

    def _running_ids(self) -> set[int]:
        return {i for i, op in self.data["operations"].items() if op.get("result") == "running"}

    def touch(self, table: str | None = None, rec: Record | None = None) -> None:
        """Mark the store changed (schedules a snapshot when persisting). ``table`` and
        ``rec`` name what changed in place; without them, anything may have."""
        if table in index.PARTS:
            if rec is not None:
                self.index.file(table, rec)
            else:
                self.index.stale.add(table)
        elif table is None:
            self.index.stale.update(index.PARTS)
        self._forget(table, rec)

    def _forget(self, table: str | None, rec: Record | None) -> None:
        """Drop cached JSON that a change of ``rec`` in ``table`` may have outdated."""
        if self.state:
            self._dirty.set()
        if table == "checks" and rec is not None:
            self.rendered.pop(("checks", rec["id"]), None)
            self.rendered.pop(("containers", rec["container_id"]), None)  # check_count
        elif table not in UNRENDERED:
            self.rendered.clear()
            self.derived.clear()

    def snapshot(self) -> bytes:
        """A fast, private copy of all data (used to cache seeds for quick resets)."""
        with self.lock:
            return pickle.dumps(self.data, protocol=pickle.HIGHEST_PROTOCOL)

    def to_json(self) -> dict[str, Any]:
        """All data as JSON-compatible lists (tables become lists of records)."""
        with self.lock:
            out: dict[str, Any] = {"version": 1}
            for key, value in self.data.items():
                if key in ID_TABLES:
                    out[key] = copy.deepcopy(list(value.values()))
                elif key == "catalogs":
                    out[key] = {str(k): copy.deepcopy(v) for k, v in value.items()}
                else:
                    out[key] = copy.deepcopy(value)
            return out

    def save(self) -> None:
        """Write the JSON snapshot to ``state`` atomically (temp file + rename)."""
        if not self.state:
            return
        self._dirty.clear()
        text = json.dumps(self.to_json(), separators=(",", ":"))
        path = Path(self.state)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)

    def _flush_loop(self) -> None:
        while not self._closed.is_set():
            if self._dirty.wait(0.2) and not self._closed.is_set():
                self._closed.wait(0.05)  # coalesce bursts of writes
                self.save()

    def close(self) -> None:
        """Stop the flusher and write a final snapshot."""
        self._closed.set()
        if self._flusher:
            self._flusher.join(timeout=5)
        if self.state and self._dirty.is_set():
            self.save()


def data_from_json(doc: dict[str, Any]) -> dict[str, Any]:
    """Inverse of :meth:`Store.to_json`."""
    data = empty_data()
    for key, value in doc.items():
        if key in ID_TABLES:
            data[key] = {rec["id"]: rec for rec in value}
        elif key == "catalogs":
            data[key] = {int(k): v for k, v in value.items()}
        elif key != "version":
            data[key] = value
    return data


def load_state(path: str) -> dict[str, Any] | None:
    """The data saved at ``path``, or None when the file does not exist."""
    p = Path(path)
    if not p.is_file():
        return None
    return data_from_json(json.loads(p.read_text(encoding="utf-8")))
