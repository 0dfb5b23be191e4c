"""GitHub's REST side of the Action: the sticky PR comment, the drift issue, and the
pull request a pushed commit came from (for the results comment after a merge).

Both are found again by a hidden marker in their body, ``<!-- qualytics-ci:KEY -->``,
never by visible text, and updated in place, so reruns never add duplicates.
A refusal (403 on a fork's read-only token, 404, 422, network trouble) becomes a
``::warning::`` and the run carries on: the step summary still has everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import requests
from github import Auth, Github, GithubException, GithubRetry

from qualytics_ci import secrets
from qualytics_ci.action.runner import Runner

DRIFT_LABEL = "qualytics-drift"
Outcome = Literal["created", "updated", "unchanged", "closed", "none", "refused"]


def marker(key: str) -> str:
    """The hidden first line that identifies one comment or issue."""
    safe = re.sub(r"[^A-Za-z0-9._:/-]+", "-", key.strip()) or "default"
    return f"<!-- qualytics-ci:{safe} -->"


@dataclass
class GitHubAPI:
    """PyGithub bound to one repository, reporting refusals through ``runner``."""

    token: str
    repository: str
    api_url: str
    runner: Runner
    timeout: int = 15

    def __post_init__(self) -> None:
        secrets.register(self.token)
        self.gh = Github(base_url=self.api_url.rstrip("/"), auth=Auth.Token(self.token),
                         timeout=self.timeout, per_page=100, lazy=True,
                         retry=GithubRetry(total=2, backoff_factor=0.5),
                         # a run makes a handful of requests: no client-side pacing needed
                         seconds_between_requests=None, seconds_between_writes=None)
        self.repo = self.gh.get_repo(self.repository)

    def upsert_comment(self, number: int, key: str, body: str) -> Outcome:
        """Create the PR comment for ``key`` once; afterwards edit it in place."""
        mark = marker(key)
        if not body.startswith(mark):
            body = f"{mark}\n{body}"
        try:
            issue = self.repo.get_issue(number)
            for comment in issue.get_comments():
                if (comment.body or "").startswith(mark):
                    if comment.body == body:
                        return "unchanged"
                    comment.edit(body)
                    return "updated"
            issue.create_comment(body)
            return "created"
        except (GithubException, requests.RequestException) as exc:
            self._refused(f"could not write the pull-request comment on #{number}", exc)
            return "refused"

    def merged_pull_request(self, sha: str, branch: str | None = None) -> int | None:
        """The merged pull request the pushed commit ``sha`` came from
        (``GET /repos/{owner}/{repo}/commits/{sha}/pulls``): the one whose merge commit it
        is, else one merged into ``branch``; None for a commit pushed without one."""
        try:
            merged = [p for p in self.repo.get_commit(sha).get_pulls()
                      if p.merged_at is not None]
            exact = [p for p in merged if p.merge_commit_sha == sha]
            into = [p for p in merged if branch is None or p.base.ref == branch]
        except (GithubException, requests.RequestException) as exc:
            self._refused(f"could not find the pull request of commit {sha[:12]}", exc)
            return None
        found = exact or into
        return int(found[0].number) if found else None

    def sync_drift_issue(self, key: str, *, drifted: bool, title: str, body: str) -> Outcome:
        """Open or update the drift issue while drift lasts; close it once it is gone."""
        mark = marker(f"drift:{key}")
        body = f"{mark}\n{body}"
        try:
            existing = None
            for issue in self.repo.get_issues(state="open", labels=[DRIFT_LABEL]):
                if (issue.body or "").startswith(mark):
                    existing = issue
                    break
            if drifted:
                if existing is None:
                    self.repo.create_issue(title=title, body=body, labels=[DRIFT_LABEL])
                    return "created"
                if existing.body == body:
                    return "unchanged"
                existing.edit(body=body)
                return "updated"
            if existing is None:
                return "none"
            existing.edit(body=body, state="closed", state_reason="completed")
            return "closed"
        except (GithubException, requests.RequestException) as exc:
            self._refused("could not update the drift issue", exc)
            return "refused"

    def _refused(self, what: str, exc: Exception) -> None:
        status = getattr(exc, "status", None)
        if status == 403:
            why = ("the token may not write here (a pull request from a fork gets a "
                   "read-only token; give the job `pull-requests: write` and `issues: write`)")
        elif status is not None:
            why = f"GitHub answered {status}"
        else:
            why = f"{type(exc).__name__}"
        self.runner.warning(f"{what}: {why}. The job summary has the full result.",
                            title="qualytics-ci")
