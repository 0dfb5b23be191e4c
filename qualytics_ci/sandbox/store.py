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

from qualytics_ci.sandbox.problems import not_found

Record = dict[str, Any]

LIVE_STATUSES = ("Active", "Draft")
ARCHIVED_STATUSES = ("Discarded", "Invalid")  # an archived check's status is its reason

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
            self.touch()
            return rec

    def delete(self, table: str, ident: int) -> Record:
        """Remove and return a record (404 if absent)."""
        with self.lock:
            rec = self.get(table, ident)
            del self.data[table][ident]
            self.touch()
            return rec

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
        return list(self.where("containers", datastore_id=datastore_id))

    def container_by_name(self, datastore_id: int, name: str) -> Record | None:
        """The container of that exact name in a datastore, if any."""
        return next(self.where("containers", datastore_id=datastore_id, name=name), None)

    def computed_fields_of(self, container_id: int) -> list[Record]:
        """Computed fields defined on a container, in id order."""
        return list(self.where("computed_fields", container_id=container_id))

    def field_names(self, container_id: int) -> list[str]:
        """Names a check may reference: discovered fields, then computed fields."""
        names = [f["name"] for f in self.container(container_id)["fields"]]
        names += [cf["name"] for cf in self.computed_fields_of(container_id)]
        return names

    def checks_of(self, container_id: int, *, archived: bool = False) -> list[Record]:
        """Checks of a container (non-archived unless ``archived``), in id order."""
        return [c for c in self.where("checks", container_id=container_id)
                if archived or c["status"] in LIVE_STATUSES]

    # ---- snapshots and persistence ------------------------------------------------
    def replace(self, data: dict[str, Any]) -> None:
        """Swap in a whole new data set (reset / restore)."""
        with self.lock:
            self.data = data
            self.pending = self._running_ids()
            self.touch()

    def _running_ids(self) -> set[int]:
        return {i for i, op in self.data["operations"].items() if op.get("result") == "running"}

    def touch(self) -> None:
        """Mark the store changed (schedules a snapshot when persisting)."""
        if self.state:
            self._dirty.set()

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
