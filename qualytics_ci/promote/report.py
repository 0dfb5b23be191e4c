"""A finished (or aborted) promote operation as a :class:`PromoteReport`.

Per-entity results come from the operation's sub-endpoint
(``/operations/{id}/quality-checks|fields|containers``): failed entities are
fetched first with ``promote_result=failed``, then the others, de-duplicated by
source id, so that however large the operation, its failures are all there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qualytics_ci.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL
from qualytics_ci.promote.api import PromoteAPI, Row
from qualytics_ci.promote.match import entity_name
from qualytics_ci.promote.request import PromoteKind
from qualytics_ci.results.promote import (
    PromoteEntity,
    PromoteEntityResult,
    PromoteOutcome,
    PromoteReport,
)

ENTITY_RESULTS: tuple[PromoteEntityResult, ...] = ("created", "updated", "skipped", "failed")
OUTCOMES: tuple[PromoteOutcome, ...] = ("success", "failure", "aborted", "running")


def collect_results(api: PromoteAPI, operation_id: int, kind: PromoteKind) -> list[Row]:
    """Every per-entity result of the operation, failures first."""
    rows: dict[int, Row] = {}
    for wanted in (["failed"], ["created", "updated", "skipped"]):
        for row in api.list_operation_results(operation_id, kind.results_path,
                                              promote_result=wanted):
            rows.setdefault(int(row["source_entity_id"]), row)
    return list(rows.values())


def entity_from_row(row: Mapping[str, Any], default_type: str) -> PromoteEntity:
    """One API per-entity result as a :class:`PromoteEntity`."""
    entity_type = str(row.get("entity_type") or default_type)
    result = str(row.get("result"))
    source = row.get("source_entity")
    name = entity_name(entity_type, source if isinstance(source, Mapping) else None)
    dest = row.get("destination_entity_id")
    return PromoteEntity(
        entity_type=entity_type,
        source_entity_id=int(row["source_entity_id"]),
        source_name=name or f"#{row['source_entity_id']}",
        result=result if result in ENTITY_RESULTS else "failed",
        destination_entity_id=None if dest is None else int(dest),
        message=row.get("message"),
    )


def status_of(operation: Row, entities: Sequence[PromoteEntity]) -> dict[str, int]:
    """The operation's status counts (counted from the entities when absent)."""
    status = operation.get("status")
    counts: dict[str, int] = {"total": len(entities)}
    counts.update({r: sum(1 for e in entities if e.result == r) for r in ENTITY_RESULTS})
    if isinstance(status, Mapping):
        for key in counts:
            if isinstance(status.get(key), int):
                counts[key] = int(status[key])
    return counts


def build_report(operation: Row, rows: Iterable[Mapping[str, Any]], kind: PromoteKind, *,
                 source: str = "", destination: str = "") -> PromoteReport:
    """The report of ``operation`` with the per-entity ``rows`` (pure)."""
    entities = tuple(entity_from_row(r, kind.entity_type) for r in rows)
    result = str(operation.get("result") or "running")
    return PromoteReport(
        operation_id=int(operation["id"]),
        type=kind.operation_type,
        result=result if result in OUTCOMES else "failure",
        status=status_of(operation, entities),
        results=entities,
        source=source or _stub_name(operation, "container") or _stub_name(operation, "datastore"),
        destination=(destination or _stub_name(operation, "destination_container")
                     or _stub_name(operation, "destination_datastore")),
    )


def _stub_name(operation: Row, key: str) -> str:
    stub = operation.get(key)
    return str(stub.get("name") or "") if isinstance(stub, Mapping) else ""


def exit_code(report: PromoteReport) -> int:
    """0 when nothing failed, 3 when some entities failed, 1 when all failed or
    the operation did not finish (aborted, still running)."""
    failed = report.count("failed")
    if report.result in ("failure", "aborted", "running"):
        return EXIT_ERROR
    if failed and failed >= report.total:
        return EXIT_ERROR
    return EXIT_PARTIAL if failed else EXIT_OK
