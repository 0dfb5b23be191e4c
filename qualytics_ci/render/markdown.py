"""Markdown for the job summary and the PR comment, from Plan and report objects.

Each ``*_sections`` function builds the document as :class:`~.fit.Section`
objects (counts first, failures before successes, one table per kind, field
diffs in collapsible ``<details>``); :func:`summary` and :func:`comment` fit it
into the step summary's 1 MiB and the comment's ~60,000 characters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from qualytics_ci import secrets
from qualytics_ci.render import promote_markdown as pm
from qualytics_ci.render.cells import cell as cell  # re-exported: callers write md.cell / md.code
from qualytics_ci.render.cells import code as code
from qualytics_ci.render.cells import longest_backtick_run
from qualytics_ci.render.fit import Fitted, Section, chars, fit, utf8_bytes
from qualytics_ci.results.config import KIND_ORDER, Change, ImportReport, Outcome, Plan
from qualytics_ci.results.promote import PromotePreview, PromoteReport

COMMENT_LIMIT = 65_536
COMMENT_BUDGET = 60_000
SUMMARY_BUDGET = 1_000_000

KIND_TITLES = {"connection": "Connections", "datastore": "Datastores",
               "container": "Containers", "computed_field": "Computed fields",
               "check": "Checks"}
PLAN_SIGNS = {"create": "+ create", "update": "~ update", "archive": "- archive",
              "unchanged": "unchanged"}
DRIFT_WORDS = {"create": "missing on target", "update": "changed on target",
               "archive": "only on target", "unchanged": "unchanged"}
ACTIONS = ("create", "update", "archive", "unchanged")


@dataclass(frozen=True)
class Context:
    """Where the result came from, for headings and links."""

    title: str = "qualytics-ci"
    folder: str = ""
    run_url: str | None = None


def _value(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)


def entity_path(change: Change) -> str:
    return "/".join(p for p in (change.datastore, change.container, change.name) if p)


def diff_block(change: Change, label: str) -> str:
    """One entity's field changes as a collapsible ``diff`` block."""
    lines: list[str] = []
    for f in change.fields:
        lines.append(f"  {f.path}")
        if change.action != "create":
            lines.append(f"- {_value(f.before)}")
        if change.action != "archive":
            lines.append(f"+ {_value(f.after)}")
    body = "\n".join(lines)
    fence = "`" * max(3, longest_backtick_run(body) + 1)
    count = len(change.fields)
    noun = "field" if count == 1 else "fields"
    return (f"<details><summary>{cell(label)} {change.kind} <code>{cell(entity_path(change))}"
            f"</code> ({count} {noun})</summary>\n\n{fence}diff\n{body}\n{fence}\n\n</details>\n")


Label = Callable[[Change], str]


# Archives first: the destructive rows must survive when a long table is cut.
ROW_ORDER = {"archive": 0, "update": 1, "create": 2, "unchanged": 3}


def _in_order(changes: Sequence[Change]) -> list[Change]:
    kinds = {k: i for i, k in enumerate(KIND_ORDER)}
    actions = ROW_ORDER
    return sorted(changes, key=lambda c: (kinds[c.kind], actions[c.action], entity_path(c)))


def _kind_rows(changes: Sequence[Change], label: Label) -> list[str]:
    return [f"| {label(c)} | {cell(c.datastore)} | {cell(c.container)} | "
            f"{cell(c.name)} | {code(c.file)} |\n" for c in _in_order(changes)]


def _count_table(plan: Plan, header: Sequence[str],
                 actions: Sequence[str] = ACTIONS) -> str:
    lines = ["| kind | " + " | ".join(header) + " |\n",
             "|---|" + "---:|" * len(header) + "\n"]
    for kind in KIND_ORDER:
        of_kind = [c for c in plan.changes if c.kind == kind]
        if of_kind:
            counts = [str(sum(1 for c in of_kind if c.action == a)) for a in actions]
            lines.append(f"| {KIND_TITLES[kind].lower()} | " + " | ".join(counts) + " |\n")
    return "".join(lines) + "\n"


def _change_sections(plan: Plan, label: Label) -> list[Section]:
    sections: list[Section] = []
    for kind in KIND_ORDER:
        changed = [c for c in plan.changes if c.kind == kind and c.action != "unchanged"]
        if changed:
            head = (f"#### {KIND_TITLES[kind]}\n\n"
                    "| change | datastore | container | name | file |\n|---|---|---|---|---|\n")
            sections.append(Section(head, _kind_rows(changed, label), footer="\n",
                                    what=KIND_TITLES[kind].lower()))
    diffs = [diff_block(c, label(c)) for c in _in_order(plan.changes)
             if c.action != "unchanged" and c.fields]
    if diffs:
        sections.append(Section("#### Field changes\n\n", diffs, what="field diffs"))
    return sections


def _words(words: dict[str, str]) -> Label:
    return lambda c: words[c.action]


def _header(ctx: Context, verb: str, headline: str, digest: str | None) -> str:
    where = f" — {code(ctx.folder)}" if ctx.folder else ""
    lines = [f"### {cell(ctx.title)}: {verb}{where}\n\n", f"**{cell(headline)}**\n\n"]
    meta = []
    if digest:
        meta.append(f"Plan digest: `{digest}`")
    if ctx.run_url:
        meta.append(f"[workflow run]({ctx.run_url})")
    if meta:
        lines.append(" · ".join(meta) + "\n\n")
    return "".join(lines)


def plan_sections(plan: Plan, ctx: Context) -> list[Section]:
    """A plan: headline, digest, counts per kind, a table per kind, field diffs."""
    head = _header(ctx, "plan", plan.headline(), plan.digest)
    head += f"Options: `{plan.options.line()}`\n\n"
    if plan.has_changes:
        head += _count_table(plan, ACTIONS)
    else:
        head += "No changes: the target already matches the folder.\n\n"
    return [Section(head, essential=True), *_change_sections(plan, _words(PLAN_SIGNS))]


def import_sections(report: ImportReport, ctx: Context) -> list[Section]:
    """An import: what was applied, failures first with their messages."""
    plan = Plan(tuple(o.change for o in report.outcomes))
    head = _header(ctx, "import", report.headline(), report.plan_digest)
    head += _count_table(plan, ACTIONS)
    sections = [Section(head, essential=True)]
    failed = [o for o in report.outcomes if o.result == "failed"]
    if failed:
        sections.append(Section(
            f"#### ❌ Failed ({len(failed)})\n\n| change | kind | entity | message |\n"
            "|---|---|---|---|\n", [_outcome_row(o) for o in failed], footer="\n",
            what="failures"))
    skipped = [o for o in report.outcomes
               if o.result == "skipped" and o.change.action != "unchanged"]
    if skipped:
        sections.append(Section(
            f"#### Skipped ({len(skipped)})\n\n| change | kind | entity | message |\n"
            "|---|---|---|---|\n", [_outcome_row(o) for o in skipped], footer="\n",
            what="skipped entities"))
    results = {o.change.key: o.result for o in report.outcomes}

    def label(c: Change) -> str:
        mark = {"ok": "", "failed": " ❌ failed", "skipped": " (skipped)"}[results[c.key]]
        return PLAN_SIGNS[c.action] + mark

    return sections + _change_sections(plan, label)


def _outcome_row(o: Outcome) -> str:
    c = o.change
    return (f"| {PLAN_SIGNS[c.action]} | {c.kind} | {code(entity_path(c))} | "
            f"{cell(o.message)} |\n")


def drift_sections(plan: Plan, ctx: Context, in_sync: int | None = None) -> list[Section]:
    """Drift: a verdict, then every entity that differs between target and folder.

    ``plan`` is the import that would repair the drift; ``in_sync`` counts the
    entities that match (when the plan does not list them).
    """
    changed = [c for c in plan.changes if c.action != "unchanged"]
    matching = plan.count("unchanged") + (in_sync or 0)
    if changed:
        noun = "entity differs" if len(changed) == 1 else "entities differ"
        verdict = (f"Drift detected: {len(changed)} {noun} between the target and the folder "
                   f"({matching} in sync).")
    else:
        verdict = f"No drift: the target matches the folder ({matching} entities in sync)."
    head = _header(ctx, "drift", verdict, None)
    if changed:
        shown = ("create", "update", "archive")
        head += _count_table(Plan(tuple(changed)), [DRIFT_WORDS[a] for a in shown], shown)
        head += "In the field changes, `-` is the folder's value and `+` the target's.\n\n"
    return [Section(head, essential=True), *_change_sections(plan, _words(DRIFT_WORDS))]


def promote_sections(report: PromoteReport, ctx: Context) -> list[Section]:
    """A promote operation: outcome and counts, then every entity, failures first (so
    a cut keeps them)."""
    head = (f"### {cell(ctx.title)}: promote\n\n"
            + pm.report_intro(report).replace("### ", "#### ", 1))
    return _promote_doc(head, ctx, [pm.report_row(e) for e in report.failures_first()],
                        pm.REPORT_TABLE_HEAD)


def _promote_doc(head: str, ctx: Context, rows: list[str], table_head: str) -> list[Section]:
    if ctx.run_url:
        head += f"\n[workflow run]({ctx.run_url})\n"
    sections = [Section(head + "\n", essential=True)]
    if rows:
        sections.append(Section(table_head, rows, footer="\n", what="entities"))
    return sections


def promote_preview_sections(preview: PromotePreview, ctx: Context) -> list[Section]:
    """A promote dry run: counts, then a table of every selected entity (expected
    failures and exclusions first, so a cut keeps them), then the request sent."""
    head = (f"### {cell(ctx.title)}: promote preview (dry run, nothing changed)\n\n"
            + pm.preview_intro(preview).replace("### ", "#### ", 1))
    rows = [pm.preview_row(e) for e in preview.failures_first()]
    return [*_promote_doc(head, ctx, rows, pm.PREVIEW_TABLE_HEAD),
            Section(pm.preview_notes(preview))]


Problem = tuple[str | None, int | None, str]


def error_sections(message: str, ctx: Context, *, file: str | None = None,
                   line: int | None = None, hint: str | None = None,
                   problems: Sequence[Problem] = ()) -> list[Section]:
    """A run that stopped on an error, with every known problem listed."""
    where = f" ({code(file + (f':{line}' if line else ''))})" if file else ""
    text = f"### {cell(ctx.title)}: ❌ failed\n\n**Error**{where}: {cell(message)}\n\n"
    if hint:
        text += f"Hint: {cell(hint)}\n\n"
    sections = [Section(text, essential=True)]
    if len(problems) > 1:
        rows = [f"| {code(f or '')} | {n or ''} | {cell(m)} |\n" for f, n, m in problems]
        sections.append(Section("| file | line | problem |\n|---|---:|---|\n", rows,
                                footer="\n", what="problems"))
    return sections


def summary(sections: Sequence[Section], ctx: Context) -> Fitted:
    """The job summary: under 1 MiB, cut by whole rows if it has to be."""
    def note(items: int, secs: int) -> str:
        return (f"\n> Shortened to stay under GitHub's 1 MiB step-summary limit: {items} "
                "more entries are in the JSON report (output `report`).\n")
    fitted = fit(sections, budget=SUMMARY_BUDGET, size=utf8_bytes, cut_note=note)
    return Fitted(secrets.redact(fitted.text), fitted.truncated, fitted.omitted_items,
                  fitted.omitted_sections)


def comment(sections: Sequence[Section], ctx: Context, *, marker: str = "",
            budget: int = COMMENT_BUDGET) -> Fitted:
    """The PR comment: ``marker`` first, under ~60,000 characters."""
    def note(items: int, secs: int) -> str:
        where = f"[job summary]({ctx.run_url})" if ctx.run_url else "job summary"
        return (f"\n> ✂️ Shortened to fit a pull-request comment: {items} more entries are "
                f"in the {where} and the JSON report.\n")
    head = Section(marker + "\n" if marker else "", essential=True)
    fitted = fit([head, *sections], budget=budget, size=chars, cut_note=note)
    return Fitted(secrets.redact(fitted.text), fitted.truncated, fitted.omitted_items,
                  fitted.omitted_sections)
