"""Markdown for the job summary and the PR comment, from Plan and report objects.

Each ``*_sections`` function builds the document as a :class:`~.fit.Doc`
(headline and warnings first, failures before successes, one collapsible line
per changed entity that says what changes); :func:`summary` and :func:`comment`
fit it into the step summary's 1 MiB and the comment's ~60,000 characters.
The sections live by subject: :mod:`.plan_markdown` (plan, drift),
:mod:`.import_markdown`, :mod:`.promote_markdown`; this module gathers them and
renders errors.
"""

from __future__ import annotations

from collections.abc import Sequence

from qualytics_ci.render.cells import cell as cell  # re-exported: callers write md.cell / md.code
from qualytics_ci.render.cells import code as code
from qualytics_ci.render.cells import lines, prose, text
from qualytics_ci.render.document import COMMENT_BUDGET as COMMENT_BUDGET
from qualytics_ci.render.document import COMMENT_LIMIT as COMMENT_LIMIT
from qualytics_ci.render.document import SUMMARY_BUDGET as SUMMARY_BUDGET
from qualytics_ci.render.document import SUMMARY_LIMIT as SUMMARY_LIMIT
from qualytics_ci.render.document import Context as Context
from qualytics_ci.render.document import comment as comment
from qualytics_ci.render.document import header as header
from qualytics_ci.render.document import summary as summary
from qualytics_ci.render.fit import Doc, Entry
from qualytics_ci.render.import_markdown import import_sections as import_sections
from qualytics_ci.render.plan_markdown import drift_sections as drift_sections
from qualytics_ci.render.plan_markdown import plan_sections as plan_sections
from qualytics_ci.render.promote_markdown import (
    promote_preview_sections as promote_preview_sections,
)
from qualytics_ci.render.promote_markdown import promote_sections as promote_sections

# (file relative to the repository, line, message, hint)
Problem = tuple[str | None, int | None, str, str | None]


def error_sections(message: str, ctx: Context, *, verb: str = "", file: str | None = None,
                   line: int | None = None, hint: str | None = None,
                   problems: Sequence[Problem] = ()) -> Doc:
    """A run that stopped on an error. With several problems, one line says how many
    and the table lists each (its file, line, what is wrong and what to do); the
    message itself is not repeated above it."""
    head = header(ctx, f"{verb} failed".strip(), _first_line(message) if len(problems) > 1
                  else message.split("\n", 1)[0], icon="❌")
    lead = ""
    if len(problems) <= 1:
        where = file or (problems[0][0] if problems else None)
        at = line if file else (problems[0][1] if problems else None)
        if where:
            lead += f"In {code(where + (f':{at}' if at else ''), table=False)}.\n\n"
        rest = message.split("\n", 1)[1] if "\n" in message else ""
        if rest.strip():
            lead += lines(rest).replace("<br>", "  \n") + "\n\n"
        hint = hint or (problems[0][3] if problems else None)
        if hint:
            lead += f"**Hint:** {prose(hint)}\n\n"
        return Doc(head, lead)
    if hint:
        lead += f"**Hint:** {prose(hint)}\n\n"
    group = "| file | line | problem |\n|---|---:|---|\n"
    entries = [Entry(group, f"| {code(f or '')} | {n or ''} | {text(m)}"
                            + (f" — {prose(h)}" if h else "") + " |\n")
               for f, n, m, h in problems]
    return Doc(head, lead, entries)


def _first_line(message: str) -> str:
    return message.split("\n", 1)[0].rstrip(":") + "."
