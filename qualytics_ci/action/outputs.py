"""What a run of the Action produced: counts for the outputs, objects for the markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualytics_ci.action.github import marker
from qualytics_ci.action.inputs import Inputs, declares_promotions
from qualytics_ci.errors import EXIT_CHANGES, EXIT_OK, EXIT_PARTIAL
from qualytics_ci.render import markdown as md
from qualytics_ci.render import promotions_markdown as pmd
from qualytics_ci.render.fit import Doc
from qualytics_ci.results import from_json
from qualytics_ci.results.config import Action, ImportReport, Plan
from qualytics_ci.results.promote import PromotePreview, PromoteReport
from qualytics_ci.results.promotions import (
    PromotionsPreview,
    PromotionsReport,
    promotions_preview_from_json,
    promotions_report_from_json,
)

OUTPUT_NAMES = ("created", "updated", "archived", "unchanged", "failed", "has-changes", "drift",
                "plan-digest", "operation-id", "report", "summary")


@dataclass
class Result:
    """The command's exit code and what its JSON report said."""

    command: str
    code: int
    headline: str
    plan: Plan | None = None
    imported: ImportReport | None = None
    promoted: PromoteReport | None = None
    report: Path | None = None
    drift: bool = False
    preview: PromotePreview | None = None
    in_sync: int | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    promotions: PromotionsPreview | None = None  # promotions.yaml previewed (plan, dry run)
    promotions_run: PromotionsReport | None = None  # promotions.yaml run


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _base_outputs() -> dict[str, str]:
    out = {name: "0" for name in ("created", "updated", "archived", "unchanged", "failed")}
    out.update({"has-changes": "false", "drift": "false", "plan-digest": "",
                "operation-id": "", "report": ""})
    return out


def result_from_report(inputs: Inputs, code: int, report: Path) -> Result:
    """Read the report the command wrote and derive the outputs from it."""
    command = inputs.command
    out = _base_outputs()
    if command in ("validate", "export"):
        verb = "validated" if command == "validate" else "exported to"
        return Result(command, code, f"qualytics-ci: {verb} {inputs.input}", outputs=out)
    if command == "promote" and code not in (EXIT_OK, EXIT_PARTIAL) and not report.exists():
        return Result(command, code, f"qualytics-ci promote exited {code}", outputs=out)
    data = from_json.read(report)
    if declares_promotions(inputs):
        return _declared_result(inputs, code, report, data, out)
    if command == "promote" and inputs.dry_run:
        preview = from_json.promote_preview_from_json(data)
        c = preview.summary
        out.update({"created": str(c["create"]), "updated": str(c["update"]),
                    "unchanged": str(c["skip"]), "failed": str(c["fail"]),
                    "has-changes": _flag(c["create"] + c["update"] > 0)})
        return Result(command, code, preview.headline(), preview=preview, report=report,
                      outputs=out)
    if command == "import":
        imported = from_json.import_report_from_json(data)
        done: dict[str, Action] = {"created": "create", "updated": "update",
                                   "archived": "archive", "unchanged": "unchanged"}
        for name, action in done.items():
            out[name] = str(imported.done(action))
        out["failed"] = str(imported.failed)
        out["has-changes"] = _flag(any(o.change.action != "unchanged"
                                       for o in imported.outcomes))
        out["plan-digest"] = imported.plan_digest
        headline = imported.headline()
        return Result(command, code, headline, imported=imported, report=report, outputs=out)
    if command == "promote":
        promoted = from_json.promote_report_from_json(data)
        for name in ("created", "updated", "failed"):
            out[name] = str(promoted.status.get(name, 0))
        out["has-changes"] = _flag(promoted.status.get("created", 0)
                                   + promoted.status.get("updated", 0) > 0)
        out["operation-id"] = str(promoted.operation_id) if promoted.operation_id else ""
        return Result(command, code, promoted.headline(),
                      promoted=promoted, report=report, outputs=out)
    in_sync: int | None = None
    if command == "drift":
        plan, in_sync = from_json.drift_from_json(data)
    else:
        plan = from_json.plan_from_json(data)
    s = plan.summary
    out.update({"created": str(s["create"]), "updated": str(s["update"]),
                "archived": str(s["archive"]),
                "unchanged": str(s["unchanged"] + (in_sync or 0)),
                "has-changes": _flag(plan.has_changes),
                "plan-digest": plan.digest if command == "plan" else ""})
    drift = command == "drift" and plan.has_changes
    out["drift"] = _flag(drift)
    if code == EXIT_CHANGES:
        code = EXIT_OK if command == "plan" else code
    headline = plan.headline() if command == "plan" else (
        "Drift detected." if drift else "No drift.")
    adopted = data.get("adopted") if command == "drift" else None
    if isinstance(adopted, dict) and (adopted.get("written") or adopted.get("removed")):
        headline += (f" Adopted into the folder: {len(adopted.get('written') or [])} file(s) "
                     f"written, {len(adopted.get('removed') or [])} removed.")
    previews = promotions_preview_from_json(data.get("promotions"))
    if previews.items:
        headline += " " + previews.headline()
    return Result(command, code, headline, plan=plan, report=report, drift=drift,
                  in_sync=in_sync, outputs=out, promotions=previews)


def _declared_result(inputs: Inputs, code: int, report: Path, data: dict[str, Any],
                     out: dict[str, str]) -> Result:
    """``promote`` of the promotions in promotions.yaml: previewed or run."""
    if inputs.dry_run:
        previews = promotions_preview_from_json(data.get("promotions"))
        c = {a: previews.count(a) for a in ("create", "update", "skip", "fail")}
        out.update({"created": str(c["create"]), "updated": str(c["update"]),
                    "unchanged": str(c["skip"]), "failed": str(c["fail"]),
                    "has-changes": _flag(c["create"] + c["update"] > 0)})
        return Result("promote", code, previews.headline(), report=report, outputs=out,
                      promotions=previews)
    ran = promotions_report_from_json(data)
    out.update({"created": str(ran.count("created")), "updated": str(ran.count("updated")),
                "unchanged": str(ran.count("skipped")), "failed": str(ran.count("failed")),
                "has-changes": _flag(ran.count("created") + ran.count("updated") > 0),
                "operation-id": ",".join(str(i) for i in ran.operation_ids)})
    return Result("promote", code, ran.headline(), report=report, outputs=out,
                  promotions_run=ran)


def sections(result: Result, ctx: md.Context) -> Doc:
    """The markdown document for ``result`` (a plan's with its declared promotions)."""
    if result.promotions_run is not None:
        return pmd.promotions_report_doc(result.promotions_run, ctx)
    if result.promotions is not None and result.plan is None:
        return pmd.promotions_preview_doc(result.promotions, ctx)
    if result.imported is not None:
        return md.import_sections(result.imported, ctx)
    if result.preview is not None:
        return md.promote_preview_sections(result.preview, ctx)
    if result.promoted is not None:
        return md.promote_sections(result.promoted, ctx)
    if result.plan is not None:
        if result.command == "drift":
            return md.drift_sections(result.plan, ctx, result.in_sync)
        return pmd.with_promotions(md.plan_sections(result.plan, ctx), result.promotions)
    return Doc(md.header(ctx, result.command, result.headline, icon="✅"))


def render(result: Result, ctx: md.Context, comment_key: str) -> tuple[str, str]:
    """The step summary and the PR comment (with its hidden marker)."""
    doc = sections(result, ctx)
    return (md.summary(doc, ctx).text,
            md.comment(doc, ctx, marker=marker(comment_key)).text)
