"""A plan and a drift report as markdown documents (job summary, PR comment).

A plan reads top down: the headline; a warning when checks will be archived;
the counts per kind; what will be archived, each with its rule and the file
that is gone; then per kind one collapsible line per changed entity that says
what changes, with the diff inside.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qualytics_ci.render import diffs
from qualytics_ci.render.actions import (
    actions_in,
    archive_warning,
    in_order,
    kind_title,
    kind_word,
    style,
)
from qualytics_ci.render.cells import code, text
from qualytics_ci.render.document import (
    Context,
    display_name,
    entry,
    header,
    sign_html,
)
from qualytics_ci.render.fit import Doc, Entry
from qualytics_ci.results.config import KIND_ORDER, Change, Note, Plan

ALWAYS = ("create", "update", "archive", "unchanged")
DRIFT_ALWAYS = ("create", "update", "archive")


def count_table(changes: Sequence[Change], actions: Sequence[str],
                words: dict[str, str] | None = None) -> str:
    """Kinds down, actions across; only kinds that have entities."""
    heads = [(words or {}).get(a) or style(a).verb for a in actions]
    lines = ["| kind | " + " | ".join(h.replace(" ", "&nbsp;") for h in heads) + " |\n",
             "|---|" + "---:|" * len(actions) + "\n"]
    for kind in KIND_ORDER:
        of_kind = [c for c in changes if c.kind == kind]
        if of_kind:
            counts = [str(sum(1 for c in of_kind if c.action == a)) for a in actions]
            lines.append(f"| {kind_word(kind, 2)} | " + " | ".join(counts) + " |\n")
    return "".join(lines) + "\n"


def _many_datastores(changes: Sequence[Change]) -> bool:
    return len({c.datastore for c in changes
                if c.datastore and c.kind not in ("connection", "datastore")}) > 1


def archive_item(change: Change, ctx: Context, name: str) -> Entry:
    """One archived entity as a list item: its rule and fields, why it goes, and the
    file that was removed from the folder."""
    s = style(change.action)
    rule = diffs.rule_of(change)
    line = f"{kind_word(change.kind)} **{text(name)}**"
    if rule:
        line += f": {text(rule)}"
    if change.container and change.kind == "check":
        line += f" in {code(change.container, table=False)}"
    if s.why:
        line += f" · {s.why}"
    if change.action == "duplicate" and change.duplicate_of is not None:
        line += f" (id {change.target_id}; id {change.duplicate_of} is kept)"
    if change.file:
        path = code(ctx.repo_path(change.file), table=False)
        what = "file removed" if change.action == "archive" else "file"
        line += f"  \n  {what}: {path}"
    return Entry("", f"- {line}\n", f"- {kind_word(change.kind)} {code(name, table=False)}\n")


def _archives(changes: Sequence[Change], ctx: Context, many: bool) -> list[Entry]:
    gone = [c for c in in_order(changes) if style(c.action).archives]
    head = f"#### ⚠️ To be archived ({len(gone)})\n\n"
    items = [archive_item(c, ctx, display_name(c, with_datastore=many)) for c in gone]
    return [Entry(head, i.full, i.brief) for i in items]


def _entries(changes: Sequence[Change], ctx: Context, *, label: Any, brief: Any,
             skip_archives: bool = True) -> list[Entry]:
    many = _many_datastores(changes)
    out: list[Entry] = []
    for c in in_order(changes):
        s = style(c.action)
        if not s.listed or (skip_archives and s.archives):
            continue
        name = display_name(c, with_datastore=many)
        out.append(entry(c, ctx, f"#### {kind_title(c.kind)}\n\n", label=label(c), name=name,
                         brief_label=brief(c)))
    return out


def _warnings(warnings: tuple[Note, ...], ctx: Context) -> str:
    """The plan's warnings, folded: they change nothing, but a reviewer should see them."""
    if not warnings:
        return ""
    noun = "warning" if len(warnings) == 1 else "warnings"
    items = []
    for w in warnings:
        where = ctx.repo_path(w.file) + (f":{w.line}" if w.line else "") if w.file else ""
        items.append(f"- {code(where, table=False)}: {text(w.message)}\n" if where
                     else f"- {text(w.message)}\n")
    return (f"<details><summary>⚠️ {len(warnings)} {noun}</summary>\n\n{''.join(items)}"
            "\n</details>\n\n")


def plan_sections(plan: Plan, ctx: Context) -> Doc:
    """A plan: headline, archive warning, counts per kind, archives, then every change."""
    changes = list(plan.changes)
    warning = archive_warning(changes)
    extra = f"Options: {code(plan.options.line(), table=False)}\n\n"
    if ctx.dry_run:
        extra += "Dry run of `import`: nothing was changed.\n\n"
    head = header(ctx, "plan", plan.headline(), digest=plan.digest, extra=extra)
    if warning:
        head += f"⚠️ **{text(warning[0].upper() + warning[1:])}** (listed below).\n\n"
    head += _warnings(plan.warnings, ctx)
    if not plan.has_changes:
        lead = "No changes: the target already matches the folder.\n\n"
        return Doc(head, lead)
    lead = count_table(changes, actions_in(changes, ALWAYS))
    many = _many_datastores(changes)
    entries = _archives(changes, ctx, many)
    entries += _entries(changes, ctx, label=lambda c: sign_html(c),
                        brief=lambda c: code(style(c.action).sign, table=False))
    return Doc(head, lead, entries)


def drift_sections(plan: Plan, ctx: Context, in_sync: int | None = None) -> Doc:
    """Drift: the verdict, how to resolve it, then every entity that differs.

    ``plan`` is the import that would repair the drift (its field changes read
    before = the folder, after = the target); ``in_sync`` counts the entities
    that match (when the plan does not list them).
    """
    changed = [c for c in plan.changes if c.action != "unchanged"]
    matching = plan.count("unchanged") + (in_sync or 0)
    if changed:
        noun = "entity differs" if len(changed) == 1 else "entities differ"
        verdict = (f"Drift detected: {len(changed)} {noun} between the target and the folder "
                   f"({matching} in sync).")
    else:
        verdict = f"No drift: the target matches the folder ({matching} entities in sync)."
    head = header(ctx, "drift", verdict, icon="⚠️" if changed else "✅")
    if not changed:
        return Doc(head)
    words = {a: style(a).drift for a in DRIFT_ALWAYS}
    lead = count_table(changed, actions_in(changed, DRIFT_ALWAYS), words)
    lead += ("**To resolve:** run an import of the folder to put the target back "
             "(`direction: import`), or adopt the target's change into the folder (edit the "
             "file, or export) and merge it.\n\n"
             "In the diffs, `-` is the folder's value and `+` the target's.\n\n")
    entries = _entries(changed, ctx, skip_archives=False,
                       label=lambda c: f"<b>{style(c.action).drift}</b>:",
                       brief=lambda c: f"{style(c.action).drift}:")
    return Doc(head, lead, entries)
