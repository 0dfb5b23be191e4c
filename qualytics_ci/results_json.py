"""Read Plan and reports back from the JSON the CLI writes (``--json`` / ``--report``).

The inverse of the ``to_json()`` methods in :mod:`qualytics_ci.results`. The
Action runs the CLI's commands, which write these files, and renders from the
objects read back, so the JSON schema is the one seam between them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from .errors import QualyticsCIError
from .results import (
    Action,
    ApplyResult,
    Change,
    FieldChange,
    ImportReport,
    Kind,
    Outcome,
    Plan,
    PromoteEntity,
    PromoteEntityResult,
    PromoteOutcome,
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


def change_from_json(d: Mapping[str, Any]) -> Change:
    return Change(
        kind=cast(Kind, d.get("kind", "check")),
        name=str(d.get("name") or d.get("uid") or ""),
        action=cast(Action, d.get("action", "unchanged")),
        datastore=d.get("datastore"),
        container=d.get("container"),
        uid=d.get("uid"),
        file=d.get("file"),
        fields=tuple(FieldChange(str(f.get("path", "")), f.get("before"), f.get("after"))
                     for f in d.get("fields") or ()),
    )


def plan_from_json(data: Mapping[str, Any]) -> Plan:
    """A Plan from ``{"digest", "summary", "changes": [...]}`` (drift uses the same shape)."""
    if "changes" not in data and isinstance(data.get("plan"), Mapping):
        data = data["plan"]
    return Plan(tuple(change_from_json(c) for c in data.get("changes") or ()))


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
