"""Promote reports as markdown, for the Action's job summary and PR comment."""

from __future__ import annotations

import json

from ..results import PreviewAction, PromotePreview, PromoteReport

MAX_ROWS = 250
ICON = {"failed": "❌", "created": "🆕", "updated": "✏️", "skipped": "⏭️"}
ACTION_ICON = {"fail": "❌", "create": "🆕", "update": "✏️", "skip": "⏭️", "excluded": "🚫"}
ACTION_ORDER: dict[PreviewAction, int] = {"fail": 0, "create": 1, "update": 2, "skip": 3,
                                          "excluded": 4}
OUTCOME = {"success": "✅ success", "failure": "❌ failure", "aborted": "⚠️ aborted",
           "running": "⏳ still running"}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ") if text is not None else ""


def render_promote_markdown(report: PromoteReport, *, max_rows: int = MAX_ROWS) -> str:
    """Headline with status counts, then every entity, failures first, in a table.

    Tables longer than ``max_rows`` are cut with a note; failures come first, so
    they are never the part that is cut."""
    counts = {r: report.count(r) for r in ("created", "updated", "skipped", "failed")}
    lines = [
        f"### Promote {OUTCOME.get(report.result, report.result)}: "
        f"`{report.source}` → `{report.destination}`",
        "",
        f"Operation **#{report.operation_id}** (`{report.type}`): "
        f"**{counts['created']}** created, **{counts['updated']}** updated, "
        f"**{counts['skipped']}** skipped, **{counts['failed']}** failed "
        f"(of {report.total}).",
    ]
    if report.result == "aborted":
        lines += ["", "The operation was aborted; entities processed before the abort keep "
                      "their result."]
    entities = report.failures_first()
    if entities:
        lines += ["", "| result | source | source id | destination id | message |",
                  "|---|---|---|---|---|"]
        for e in entities[:max_rows]:
            dest = "" if e.destination_entity_id is None else str(e.destination_entity_id)
            lines.append(f"| {ICON.get(e.result, '')} {e.result} | {_cell(e.source_name)} | "
                         f"{e.source_entity_id} | {dest} | {_cell(e.message)} |")
        if len(entities) > max_rows:
            lines += ["", f"_… {len(entities) - max_rows} more entities not shown; the JSON "
                          "report has all of them._"]
    return "\n".join(lines) + "\n"


def render_promote_preview_markdown(preview: PromotePreview, *, max_rows: int = MAX_ROWS) -> str:
    """A dry run for a pull request: counts, expected outcome per entity (failures
    first), and which parts are certain and which are estimated."""
    c = {a: preview.count(a) for a in ACTION_ORDER}
    lines = [
        f"### Promote preview: `{preview.source}` → `{preview.destination}`",
        "",
        f"`{preview.type}` would **create {c['create']}**, **update {c['update']}**, "
        f"skip {c['skip']}; **{c['fail']}** expected to fail; {c['excluded']} excluded. "
        "Nothing was changed.",
    ]
    entities = sorted(preview.entities,
                      key=lambda e: (ACTION_ORDER[e.action], e.source_entity_id))
    if entities:
        lines += ["", "| action | source | source id | destination id | detail |",
                  "|---|---|---|---|---|"]
        for e in entities[:max_rows]:
            detail = e.reason or ""
            if e.fields:
                detail = "; ".join(f"`{f.path}`: {json.dumps(f.before, default=str)} → "
                                   f"{json.dumps(f.after, default=str)}" for f in e.fields)
            dest = "" if e.destination_entity_id is None else str(e.destination_entity_id)
            lines.append(f"| {ACTION_ICON[e.action]} {e.action} | {_cell(e.source_name)} | "
                         f"{e.source_entity_id} | {dest} | {_cell(detail)} |")
        if len(entities) > max_rows:
            lines += ["", f"_… {len(entities) - max_rows} more entities not shown._"]
    lines += ["", "<details><summary>What is certain and what is estimated</summary>", ""]
    lines += [f"- **certain:** {_cell(text)}" for text in preview.certain]
    lines += [f"- **estimated:** {_cell(text)}" for text in preview.estimates]
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
