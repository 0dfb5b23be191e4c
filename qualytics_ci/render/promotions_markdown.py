"""Declared promotions as markdown: the "Promotions" part of the plan's comment and
summary, a dry run of them, and the report of running them (the deploy's summary, the
merged pull request's comment).

Each is built for a :class:`~qualytics_ci.render.fit.Doc`: the counts per promotion
and the promotions that could not be previewed or run go in the lead (a cut never hides
them), each promotion's entities are entries under its own heading (expected failures,
or failures, first), and the requests that would be sent go in the tail.
"""

from __future__ import annotations

import json

from qualytics_ci.render import promote_markdown as pm
from qualytics_ci.render.cells import code, fence, html_code, text
from qualytics_ci.render.document import Context, header
from qualytics_ci.render.fit import Doc, Entry
from qualytics_ci.results.promotions import (
    PromotionError,
    PromotionRef,
    PromotionsPreview,
    PromotionsReport,
)

SOURCE_NOTE = ("The preview reads the source as it is now: what the import of this pull "
               "request changes there is not in it. Create, update and skip are estimates; "
               "the platform decides when the promotion runs on merge.")
PREVIEW_HEAD = ("| promotion | type | from → to | create | update | skip | fail | excluded |\n"
                "|---|---|---|---:|---:|---:|---:|---:|\n")
REPORT_HEAD = ("| promotion | type | from → to | result | operation | created | updated | "
               "skipped | failed |\n|---|---|---|---|---|---:|---:|---:|---:|\n")


def _cells(ref: PromotionRef) -> str:
    """The first three cells of a promotion's count row."""
    return f"| {code(ref.name)} | {text(ref.type)} | {code(ref.source)} → {code(ref.destination)} |"


def _title(ref: PromotionRef, level: str) -> str:
    return (f"{level} {code(ref.name, table=False)} ({text(ref.type)}): "
            f"{code(ref.source, table=False)} → {code(ref.destination, table=False)}\n\n")


def _error(ref: PromotionRef, error: PromotionError, what: str) -> str:
    hint = f" (hint: {text(error.hint)})" if error.hint else ""
    return f"- {code(ref.name, table=False)}: ❌ {what}{text(error.message)}{hint}\n"


def _brief(label: str, name: str, promotion: str) -> str:
    return f"- {label} {code(name, table=False)} (promotion {code(promotion, table=False)})\n"


def preview_lead(previews: PromotionsPreview, *, heading: bool = True) -> str:
    """The counts of each declared promotion's preview, and why any could not be made."""
    rows, notes = [], []
    for item in previews.items:
        ref = item.promotion
        if item.preview is None:
            rows.append(f"{_cells(ref)} ❌ cannot be previewed | | | | |\n")
            if item.error is not None:
                notes.append(_error(ref, item.error, "**cannot be previewed:** "))
            continue
        c = item.preview.summary
        rows.append(f"{_cells(ref)} {c['create']} | {c['update']} | {c['skip']} | "
                    f"{c['fail']} | {c['excluded']} |\n")
        if item.preview.refused:
            notes.append(f"- {code(ref.name, table=False)}: ⛔ "
                         f"**{text(item.preview.refused)}**\n")
        elif not item.preview.entities:
            notes.append(f"- {code(ref.name, table=False)}: nothing selected on the source.\n")
    out = (f"#### Promotions ({len(previews.items)} declared in `promotions.yaml`)\n\n"
           f"**{text(previews.headline())}** They run when this pull request is merged.\n\n"
           if heading else "")
    out += PREVIEW_HEAD + "".join(rows) + "\n"
    return out + ("".join(notes) + "\n" if notes else "")


def preview_entries(previews: PromotionsPreview, *, level: str = "####",
                    heading: str = "") -> list[Entry]:
    """Each promotion's entities as table rows under its heading, expected failures first
    (``heading`` goes once, before the first promotion that has entities)."""
    out: list[Entry] = []
    for item in previews.items:
        if item.preview is None or not item.preview.entities:
            continue
        group = ("" if out else heading) + _title(item.promotion, level) + pm.PREVIEW_TABLE_HEAD
        for e in item.preview.failures_first():
            label = pm.label(pm.PREVIEW_ACTIONS, e.action)
            out.append(Entry(group, pm.preview_row(e),
                             _brief(label, e.source_name, item.promotion.name)))
    return out


def preview_tail(previews: PromotionsPreview) -> str:
    """Each request that would be sent, what is certain and what is estimated, and that
    the source is read as it is now."""
    parts: list[str] = []
    certain: dict[str, None] = {}
    estimates: dict[str, None] = {}  # each sentence once, in order
    for item in previews.items:
        if item.preview is None:
            continue
        # A backtick can only be inside a JSON string, where \u0060 means the same.
        body = json.dumps(item.preview.request, indent=2, sort_keys=True)
        parts.append(f"<details><summary>{html_code(item.promotion.name)}: the request that "
                     "would be sent</summary>\n\n"
                     + fence(f"POST /api/operations/run {body}".replace("`", "\\u0060"), "json")
                     + "\n</details>\n\n")
        certain.update(dict.fromkeys(item.preview.certain))
        estimates.update(dict.fromkeys(item.preview.estimates))
    if certain or estimates:
        lines = [f"- **certain:** {text(t)}\n" for t in certain]
        lines += [f"- **estimated:** {text(t)}\n" for t in estimates]
        parts.append("<details><summary>What is certain and what is estimated</summary>\n\n"
                     + "".join(lines) + "\n</details>\n\n")
    if previews.items:
        parts.append(f"_{text(SOURCE_NOTE)}_\n\n")
    return "".join(parts)


def with_promotions(doc: Doc, previews: PromotionsPreview | None) -> Doc:
    """The plan's document with its "Promotions" part: the counts after the plan's, each
    promotion's entities after the plan's entities, the requests at the end."""
    if previews is None or not previews.items:
        return doc
    return Doc(doc.head, doc.lead + preview_lead(previews),
               [*doc.entries, *preview_entries(
                   previews, level="#####",
                   heading="#### Promotions, entity by entity (a preview)\n\n")],
               doc.tail + preview_tail(previews), doc.brief_heading)


def promotions_preview_doc(previews: PromotionsPreview, ctx: Context) -> Doc:
    """``promote --input DIR --dry-run``: every declared promotion previewed."""
    bad = previews.count("fail") + previews.errors
    head = header(ctx, "promote preview (dry run)", previews.headline(),
                  icon="⚠️" if bad else "")
    lead = ("Nothing was changed: this previews every promotion `promotions.yaml` "
            "declares.\n\n" + preview_lead(previews, heading=False))
    return Doc(head, lead, preview_entries(previews), preview_tail(previews))


def report_icon(report: PromotionsReport) -> str:
    """❌ when a promotion did not run or finish or any entity failed."""
    if report.errors or report.count("failed"):
        return "❌"
    outcomes = {item.report.result for item in report.items if item.report is not None}
    return "✅" if outcomes <= {"success"} else "⚠️"


def promotions_report_doc(report: PromotionsReport, ctx: Context) -> Doc:
    """``promote --input DIR``: a count row per promotion, then each one's per-entity
    results, failures first, each with the platform's message."""
    rows, notes = [], []
    entries: list[Entry] = []
    for item in report.items:
        ref = item.promotion
        if item.error is not None:
            notes.append(_error(ref, item.error, ""))
        if item.report is None:
            rows.append(f"{_cells(ref)} ❌ not run | | | | | |\n")
            continue
        r = item.report
        rows.append(f"{_cells(ref)} {pm.report_icon(r)}&nbsp;{text(r.result)} | "
                    f"#{r.operation_id} | {r.count('created')} | {r.count('updated')} | "
                    f"{r.count('skipped')} | {r.count('failed')} |\n")
        if not r.results:
            notes.append(f"- {code(ref.name, table=False)}: nothing to promote.\n")
        group = _title(ref, "####") + pm.REPORT_TABLE_HEAD
        entries += [Entry(group, pm.report_row(e),
                          _brief(pm.label(pm.RESULTS, e.result), e.source_name, ref.name))
                    for e in r.failures_first()]
    lead = REPORT_HEAD + "".join(rows) + "\n" + ("".join(notes) + "\n" if notes else "")
    return Doc(header(ctx, "promote", report.headline(), icon=report_icon(report)), lead,
               entries)
