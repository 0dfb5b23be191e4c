"""The results every command produces, shared by the core and the renderers.

A :class:`Plan` says what an import would do, a :class:`ImportReport` what it
did, a :class:`DriftReport` how the target differs from the folder; the promote
results (:class:`PromoteReport`, :class:`PromotePreview`) live beside them in
:mod:`qualytics_ci.results.promote`. Their JSON forms
are the stable schemas documented in ``docs/reports.md``; the terminal,
markdown and JSON renderers all read these objects and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from qualytics_ci.results.digest import DigestParts, PlanOptions, parts_of
from qualytics_ci.results.kinds import KIND_ORDER as KIND_ORDER
from qualytics_ci.results.kinds import Kind as Kind

Action = Literal["create", "update", "unchanged", "archive", "duplicate"]
# duplicate: a live check sharing its uid with a lower id; import archives it
ApplyResult = Literal["ok", "failed", "skipped"]
DriftState = Literal["only_on_target", "changed", "only_in_folder", "in_sync"]



SENSITIVE = "(sensitive)"


@dataclass(frozen=True)
class Note:
    """A warning that goes with a result: where (a folder-relative file and line, when it
    has one) and what."""

    message: str
    file: str | None = None
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class FieldChange:
    """One changed value: a dotted ``path`` such as ``properties.max``.

    A field whose folder value holds a ``${VAR}`` is ``sensitive``: both sides read
    :data:`SENSITIVE` (the target's value may be a secret from before a rotation, the
    folder's resolves to one), and ``folder_text`` keeps the folder's unresolved text
    (its placeholders, never a value), which binds the plan's digest to it.
    """

    path: str
    before: Any
    after: Any
    sensitive: bool = False
    folder_text: Any = None

    def to_json(self) -> dict[str, Any]:
        out = {"path": self.path, "before": self.before, "after": self.after}
        if self.sensitive:
            out.update(sensitive=True, folder_text=self.folder_text)
        return out


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
    # duplicate only: the copy's id on the target, and the id of the check kept
    target_id: int | None = None
    duplicate_of: int | None = None

    @property
    def key(self) -> tuple[str, ...]:
        """Identity of the entity within a plan (copies of one uid apart by their id)."""
        return (self.kind, self.datastore or "", self.container or "", self.uid or self.name,
                "" if self.target_id is None else str(self.target_id))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "datastore": self.datastore,
            "container": self.container,
            "name": self.name,
            "uid": self.uid,
            "action": self.action,
            "fields": [f.to_json() for f in self.fields],
            "file": self.file,
        }
        if self.action == "duplicate":
            out.update(target_id=self.target_id, duplicate_of=self.duplicate_of)
        return out


@dataclass(frozen=True)
class Plan:
    """Every entity in scope and what an import would do to it, with what it was made from:
    the options, the target's normalised URL and the folder's digest part (which covers
    the declared promotions too; ``promotions_digest`` is their own hash, ``""`` for none,
    shown in the JSON)."""

    changes: tuple[Change, ...]
    options: PlanOptions = field(default_factory=PlanOptions)
    target: str = ""
    folder_digest: str = ""
    promotions_digest: str = ""
    # the digest as the plan's maker computed it, for a plan read back from its JSON: the
    # JSON's values are redacted, so computing it again could give another digest
    recorded_digest: str = ""
    # what a reviewer should know that changes nothing (a variable needed only at import,
    # a key the API manages): shown with the plan, not part of its digest
    warnings: tuple[Note, ...] = ()

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {a: self.count(a)
                for a in ("create", "update", "unchanged", "archive", "duplicate")}

    @property
    def has_changes(self) -> bool:
        return any(c.action != "unchanged" for c in self.changes)

    @cached_property
    def parts(self) -> DigestParts:
        """The digest's parts: options, target, folder, changes (sorted by identity)."""
        recorded = DigestParts.parse(self.recorded_digest) if self.recorded_digest else None
        if recorded is not None:
            return recorded
        body = [c.to_json() for c in sorted(self.changes, key=lambda c: c.key)]
        return parts_of(self.options, self.target, self.folder_digest, body)

    @property
    def digest(self) -> str:
        """``<options>-<target>-<folder>-<changes>``: equal plans made the same way against
        the same target, equal digests (see :mod:`qualytics_ci.results.digest`)."""
        return self.parts.text

    def headline(self) -> str:
        s = self.summary  # duplicates are named only when there are some
        copies = s["duplicate"]
        return (f"Plan: {s['create']} to create, {s['update']} to update, "
                f"{s['archive']} to archive, "
                + (f"{copies} duplicate{'s' if copies != 1 else ''} to archive, " if copies
                   else "")
                + f"{s['unchanged']} unchanged.")

    def to_json(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "summary": self.summary,
            "options": self.options.to_json(),
            "target": self.target,
            "digests": self.parts.to_json(),
            "changes": [c.to_json() for c in self.changes],
            "promotions_digest": self.promotions_digest,
            "warnings": [w.to_json() for w in self.warnings],
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

    def done(self, action: Action) -> int:
        """Entities whose planned ``action`` was applied (``unchanged`` ones need nothing)."""
        if action == "unchanged":
            return sum(1 for o in self.outcomes if o.change.action == "unchanged")
        return sum(1 for o in self.outcomes if o.result == "ok" and o.change.action == action)

    def headline(self) -> str:
        """``Import: 3 created, 1 updated, 0 archived, 412 unchanged, 0 failed.`` (archived
        duplicates and skipped dependants of failed creates are counted only when there
        are some)."""
        skipped, copies = self.count("skipped"), self.done("duplicate")
        return (f"Import: {self.done('create')} created, {self.done('update')} updated, "
                f"{self.done('archive')} archived, "
                + (f"{copies} duplicate{'s' if copies != 1 else ''} archived, " if copies
                   else "")
                + f"{self.done('unchanged')} unchanged, "
                f"{self.failed} failed" + (f", {skipped} skipped." if skipped else "."))

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
            "fields": [{"path": f.path, "folder": f.before, "target": f.after,
                        **({"sensitive": True, "folder_text": f.folder_text}
                           if f.sensitive else {})}
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
