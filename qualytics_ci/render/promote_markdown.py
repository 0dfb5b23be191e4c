"""Promote reports as markdown, for the Action's job summary and PR comment."""

from __future__ import annotations

import json

from qualytics_ci.render.cells import cell
from qualytics_ci.results.promote import (
    PreviewEntity,
    PromoteEntity,
    PromotePreview,
    PromoteReport,
)

MAX_ROWS = 250
ICON = {"failed": "❌", "created": "🆕", "updated": "✏️", "skipped": "⏭️"}
ACTION_ICON = {"fail": "❌", "create": "🆕", "update": "✏️", "skip": "⏭️", "excluded": "🚫"}
OUTCOME = {"success": "✅ success", "failure": "❌ failure", "aborted": "⚠️ aborted",
           "running": "⏳ still running"}


REPORT_TABLE_HEAD = ("| result | source | source id | destination id | message |\n"
                     "|---|---|---|---|---|\n")


def report_intro(report: PromoteReport) -> str:
    """The outcome, where from and to, and the status counts."""
    counts = {r: report.count(r) for r in ("created", "updated", "skipped", "failed")}
    text = (f"### Promote {OUTCOME.get(report.result, report.result)}: "
            f"`{report.source}` → `{report.destination}`\n\n"
            f"Operation **#{report.operation_id}** (`{report.type}`): "
            f"**{counts['created']}** created, **{counts['updated']}** updated, "
            f"**{counts['skipped']}** skipped, **{counts['failed']}** failed "
            f"(of {report.total}).\n")
    if report.result == "aborted":
        text += ("\nThe operation was aborted; entities processed before the abort keep "
                 "their result.\n")
    return text


def report_row(e: PromoteEntity) -> str:
    """One entity's table row."""
    dest = "" if e.destination_entity_id is None else str(e.destination_entity_id)
    return (f"| {ICON.get(e.result, '')} {e.result} | {cell(e.source_name)} | "
            f"{e.source_entity_id} | {dest} | {cell(e.message)} |\n")


def render_promote_markdown(report: PromoteReport, *, max_rows: int = MAX_ROWS) -> str:
    """Headline with status counts, then every entity, failures first, in a table.

    Tables longer than ``max_rows`` are cut with a note; failures come first, so
    they are never the part that is cut."""
    text = report_intro(report)
    entities = report.failures_first()
    if entities:
        text += "\n" + REPORT_TABLE_HEAD + "".join(report_row(e) for e in entities[:max_rows])
        if len(entities) > max_rows:
            text += (f"\n_… {len(entities) - max_rows} more entities not shown; the JSON "
                     "report has all of them._\n")
    return text


PREVIEW_TABLE_HEAD = ("| action | source | source id | destination id | detail |\n"
                      "|---|---|---|---|---|\n")


def preview_intro(preview: PromotePreview) -> str:
    """Where from and to, and the counts of the expected outcome."""
    c = preview.summary
    refused = f"\n⛔ **{cell(preview.refused)}**\n" if preview.refused else ""
    return (f"### Promote preview: `{preview.source}` → `{preview.destination}`\n\n"
            f"`{preview.type}` would **create {c['create']}**, **update {c['update']}**, "
            f"skip {c['skip']}; **{c['fail']}** expected to fail; {c['excluded']} excluded. "
            f"Nothing was changed.\n{refused}")


def preview_row(e: PreviewEntity) -> str:
    """One entity's table row; the detail is its differing fields, or the reason."""
    detail = e.reason or ""
    if e.fields:
        detail = "; ".join(f"`{f.path}`: {json.dumps(f.before, default=str)} → "
                           f"{json.dumps(f.after, default=str)}" for f in e.fields)
    dest = "" if e.destination_entity_id is None else str(e.destination_entity_id)
    return (f"| {ACTION_ICON[e.action]} {e.action} | {cell(e.source_name)} | "
            f"{e.source_entity_id} | {dest} | {cell(detail)} |\n")


def preview_notes(preview: PromotePreview) -> str:
    """The request that would be sent, and what is certain and what is estimated."""
    # A backtick can only be inside a JSON string, where \u0060 means the same: the
    # fence stays closed whatever the tags say.
    body = json.dumps(preview.request, indent=2, sort_keys=True).replace("`", "\\u0060")
    lines = ["<details><summary>Request that would be sent</summary>", "",
             "```json", f"POST /api/operations/run {body}", "```", "", "</details>", "",
             "<details><summary>What is certain and what is estimated</summary>", ""]
    lines += [f"- **certain:** {cell(text)}" for text in preview.certain]
    lines += [f"- **estimated:** {cell(text)}" for text in preview.estimates]
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def render_promote_preview_markdown(preview: PromotePreview, *, max_rows: int = MAX_ROWS) -> str:
    """A dry run for a pull request: counts, expected outcome per entity (expected
    failures and exclusions first), and which parts are certain and which are estimated."""
    text = preview_intro(preview)
    entities = preview.failures_first()
    if entities:
        text += "\n" + PREVIEW_TABLE_HEAD + "".join(preview_row(e) for e in entities[:max_rows])
        if len(entities) > max_rows:
            text += f"\n_… {len(entities) - max_rows} more entities not shown._\n"
    return text + "\n" + preview_notes(preview)
