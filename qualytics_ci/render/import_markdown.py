"""An import report as a markdown document: failures never read as success.

The title carries ❌ when any change failed (the step fails too), ⚠️ when some
were only skipped, ✅ otherwise; the count table has a failed column; failed
entities come first, in a table with their file and their message's lines.
"""

from __future__ import annotations

from qualytics_ci.render.actions import actions_in, in_order, kind_title, kind_word, style
from qualytics_ci.render.cells import code, html_code, lines, link
from qualytics_ci.render.document import Context, display_name, entry, header
from qualytics_ci.render.fit import Doc, Entry
from qualytics_ci.results.config import KIND_ORDER, Change, ImportReport, Outcome

MARKS = {"ok": "", "failed": " ❌ failed", "skipped": " ⏭️ skipped"}


def icon(report: ImportReport) -> str:
    """❌ any change failed, ⚠️ some were skipped, ✅ all applied."""
    if report.failed:
        return "❌"
    return "⚠️" if report.count("skipped") else "✅"


def count_table(report: ImportReport) -> str:
    """Kinds down; what was done per action, then failed (and skipped) across."""
    changes = [o.change for o in report.outcomes]
    actions = actions_in(changes, ("create", "update", "archive", "unchanged"))
    results = ["failed", *(["skipped"] if report.count("skipped") else [])]
    heads = [style(a).past for a in actions] + results
    out = ["| kind | " + " | ".join(heads) + " |\n", "|---|" + "---:|" * len(heads) + "\n"]
    for kind in KIND_ORDER:
        of_kind = [o for o in report.outcomes if o.change.kind == kind]
        if not of_kind:
            continue
        done = [sum(1 for o in of_kind if o.change.action == a
                    and (o.result == "ok" or a == "unchanged")) for a in actions]
        bad = [sum(1 for o in of_kind if o.result == r) for r in results]
        cells = [str(n) for n in done] + [f"**{n}**" if n else "0" for n in bad]
        out.append(f"| {kind_word(kind, 2)} | " + " | ".join(cells) + " |\n")
    return "".join(out) + "\n"


def _file_cell(change: Change, ctx: Context) -> str:
    if not change.file:
        return ""
    name = change.file.rsplit("/", 1)[-1]
    url = ctx.file_url(change.file)
    return link(code(name), url) if url else code(ctx.repo_path(change.file))


def _problem_row(o: Outcome, ctx: Context, many: bool) -> str:
    c = o.change
    s = style(c.action)
    label = f"`{s.sign}`&nbsp;{s.verb.replace(' ', '&nbsp;')}"
    return (f"| {label} | {kind_word(c.kind)} {code(display_name(c, with_datastore=many))} | "
            f"{_file_cell(c, ctx)} | {lines(o.message) or ''} |\n")


def import_sections(report: ImportReport, ctx: Context) -> Doc:
    """An import: headline, counts with failures, failed and skipped entities with their
    file and message, then every applied change with its diff."""
    changes = [o.change for o in report.outcomes]
    many = len({c.datastore for c in changes if c.datastore}) > 1
    head = header(ctx, "import", report.headline(), icon=icon(report),
                  digest=report.plan_digest)
    lead = count_table(report)
    entries: list[Entry] = []
    for result, title in (("failed", "❌ Failed"), ("skipped", "⏭️ Skipped")):
        rows = [o for o in report.outcomes if o.result == result
                and o.change.action != "unchanged"]
        if rows:
            group = (f"#### {title} ({len(rows)})\n\n| change | entity | file | message |\n"
                     "|---|---|---|---|\n")
            entries += [Entry(group, _problem_row(o, ctx, many)) for o in rows]
    results = {o.change.key: o.result for o in report.outcomes}
    for c in in_order(changes):
        s = style(c.action)
        if not s.listed:
            continue
        mark = MARKS.get(results[c.key], f" {results[c.key]}")
        entries.append(entry(c, ctx, f"#### {kind_title(c.kind)}\n\n", label=html_code(s.sign),
                             name=display_name(c, with_datastore=many), mark=mark,
                             brief_label=code(s.sign, table=False)))
    return Doc(head, lead, entries)
