"""What every markdown document shares: where it came from (:class:`Context`), its
header, how an entity is named and linked, an entity's collapsible diff, and
fitting the document into the job summary (1 MiB) or the PR comment (65,536
characters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qualytics_ci import secrets
from qualytics_ci.render import diffs
from qualytics_ci.render.actions import kind_word, style
from qualytics_ci.render.cells import code, fence, html, html_code, link, text
from qualytics_ci.render.fit import Cut, Doc, Entry, Fitted, chars, fit, utf8_bytes
from qualytics_ci.results.config import Change

COMMENT_LIMIT = 65_536
COMMENT_BUDGET = 60_000
SUMMARY_LIMIT = 1024 * 1024
SUMMARY_BUDGET = 1_000_000


@dataclass(frozen=True)
class Context:
    """Where the result came from, for the header and the links.

    ``sha`` is the commit the run looked at (on a pull request, its head) and
    ``repo_url`` the repository's web address; with both, files and the commit
    are links. ``dry_run`` says that the command was a dry run of ``import``.
    """

    title: str = "qualytics-ci"
    folder: str = ""
    run_url: str | None = None
    sha: str | None = None
    repo_url: str | None = None
    dry_run: bool = False

    def repo_path(self, file: str) -> str:
        """A folder-relative path made relative to the repository."""
        if not self.folder or self.folder in (".", "./") or file.startswith(self.folder + "/"):
            return file
        return f"{self.folder.rstrip('/')}/{file}"

    def file_url(self, file: str | None) -> str | None:
        if not file or not self.sha or not self.repo_url:
            return None
        return f"{self.repo_url}/blob/{self.sha}/{self.repo_path(file)}"

    @property
    def commit_url(self) -> str | None:
        if not self.sha or not self.repo_url:
            return None
        return f"{self.repo_url}/commit/{self.sha}"


def header(ctx: Context, verb: str, headline: str, *, icon: str = "",
           digest: str | None = None, extra: str = "") -> str:
    """Title, then the commit, the run and the digest on one line, then the headline."""
    where = f" · {code(ctx.folder, table=False)}" if ctx.folder else ""
    mark = f"{icon} " if icon else ""
    lines = [f"### {mark}{text(ctx.title)} {verb}{where}\n\n"]
    meta = []
    if ctx.sha:
        meta.append("commit " + link(code(ctx.sha[:7], table=False), ctx.commit_url))
    if ctx.run_url:
        meta.append(link("workflow run", ctx.run_url))
    if digest:
        meta.append(f"plan digest `{digest}`")
    if meta:
        lines.append(" · ".join(meta) + "\n\n")
    if extra:
        lines.append(extra)
    lines.append(f"**{text(headline)}**\n\n")
    return "".join(lines)


def display_name(change: Change, *, with_datastore: bool = False) -> str:
    """The entity's name as a reviewer knows it: a check's uid, ``container.field``
    for a computed field; the datastore in front when the document spans several."""
    name = change.name
    if change.kind == "computed_field" and change.container:
        name = f"{change.container}.{name}"
    elif (change.kind == "check" and change.container
          and change.container.lower() not in name.lower()):
        name = f"{change.container}/{name}"
    if with_datastore and change.datastore and change.kind not in ("connection", "datastore"):
        name = f"{change.datastore}/{name}"
    return name



def sign_html(change: Change) -> str:
    return html_code(style(change.action).sign)


def summary_line(change: Change, name: str, label: str, mark: str = "") -> str:
    """The collapsed line: ``~ check <code>name</code>: properties.max 50000 → 75000``."""
    what = diffs.what_changes(change)
    detail = f": {html(what)}" if what else ""
    return f"{label} {kind_word(change.kind)} {html_code(name)}{mark}{detail}"


def entry(change: Change, ctx: Context, group: str, *, label: str, name: str,
          brief_label: str, note: str = "", mark: str = "") -> Entry:
    """An entity as a ``<details>``: the collapsed line says what changes; inside, the
    file (linked to the commit) and one diff line per field (multi-line text diffed
    line by line)."""
    summary = summary_line(change, name, label, mark)
    body = []
    if change.file:
        path = ctx.repo_path(change.file)
        body.append(link(code(path, table=False), ctx.file_url(change.file)) + "\n\n")
    if note:
        body.append(note + "\n\n")
    lines = diffs.change_lines(change)
    if lines:
        body.append(fence("\n".join(lines), "diff") + "\n")
    full = f"<details><summary>{summary}</summary>\n\n{''.join(body)}</details>\n"
    brief = f"- {brief_label} {kind_word(change.kind)} {code(name, table=False)}{mark}\n"
    return Entry(group, full, brief)


def _notice(where: str, limit: str) -> Callable[[Cut], str]:
    def note(cut: Cut) -> str:
        parts = []
        if cut.briefed:
            parts.append(f"{cut.briefed} {_noun(cut.briefed)} listed by name only, without "
                         "their diffs (at the end)")
        if cut.dropped:
            parts.append(f"{cut.dropped} more {_noun(cut.dropped)} not shown")
        return (f"> ✂️ **Shortened to fit {limit}:** {'; '.join(parts)}. "
                f"Everything is in {where}.\n\n")
    return note


def _noun(n: int) -> str:
    return "entity" if n == 1 else "entities"


def summary(doc: Doc, ctx: Context) -> Fitted:
    """The job summary: under 1 MiB, shortened by whole entries if it has to be."""
    fitted = fit(doc, budget=SUMMARY_BUDGET, size=utf8_bytes,
                 notice=_notice("the JSON report (output `report`)",
                                "GitHub's 1 MiB step-summary limit"))
    return Fitted(secrets.redact(fitted.text), fitted.cut)


def comment(doc: Doc, ctx: Context, *, marker: str = "",
            budget: int = COMMENT_BUDGET) -> Fitted:
    """The PR comment: ``marker`` first, under ~60,000 characters; when shortened, the
    full diffs are in the job summary."""
    where = (f"the {link('job summary', ctx.run_url)}" if ctx.run_url
             else "the job summary") + " and the JSON report"
    marked = Doc(head=(marker + "\n" if marker else "") + doc.head, lead=doc.lead,
                 entries=doc.entries, tail=doc.tail, brief_heading=doc.brief_heading)
    fitted = fit(marked, budget=budget, size=chars,
                 notice=_notice(where, "a pull-request comment"))
    return Fitted(secrets.redact(fitted.text), fitted.cut)
