"""Results back where the review happened: after a push (a merge to main) that ran
``import`` or ``promote``, one comment on the pull request the commit came from.

The pull request is found with ``GET /repos/{owner}/{repo}/commits/{sha}/pulls``
(:meth:`~qualytics_ci.action.github.GitHubAPI.merged_pull_request`). The comment
carries its own hidden marker, ``<!-- qualytics-ci:merged:<direction>:<comment-key> -->``,
so a re-run of the deploy edits it instead of adding another, and the plan's
sticky comment above it stays as it was reviewed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qualytics_ci.action.inputs import Inputs
from qualytics_ci.render import markdown as md
from qualytics_ci.render.fit import Section

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


def intro(inputs: Inputs, sha: str, branch: str | None) -> Section:
    """What the comment is: this pull request's merge, applied."""
    where = f" to {md.code(branch)}" if branch else ""
    what = {"import": "imported the folder", "promote": "ran the declared promotions"
            if not (inputs.promote_type or inputs.source) else "ran the promote"}[inputs.command]
    return Section(f"**After merge:** the push of {md.code(sha[:12])}{where} {what}; here "
                   "is what it did, entity by entity.\n\n", essential=True)
