"""The results every command produces, shared by the core and the renderers.

A :class:`Plan` says what an import would do, a :class:`ImportReport` what it
did, a :class:`PromoteReport` what a promote operation did. Their JSON forms
are the stable schemas documented in ``docs/reports.md``; the terminal,
markdown and JSON renderers all read these objects and nothing else.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["connection", "datastore", "container", "computed_field", "check"]
Action = Literal["create", "update", "unchanged", "archive"]
ApplyResult = Literal["ok", "failed", "skipped"]
PromoteEntityResult = Literal["created", "updated", "skipped", "failed"]
PromoteOutcome = Literal["success", "failure", "aborted", "running"]
DriftState = Literal["only_on_target", "changed", "only_in_folder", "in_sync"]

KIND_ORDER: tuple[Kind, ...] = ("connection", "datastore", "container", "computed_field", "check")


@dataclass(frozen=True)
class FieldChange:
    """One changed value: a dotted ``path`` such as ``properties.max``."""

    path: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Change:
    """What the plan does to one entity."""

    kind: Kind
    name: str
    action: Action
    datastore: str | None = None
    container: str | None = None
    uid: str | None = None
    file: str | None = None
    fields: tuple[FieldChange, ...] = ()

    @property
    def key(self) -> tuple[str, ...]:
        """Identity of the entity within a plan."""
        return (self.kind, self.datastore or "", self.container or "", self.uid or self.name)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "datastore": self.datastore,
            "container": self.container,
            "name": self.name,
            "uid": self.uid,
            "action": self.action,
            "fields": [f.to_json() for f in self.fields],
            "file": self.file,
        }


@dataclass(frozen=True)
class Plan:
    """Every entity in scope and what an import would do to it."""

    changes: tuple[Change, ...]

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged", "archive")}

    @property
    def has_changes(self) -> bool:
        return any(c.action != "unchanged" for c in self.changes)

    @property
    def digest(self) -> str:
        """Hash of the plan's normalised content: equal plans, equal digests."""
        body = [c.to_json() for c in sorted(self.changes, key=lambda c: c.key)]
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def headline(self) -> str:
        s = self.summary
        return (f"Plan: {s['create']} to create, {s['update']} to update, "
                f"{s['archive']} to archive, {s['unchanged']} unchanged.")

    def to_json(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "summary": self.summary,
            "changes": [c.to_json() for c in self.changes],
        }


@dataclass(frozen=True)
class Outcome:
    """What applying one change did."""

    change: Change
    result: ApplyResult
    id: int | None = None
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {**self.change.to_json(), "result": self.result, "id": self.id,
                "message": self.message}


@dataclass(frozen=True)
class ImportReport:
    """Every entity's outcome of an import, in plan order."""

    plan_digest: str
    outcomes: tuple[Outcome, ...]

    def count(self, result: ApplyResult) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def headline(self) -> str:
        """``Import: 3 created, 1 updated, 0 archived, 412 unchanged, 0 failed.`` (skipped
        dependants of failed entities are counted only when there are some)."""
        done = {a: sum(1 for o in self.outcomes if o.result == "ok" and o.change.action == a)
                for a in ("create", "update", "archive")}
        unchanged = sum(1 for o in self.outcomes if o.change.action == "unchanged")
        skipped = self.count("skipped")
        return (f"Import: {done['create']} created, {done['update']} updated, "
                f"{done['archive']} archived, {unchanged} unchanged, {self.failed} failed"
                + (f", {skipped} skipped." if skipped else "."))

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_digest": self.plan_digest,
            "summary": {r: self.count(r) for r in ("ok", "failed", "skipped")},
            "results": [o.to_json() for o in self.outcomes],
        }


@dataclass(frozen=True)
class DriftItem:
    """How one entity on the target differs from the folder.

    ``change`` is what an import would do about it; its field changes read
    ``before`` = the folder's value, ``after`` = the target's.
    """

    change: Change
    state: DriftState

    def to_json(self) -> dict[str, Any]:
        c = self.change
        return {
            "kind": c.kind,
            "datastore": c.datastore,
            "container": c.container,
            "name": c.name,
            "uid": c.uid,
            "state": self.state,
            "fields": [{"path": f.path, "folder": f.before, "target": f.after}
                       for f in c.fields],
            "file": c.file,
        }


@dataclass(frozen=True)
class DriftReport:
    """Every entity in scope and whether the target still matches the folder."""

    items: tuple[DriftItem, ...]

    def count(self, state: DriftState) -> int:
        return sum(1 for i in self.items if i.state == state)

    @property
    def drifted(self) -> bool:
        return any(i.state != "in_sync" for i in self.items)

    @property
    def summary(self) -> dict[str, int]:
        return {s: self.count(s)
                for s in ("only_on_target", "changed", "only_in_folder", "in_sync")}

    def headline(self) -> str:
        s = self.summary
        if not self.drifted:
            return f"No drift: {s['in_sync']} entities match the folder."
        return (f"Drift: {s['only_on_target']} only on the target, {s['changed']} changed, "
                f"{s['only_in_folder']} missing on the target, {s['in_sync']} in sync.")

    def to_json(self) -> dict[str, Any]:
        return {
            "drifted": self.drifted,
            "summary": self.summary,
            "items": [i.to_json() for i in self.items if i.state != "in_sync"],
        }


@dataclass(frozen=True)
class PromoteEntity:
    """One source entity's result in a promote operation."""

    entity_type: str
    source_entity_id: int
    source_name: str
    result: PromoteEntityResult
    destination_entity_id: int | None = None
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "entity_type": self.entity_type,
            "source_entity_id": self.source_entity_id,
            "source_name": self.source_name,
            "result": self.result,
            "destination_entity_id": self.destination_entity_id,
            "message": self.message,
        }


@dataclass(frozen=True)
class PromoteReport:
    """A promote operation's outcome: the platform's shape, with names added."""

    operation_id: int
    type: str
    result: PromoteOutcome
    status: dict[str, int]
    results: tuple[PromoteEntity, ...] = field(default=())
    source: str = ""
    destination: str = ""

    def count(self, result: PromoteEntityResult) -> int:
        """Entities with this result (from the operation's status when it has it)."""
        if result in self.status:
            return int(self.status[result])
        return sum(1 for r in self.results if r.result == result)

    @property
    def total(self) -> int:
        return int(self.status.get("total", len(self.results)))

    def failures_first(self) -> list[PromoteEntity]:
        """Entities with failures first, then by result, then by source id."""
        order = {"failed": 0, "created": 1, "updated": 2, "skipped": 3}
        return sorted(self.results, key=lambda r: (order.get(r.result, 9), r.source_entity_id))

    def headline(self) -> str:
        c = {r: self.count(r) for r in ("created", "updated", "skipped", "failed")}
        return (f"Promote {self.result}: {c['created']} created, {c['updated']} updated, "
                f"{c['skipped']} skipped, {c['failed']} failed (of {self.total}).")

    def to_json(self) -> dict[str, Any]:
        return {
            "operation_id": self.operation_id,
            "type": self.type,
            "result": self.result,
            "source": self.source,
            "destination": self.destination,
            "status": dict(self.status),
            "results": [r.to_json() for r in self.results],
        }


PreviewAction = Literal["create", "update", "skip", "fail", "excluded"]


@dataclass(frozen=True)
class PreviewEntity:
    """What a promote would do to one source entity, as far as can be told."""

    source_entity_id: int
    source_name: str
    action: PreviewAction
    reason: str | None = None
    destination_entity_id: int | None = None
    fields: tuple[FieldChange, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "source_entity_id": self.source_entity_id,
            "source_name": self.source_name,
            "action": self.action,
            "reason": self.reason,
            "destination_entity_id": self.destination_entity_id,
            "fields": [f.to_json() for f in self.fields],
        }


@dataclass(frozen=True)
class PromotePreview:
    """A promote's dry run: the resolved request and the expected per-entity outcome.

    ``certain`` lists what was read from the API as fact; ``estimates`` what is
    a prediction (matching destination copies, validation outcomes)."""

    type: str
    source: str
    destination: str
    request: dict[str, Any]
    entities: tuple[PreviewEntity, ...]
    certain: tuple[str, ...] = ()
    estimates: tuple[str, ...] = ()

    def count(self, action: PreviewAction) -> int:
        return sum(1 for e in self.entities if e.action == action)

    def headline(self) -> str:
        c = {a: self.count(a) for a in ("create", "update", "skip", "fail", "excluded")}
        return (f"Promote preview: {c['create']} to create, {c['update']} to update, "
                f"{c['skip']} to skip, {c['fail']} expected to fail, "
                f"{c['excluded']} excluded.")

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "source": self.source,
            "destination": self.destination,
            "request": dict(self.request),
            "summary": {a: self.count(a)
                        for a in ("create", "update", "skip", "fail", "excluded")},
            "entities": [e.to_json() for e in self.entities],
            "certain": list(self.certain),
            "estimates": list(self.estimates),
        }
