"""What a promote operation did (:class:`PromoteReport`) and what a dry run expects
it to do (:class:`PromotePreview`), with their JSON forms (``docs/promote.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from qualytics_ci.results.config import FieldChange

PromoteEntityResult = Literal["created", "updated", "skipped", "failed"]
PromoteOutcome = Literal["success", "failure", "aborted", "running"]


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
# Expected failures and exclusions first: they are what a reviewer must see.
PREVIEW_ORDER: tuple[PreviewAction, ...] = ("fail", "excluded", "create", "update", "skip")


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
            "destination_entity_id": self.destination_entity_id,
            "detail": self.reason,
            "fields": [f.to_json() for f in self.fields],
        }


@dataclass(frozen=True)
class PromotePreview:
    """A promote's dry run: the resolved request and the expected per-entity outcome.

    ``certain`` lists what was read from the API as fact; ``estimates`` what is
    a prediction (matching destination copies, validation outcomes). ``refused``
    says why the platform would refuse the request itself (the caller lacks the
    permission), when it would. The JSON form (``--dry-run --report``) is
    documented in ``docs/promote.md``."""

    type: str
    source: str
    destination: str
    request: dict[str, Any]
    entities: tuple[PreviewEntity, ...]
    certain: tuple[str, ...] = ()
    estimates: tuple[str, ...] = ()
    refused: str | None = None

    def count(self, action: PreviewAction) -> int:
        return sum(1 for e in self.entities if e.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "skip", "fail", "excluded")}

    def failures_first(self) -> list[PreviewEntity]:
        """Expected failures, then exclusions, then create/update/skip, each by source id."""
        order = {a: i for i, a in enumerate(PREVIEW_ORDER)}
        return sorted(self.entities, key=lambda e: (order[e.action], e.source_entity_id))

    def headline(self) -> str:
        c = self.summary
        if self.refused:
            return (f"Promote preview: the promote would be refused (403): {c['fail']} "
                    f"expected to fail, {c['excluded']} excluded.")
        return (f"Promote preview: {c['create']} to create, {c['update']} to update, "
                f"{c['skip']} to skip, {c['fail']} expected to fail, "
                f"{c['excluded']} excluded.")

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "source": self.source,
            "destination": self.destination,
            "request": dict(self.request),
            "summary": self.summary,
            "refused": self.refused,
            "entities": [e.to_json() for e in self.failures_first()],
            "certain": list(self.certain),
            "estimated": list(self.estimates),
        }
