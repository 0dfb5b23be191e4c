"""Read Plan and reports back from the JSON the CLI writes (``--json`` / ``--report``).

The inverse of the ``to_json()`` methods in :mod:`qualytics_ci.results.config`. The
Action runs the CLI's commands, which write these files, and renders from the
objects read back, so the JSON schema is the one seam between them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.results.config import (
    Action,
    ApplyResult,
    Change,
    FieldChange,
    ImportReport,
    Kind,
    Note,
    Outcome,
    Plan,
)
from qualytics_ci.results.digest import PlanOptions
from qualytics_ci.results.promote import (
    PreviewAction,
    PreviewEntity,
    PromoteEntity,
    PromoteEntityResult,
    PromoteOutcome,
    PromotePreview,
    PromoteReport,
)


def read(path: str | Path) -> dict[str, Any]:
    """A JSON object from ``path``; a missing or broken file is a user-facing error."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise QualyticsCIError(f"the command wrote no report at {path}") from exc
    except ValueError as exc:
        raise QualyticsCIError(f"the report at {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise QualyticsCIError(f"the report at {path} is not a JSON object")
    return data


def _field_change(row: Mapping[str, Any], before: Any, after: Any) -> FieldChange:
    return FieldChange(str(row.get("path", "")), before, after,
                       sensitive=bool(row.get("sensitive")), folder_text=row.get("folder_text"))


def _field_changes(rows: Any) -> tuple[FieldChange, ...]:
    return tuple(_field_change(f, f.get("before"), f.get("after")) for f in rows or ())


def change_from_json(d: Mapping[str, Any]) -> Change:
    return Change(
        kind=cast(Kind, d.get("kind", "check")),
        name=str(d.get("name") or d.get("uid") or ""),
        action=cast(Action, d.get("action", "unchanged")),
        datastore=d.get("datastore"),
        container=d.get("container"),
        uid=d.get("uid"),
        file=d.get("file"),
        fields=_field_changes(d.get("fields")),
        target_id=d.get("target_id"),
        duplicate_of=d.get("duplicate_of"),
    )


def plan_from_json(data: Mapping[str, Any]) -> Plan:
    """A Plan from ``{"digest", "summary", "changes": [...]}``."""
    if "changes" not in data and isinstance(data.get("plan"), Mapping):
        data = data["plan"]
    options = data.get("options")
    digests = data.get("digests")
    return Plan(tuple(change_from_json(c) for c in data.get("changes") or ()),
                options=PlanOptions.from_json(options if isinstance(options, Mapping) else None),
                target=str(data.get("target") or ""),
                folder_digest=str(digests.get("folder") or "")
                if isinstance(digests, Mapping) else "",
                promotions_digest=str(data.get("promotions_digest") or ""),
                recorded_digest=str(data.get("digest") or ""),
                warnings=tuple(_note(w) for w in data.get("warnings") or ()))


def _note(data: Any) -> Note:
    if not isinstance(data, Mapping):
        return Note(str(data))
    line = data.get("line")
    return Note(str(data.get("message") or ""), data.get("file") or None,
                line if isinstance(line, int) else None)


# A drift item's state, as the import that would repair it.
DRIFT_ACTIONS: dict[str, Action] = {"only_in_folder": "create", "changed": "update",
                                    "only_on_target": "archive", "in_sync": "unchanged"}


def drift_from_json(data: Mapping[str, Any]) -> tuple[Plan, int]:
    """Drift as (the plan that would repair it, number of entities in sync).

    Reads the drift report (``{"drifted", "summary", "items": [{..., "state",
    "fields": [{"path", "folder", "target"}]}]}``; field ``before`` is the folder's
    value, ``after`` the target's); a plan-shaped file is read as a plan.
    """
    if "items" not in data:
        plan = plan_from_json(data)
        return Plan(tuple(c for c in plan.changes if c.action != "unchanged")), \
            plan.count("unchanged")
    changes = []
    for item in data.get("items") or ():
        fields = tuple(_field_change(f, f.get("folder", f.get("before")),
                                     f.get("target", f.get("after")))
                       for f in item.get("fields") or ())
        changes.append(change_from_json({**item, "fields": [],
                                         "action": DRIFT_ACTIONS.get(item.get("state", ""),
                                                                     "update")}))
        changes[-1] = replace(changes[-1], fields=fields)
    summary = data.get("summary") or {}
    return Plan(tuple(c for c in changes if c.action != "unchanged")), \
        int(summary.get("in_sync", 0))


def import_report_from_json(data: Mapping[str, Any]) -> ImportReport:
    """An ImportReport from ``{"plan_digest", "summary", "results": [...]}``."""
    rows = data.get("results") or data.get("changes") or ()
    outcomes = tuple(
        Outcome(change_from_json(r), cast(ApplyResult, r.get("result", "ok")), r.get("id"),
                r.get("message"))
        for r in rows)
    digest = str(data.get("plan_digest") or data.get("digest") or "")
    return ImportReport(digest or Plan(tuple(o.change for o in outcomes)).digest, outcomes)


def promote_report_from_json(data: Mapping[str, Any]) -> PromoteReport:
    """A PromoteReport from the platform-shaped promote report."""
    results = tuple(
        PromoteEntity(
            entity_type=str(r.get("entity_type", "")),
            source_entity_id=int(r.get("source_entity_id") or 0),
            source_name=str(r.get("source_name") or ""),
            result=cast(PromoteEntityResult, r.get("result", "skipped")),
            destination_entity_id=r.get("destination_entity_id"),
            message=r.get("message"),
        ) for r in data.get("results") or ())
    return PromoteReport(
        operation_id=int(data.get("operation_id") or 0),
        type=str(data.get("type", "")),
        result=cast(PromoteOutcome, data.get("result", "running")),
        status={str(k): int(v) for k, v in (data.get("status") or {}).items()
                if isinstance(v, int)},
        results=results,
        source=str(data.get("source") or ""),
        destination=str(data.get("destination") or ""),
    )


def promote_preview_from_json(data: Mapping[str, Any]) -> PromotePreview:
    """A PromotePreview from the JSON ``promote --dry-run --report`` writes."""
    entities = tuple(
        PreviewEntity(
            source_entity_id=int(e.get("source_entity_id") or 0),
            source_name=str(e.get("source_name") or ""),
            action=cast(PreviewAction, e.get("action", "skip")),
            reason=e.get("detail"),
            destination_entity_id=e.get("destination_entity_id"),
            fields=_field_changes(e.get("fields")),
        ) for e in data.get("entities") or ())
    return PromotePreview(
        type=str(data.get("type", "")),
        source=str(data.get("source") or ""),
        destination=str(data.get("destination") or ""),
        request=dict(data.get("request") or {}),
        entities=entities,
        certain=tuple(str(t) for t in data.get("certain") or ()),
        estimates=tuple(str(t) for t in data.get("estimated") or ()),
        refused=str(data["refused"]) if data.get("refused") else None,
    )
