"""Declared promotions as markdown: the "Promotions" section of the plan's comment and
summary, and the report of running them (the deploy's summary, the merged PR's comment).

Both are lists of :class:`~qualytics_ci.render.fit.Section`: a short essential head
(the counts per promotion, so a cut never hides them), then one table per
promotion with its expected failures (or failures) first.
"""

from __future__ import annotations

from qualytics_ci.render import promote_markdown as pm
from qualytics_ci.render.cells import cell, code
from qualytics_ci.render.fit import Section
from qualytics_ci.results.promotions import (
    PromotionRef,
    PromotionsPreview,
    PromotionsReport,
)

SOURCE_NOTE = ("The preview reads the source as it is now: what the import of this pull "
               "request changes there is not in it. Create, update and skip are estimates; "
               "the platform decides when the promotion runs on merge.")


def _where(ref: PromotionRef) -> str:
    return f"{code(ref.name)} ({ref.type}): {code(ref.source)} → {code(ref.destination)}"


def promotions_preview_sections(previews: PromotionsPreview) -> list[Section]:
    """The plan's "Promotions" section: one count row per declared promotion, then each
    one's expected outcome per entity; nothing when none are declared."""
    if not previews.items:
        return []
    rows = []
    for item in previews.items:
        ref = item.promotion
        if item.preview is None:
            rows.append(f"| {code(ref.name)} | {ref.type} | {code(ref.source)} → "
                        f"{code(ref.destination)} | ❌ cannot be previewed | | | | |\n")
            continue
        c = item.preview.summary
        rows.append(f"| {code(ref.name)} | {ref.type} | {code(ref.source)} → "
                    f"{code(ref.destination)} | {c['create']} | {c['update']} | {c['skip']} | "
                    f"{c['fail']} | {c['excluded']} |\n")
    head = (f"\n#### Promotions ({len(previews.items)} declared in `promotions.yaml`)\n\n"
            f"**{cell(previews.headline())}** They run when this pull request is merged.\n\n"
            "| promotion | type | from → to | create | update | skip | fail | excluded |\n"
            "|---|---|---|---:|---:|---:|---:|---:|\n" + "".join(rows) + "\n")
    sections = [Section(head, essential=True)]
    for item in previews.items:
        title = f"##### {_where(item.promotion)}\n\n"
        if item.error is not None:
            text = f"❌ **Cannot be previewed:** {cell(item.error.message)}"
            if item.error.hint:
                text += f" (hint: {cell(item.error.hint)})"
            sections.append(Section(title + text + "\n\n", essential=True))
            continue
        assert item.preview is not None
        entities = item.preview.failures_first()
        if not entities:
            sections.append(Section(title + "Nothing selected on the source.\n\n"))
            continue
        sections.append(Section(title + pm.PREVIEW_TABLE_HEAD,
                                [pm.preview_row(e) for e in entities], footer="\n",
                                what="entities"))
        sections.append(Section(pm.preview_notes(item.preview) + "\n"))
    sections.append(Section(f"_{SOURCE_NOTE}_\n\n"))
    return sections


def promotions_report_sections(report: PromotionsReport, title: str = "qualytics-ci",
                               run_url: str | None = None) -> list[Section]:
    """Running every declared promotion: a count row per promotion, then each one's
    per-entity results, failures first, each with the platform's message."""
    rows = []
    for item in report.items:
        ref = item.promotion
        if item.report is None:
            rows.append(f"| {code(ref.name)} | {ref.type} | {code(ref.source)} → "
                        f"{code(ref.destination)} | ❌ not run | | | | | |\n")
            continue
        r = item.report
        rows.append(f"| {code(ref.name)} | {ref.type} | {code(ref.source)} → "
                    f"{code(ref.destination)} | {pm.OUTCOME.get(r.result, r.result)} | "
                    f"#{r.operation_id} | {r.count('created')} | {r.count('updated')} | "
                    f"{r.count('skipped')} | {r.count('failed')} |\n")
    head = (f"### {cell(title)}: promotions\n\n**{cell(report.headline())}**\n\n"
            + (f"[workflow run]({run_url})\n\n" if run_url else "")
            + "| promotion | type | from → to | result | operation | created | updated | "
            "skipped | failed |\n|---|---|---|---|---|---:|---:|---:|---:|\n"
            + "".join(rows) + "\n")
    sections = [Section(head, essential=True)]
    for item in report.items:
        title_line = f"#### {_where(item.promotion)}\n\n"
        if item.error is not None:
            text = f"❌ {cell(item.error.message)}"
            if item.error.hint:
                text += f" (hint: {cell(item.error.hint)})"
            sections.append(Section(title_line + text + "\n\n", essential=True))
            continue
        assert item.report is not None
        entities = item.report.failures_first()
        if not entities:
            sections.append(Section(title_line + "Nothing to promote.\n\n"))
            continue
        sections.append(Section(title_line + pm.REPORT_TABLE_HEAD,
                                [pm.report_row(e) for e in entities], footer="\n",
                                what="entities"))
    return sections
