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
