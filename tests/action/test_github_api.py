"""The sticky comment and the drift issue against the GitHub REST stub."""

from __future__ import annotations

import io

from github_stub import GitHubStub

from qualytics_ci.action.github import DRIFT_LABEL, GitHubAPI, marker
from qualytics_ci.action.runner import Runner


def api(stub: GitHubStub, out: io.StringIO | None = None) -> GitHubAPI:
    return GitHubAPI("ghs_stubtoken123", "acme/dq", stub.url, Runner(out or io.StringIO()))


def test_comment_is_created_once_then_updated_in_place(github_stub: GitHubStub) -> None:
    gh = api(github_stub)
    assert gh.upsert_comment(7, "default", "first") == "created"
    assert gh.upsert_comment(7, "default", "second") == "updated"
    assert gh.upsert_comment(7, "default", "second") == "unchanged"
    comments = github_stub.comments_on(7)
    assert len(comments) == 1
    assert comments[0]["body"] == f"{marker('default')}\nsecond"


def test_marker_is_found_past_the_first_page(github_stub: GitHubStub) -> None:
    github_stub.state.per_page_cap = 10
    gh = api(github_stub)
    for i in range(25):
        github_stub.add_comment(7, f"chatter {i}")
    assert gh.upsert_comment(7, "k", "mine") == "created"
    for i in range(12):
        github_stub.add_comment(7, f"more chatter {i}")
    assert gh.upsert_comment(7, "k", "mine again") == "updated"
    assert [c["body"] for c in github_stub.comments_on(7)].count(f"{marker('k')}\nmine again") == 1
    assert len(github_stub.comments_on(7)) == 38


def test_two_keys_make_two_comments(github_stub: GitHubStub) -> None:
    gh = api(github_stub)
    gh.upsert_comment(7, "warehouse", "a")
    gh.upsert_comment(7, "lake", "b")
    gh.upsert_comment(7, "warehouse", "a2")
    assert sorted(c["body"] for c in github_stub.comments_on(7)) == [
        f"{marker('lake')}\nb", f"{marker('warehouse')}\na2"]


def test_forbidden_comment_is_a_warning(github_stub: GitHubStub) -> None:
    github_stub.state.forbidden = True
    out = io.StringIO()
    assert api(github_stub, out).upsert_comment(7, "default", "x") == "refused"
    assert out.getvalue().startswith("::warning title=qualytics-ci::could not write")
    assert "read-only token" in out.getvalue()
    assert github_stub.comments_on(7) == []


def test_drift_issue_opened_updated_and_closed(github_stub: GitHubStub) -> None:
    gh = api(github_stub)
    assert gh.sync_drift_issue("prod", drifted=False, title="t", body="clean") == "none"
    assert gh.sync_drift_issue("prod", drifted=True, title="Drift", body="3 differ") == "created"
    assert gh.sync_drift_issue("prod", drifted=True, title="Drift", body="4 differ") == "updated"
    assert gh.sync_drift_issue("other", drifted=True, title="Drift", body="x") == "created"
    issues = list(github_stub.state.issues.values())
    assert len(issues) == 2 and all(i["labels"] == [DRIFT_LABEL] for i in issues)
    assert gh.sync_drift_issue("prod", drifted=False, title="t", body="gone") == "closed"
    states = sorted((i["body"].splitlines()[0], i["state"]) for i in issues)
    assert states == [(marker("drift:other"), "open"), (marker("drift:prod"), "closed")]


def test_the_merged_pull_request_of_a_pushed_commit(github_stub: GitHubStub) -> None:
    merge, squash, head = "a1" * 20, "b2" * 20, "c3" * 20
    github_stub.add_pull(7, merge_commit_sha=merge, commits=(head,))
    github_stub.add_pull(8, merge_commit_sha=squash, base="release")
    github_stub.add_pull(9, merge_commit_sha=None, commits=(head,))  # still open
    gh = api(github_stub)
    assert gh.merged_pull_request(merge, "main") == 7
    assert gh.merged_pull_request(squash, "main") == 8  # its merge commit, whatever the base
    assert gh.merged_pull_request(head, "main") == 7  # a commit of the merged PR: same base
    assert gh.merged_pull_request(head, "release") is None  # open PRs never count
    assert gh.merged_pull_request("d4" * 20, "main") is None  # pushed without a pull request
    assert ("GET", f"/repos/acme/dq/commits/{merge}/pulls") in github_stub.state.requests


def test_a_failed_pull_request_look_up_is_a_warning() -> None:
    out = io.StringIO()
    unreachable = GitHubAPI("ghs_stubtoken123", "acme/dq", "http://127.0.0.1:9", Runner(out))
    assert unreachable.merged_pull_request("e5" * 20, "main") is None
    assert out.getvalue().startswith("::warning title=qualytics-ci::could not find the pull "
                                     "request of commit e5e5e5e5e5e5")
