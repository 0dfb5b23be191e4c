"""Promote reports and previews as markdown, for the Action's job summary and PR comment.

The title's icon follows the outcome a reviewer cares about: an operation
whose result field says ``success`` while an entity failed is shown as failed
(❌), not as a success. Failed entities come first, their messages keep their
line structure.
"""

from __future__ import annotations

import json

from qualytics_ci.render import diffs
from qualytics_ci.render.cells import code, lines, text
from qualytics_ci.render.document import Context, header
from qualytics_ci.render.fit import Doc, Entry, render
from qualytics_ci.results.promote import (
    PreviewEntity,
    PromoteEntity,
    PromotePreview,
    PromoteReport,
)

MAX_ROWS = 250
# result -> (icon, words); an unknown result still reads as itself
RESULTS = {"failed": ("❌", "failed"), "created": ("🆕", "created"),
           "updated": ("✏️", "updated"), "skipped": ("⏭️", "skipped")}
PREVIEW_ACTIONS = {"fail": ("❌", "fail"), "refused": ("⛔", "refused"),
                   "excluded": ("🚫", "excluded"), "create": ("🆕", "create"),
                   "update": ("✏️", "update"), "skip": ("⏭️", "skip")}
OUTCOME = {"success": "✅", "failure": "❌", "aborted": "⚠️", "running": "⏳"}

REPORT_TABLE_HEAD = ("| result | source | source id | destination id | message |\n"
                     "|---|---|---:|---:|---|\n")
PREVIEW_TABLE_HEAD = ("| action | source | source id | destination id | detail |\n"
                      "|---|---|---:|---:|---|\n")


def label(table: dict[str, tuple[str, str]], key: str) -> str:
    icon, word = table.get(key, ("", key))
    return f"{icon}&nbsp;{text(word)}" if icon else text(word)


def report_icon(report: PromoteReport) -> str:
    """❌ when the operation failed or any entity did (whatever the result field says)."""
    if report.count("failed"):
        return "❌"
    return OUTCOME.get(report.result, "⚠️")


def report_intro(report: PromoteReport) -> str:
    """The operation, its result field, and the status counts."""
    c = {r: report.count(r) for r in ("created", "updated", "skipped", "failed")}
    text_ = (f"Operation **#{report.operation_id}** (`{report.type}`) from "
             f"{code(report.source, table=False)} to {code(report.destination, table=False)} "
             f"finished with result `{report.result}`")
    if c["failed"] and report.result == "success":
        text_ += f", but **{c['failed']} of {report.total} entities failed** (listed first)"
    text_ += ".\n\n"
    if report.result == "aborted":
        text_ += ("The operation was aborted; entities processed before the abort keep "
                  "their result.\n\n")
    return text_


def report_row(e: PromoteEntity) -> str:
    """One entity's table row; a message keeps its lines."""
    dest = "" if e.destination_entity_id is None else str(e.destination_entity_id)
    return (f"| {label(RESULTS, e.result)} | {text(e.source_name)} | "
            f"{e.source_entity_id} | {dest} | {lines(e.message)} |\n")


def promote_sections(report: PromoteReport, ctx: Context) -> Doc:
    """A promote operation: outcome and counts, then every entity, failures first (so a
    cut keeps them)."""
    c = {r: report.count(r) for r in ("created", "updated", "skipped", "failed")}
    headline = (f"Promote: {c['created']} created, {c['updated']} updated, "
                f"{c['skipped']} skipped, {c['failed']} failed (of {report.total}).")
    head = header(ctx, "promote", headline, icon=report_icon(report))
    rows = [Entry(REPORT_TABLE_HEAD, report_row(e)) for e in report.failures_first()]
    return Doc(head, report_intro(report), rows)


def preview_intro(preview: PromotePreview) -> str:
    """Where from and to, and the counts of the expected outcome."""
    c = preview.summary
    refused = f"⛔ **{text(preview.refused)}**\n\n" if preview.refused else ""
    return (f"Preview of `{preview.type}` from {code(preview.source, table=False)} to "
            f"{code(preview.destination, table=False)}: it would **create {c['create']}**, "
            f"**update {c['update']}**, skip {c['skip']}; **{c['fail']}** expected to fail; "
            f"{c['excluded']} excluded. Nothing was changed.\n\n{refused}")


def preview_row(e: PreviewEntity) -> str:
    """One entity's table row; the detail is its differing fields, or the reason."""
    detail = lines(e.reason)
    if e.fields:
        detail = "<br>".join(f"{code(f.path)}: {text(diffs.value(f.before))} → "
                             f"{text(diffs.value(f.after))}" for f in e.fields)
    dest = "" if e.destination_entity_id is None else str(e.destination_entity_id)
    return (f"| {label(PREVIEW_ACTIONS, e.action)} | {text(e.source_name)} | "
            f"{e.source_entity_id} | {dest} | {detail} |\n")


def preview_notes(preview: PromotePreview) -> str:
    """The request that would be sent, and what is certain and what is estimated."""
    # A backtick can only be inside a JSON string, where \u0060 means the same: the
    # fence stays closed whatever the tags say.
    body = json.dumps(preview.request, indent=2, sort_keys=True).replace("`", "\\u0060")
    out = ["<details><summary>Request that would be sent</summary>", "",
           "```json", f"POST /api/operations/run {body}", "```", "", "</details>", "",
           "<details><summary>What is certain and what is estimated</summary>", ""]
    out += [f"- **certain:** {text(t)}" for t in preview.certain]
    out += [f"- **estimated:** {text(t)}" for t in preview.estimates]
    out += ["", "</details>"]
    return "\n".join(out) + "\n"


def promote_preview_sections(preview: PromotePreview, ctx: Context) -> Doc:
    """A promote dry run: counts, then every selected entity (expected failures and
    exclusions first, so a cut keeps them), then the request that would be sent."""
    expected_bad = preview.count("fail") + sum(
        1 for e in preview.entities if e.action not in PREVIEW_ACTIONS)
    head = header(ctx, "promote preview (dry run)", preview.headline(),
                  icon="⚠️" if expected_bad else "")
    rows = [Entry(PREVIEW_TABLE_HEAD, preview_row(e)) for e in preview.failures_first()]
    return Doc(head, preview_intro(preview), rows, tail=preview_notes(preview))


def _cut(doc: Doc, max_rows: int) -> str:
    text_ = render(doc, min(max_rows, len(doc.entries)))
    if len(doc.entries) > max_rows:
        text_ += (f"\n_… {len(doc.entries) - max_rows} more entities not shown; the JSON "
                  "report has all of them._\n")
    return text_


def render_promote_markdown(report: PromoteReport, *, max_rows: int = MAX_ROWS) -> str:
    """The report on its own (no Action context), at most ``max_rows`` rows."""
    return _cut(promote_sections(report, Context(folder="")), max_rows)


def render_promote_preview_markdown(preview: PromotePreview, *, max_rows: int = MAX_ROWS) -> str:
    """The preview on its own (no Action context), at most ``max_rows`` rows."""
    return _cut(promote_preview_sections(preview, Context(folder="")), max_rows)
