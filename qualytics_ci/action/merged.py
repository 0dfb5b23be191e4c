"""Results back where the review happened: after a push (a merge to main) that ran
``import`` or ``promote``, one comment on the pull request the commit came from.

The pull request is found with ``GET /repos/{owner}/{repo}/commits/{sha}/pulls``
(:meth:`~qualytics_ci.action.github.GitHubAPI.merged_pull_request`). The comment
carries its own hidden marker, ``<!-- qualytics-ci:merged:<direction>:<comment-key> -->``,
so a re-run of the deploy edits it instead of adding another, and the plan's
sticky comment above it stays as it was reviewed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from qualytics_ci.action.github import GitHubAPI, marker
from qualytics_ci.action.inputs import Inputs, declares_promotions
from qualytics_ci.action.runner import Runner, load_event
from qualytics_ci.render import markdown as md
from qualytics_ci.render.cells import code
from qualytics_ci.render.fit import Doc

COMMANDS = ("import", "promote")


def applies(inputs: Inputs, env: Mapping[str, str]) -> bool:
    """A push that changed the target: ``import``, or ``promote`` not in dry run."""
    return (env.get("GITHUB_EVENT_NAME") == "push" and inputs.comment != "never"
            and inputs.command in COMMANDS and not inputs.dry_run)


def pushed_commit(env: Mapping[str, str], event: Mapping[str, Any]) -> tuple[str, str | None]:
    """``(sha, branch)`` of the push: ``GITHUB_SHA`` (else the event's ``after``) and
    ``GITHUB_REF_NAME`` (else the event's ``ref`` without ``refs/heads/``); ``""`` when
    neither says."""
    sha = env.get("GITHUB_SHA") or str(event.get("after") or "")
    ref = env.get("GITHUB_REF_NAME") or str(event.get("ref") or "").removeprefix("refs/heads/")
    return sha, ref or None


def key(inputs: Inputs) -> str:
    """The comment's marker key: one results comment per direction and comment-key."""
    return f"merged:{inputs.command}:{inputs.comment_key}"


def intro(inputs: Inputs, sha: str, branch: str | None) -> str:
    """What the comment is: this pull request's merge, applied."""
    where = f" to {code(branch, table=False)}" if branch else ""
    what = {"import": "imported the folder",
            "promote": "ran the declared promotions" if declares_promotions(inputs)
            else "ran the promote"}[inputs.command]
    return (f"**After merge:** the push of {code(sha[:12], table=False)}{where} {what}; here "
            "is what it did, entity by entity.\n\n")


def after_merge(doc: Doc, text: str) -> Doc:
    """``doc`` with ``text`` right under its headline (kept whatever is cut)."""
    return Doc(doc.head, text + doc.lead, doc.entries, doc.tail, doc.brief_heading)


def comment_results(inputs: Inputs, env: Mapping[str, str], runner: Runner,
                    api: Callable[[], GitHubAPI | None], doc: Doc, ctx: md.Context) -> None:
    """After a push that imported or promoted: ``doc`` (the step's result, or the error
    it stopped on) as one comment on the merged pull request, if there is one."""
    if not applies(inputs, env):
        return
    sha, branch = pushed_commit(env, load_event(env.get("GITHUB_EVENT_PATH")))
    if not sha:
        return
    github = api()
    if github is None:
        return
    number = github.merged_pull_request(sha, branch)
    if number is None:
        runner.log(f"commit {sha[:12]} came from no merged pull request: no results comment")
        return
    mark = key(inputs)
    body = md.comment(after_merge(doc, intro(inputs, sha, branch)), ctx,
                      marker=marker(mark)).text
    outcome = github.upsert_comment(number, mark, body)
    runner.log(f"results comment on merged pull request #{number}: {outcome}")
