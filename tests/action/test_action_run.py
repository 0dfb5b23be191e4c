"""The Action end to end as a runner runs it: entrypoint.py in a subprocess with
INPUT_* variables, event payload, output and summary files, and the GitHub stub.
Commands here write synthetic reports (tests/action/fake_engine.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github_stub import GitHubStub

from qualytics_ci.action.github import marker
from qualytics_ci.results.digest import DigestParts

from .harness import ActionRun, run_action

TOKEN = "qtok-SECRET-0123456789"
DB_PASSWORD = "hunter2-db-password"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    folder = ws / "qualytics-config" / "connections"
    folder.mkdir(parents=True)
    (folder / "warehouse-prod-db.yaml").write_text(
        "name: warehouse-prod-db\ntype: postgresql\nhost: db.internal\n"
        "password: ${DB_PASSWORD}\n")
    return ws


def plan_run(ws: Path, stub: GitHubStub, **inputs: str) -> ActionRun:
    return run_action(ws, {"direction": "plan", "token": TOKEN, "url": "http://127.0.0.1:1",
                           **inputs}, api_url=stub.url,
                      env={"DB_PASSWORD": DB_PASSWORD, "FAKE_TOTAL": "416",
                           "FAKE_CREATES": "3", "FAKE_UPDATES": "1"})


def test_plan_on_a_pull_request_sets_outputs_summary_and_one_comment(
        workspace: Path, github_stub: GitHubStub) -> None:
    run = plan_run(workspace, github_stub)
    assert run.code == 0, run.stderr
    o = run.outputs
    assert (o["created"], o["updated"], o["archived"], o["unchanged"]) == ("3", "1", "0", "412")
    assert o["has-changes"] == o["has_changes"] == "true"
    assert DigestParts.parse(o["plan-digest"]) is not None
    assert o["plan_digest"] == o["plan-digest"]
    assert o["report"] == ".qualytics-ci/plan-default.json"
    report = json.loads((workspace / o["report"]).read_text())
    assert report["digest"] == o["plan-digest"]
    assert "Plan: 3 to create, 1 to update, 0 to archive, 412 unchanged." in run.summary
    assert o["summary"].startswith("### qualytics-ci plan")
    comments = github_stub.comments_on(7)
    assert len(comments) == 1
    body = comments[0]["body"]
    assert body.startswith(marker("default")) and f"`{o['plan-digest']}`" in body
    assert "::group::qualytics-ci plan qualytics-config" in run.stdout


def test_second_run_updates_the_same_comment(workspace: Path, github_stub: GitHubStub) -> None:
    plan_run(workspace, github_stub)
    first = github_stub.comments_on(7)[0]
    run = run_action(workspace, {"direction": "plan", "token": TOKEN},
                     api_url=github_stub.url,
                     env={"DB_PASSWORD": DB_PASSWORD, "FAKE_TOTAL": "10", "FAKE_CREATES": "1"})
    assert run.code == 0, run.stderr
    comments = github_stub.comments_on(7)
    assert len(comments) == 1 and comments[0]["id"] == first["id"]
    assert "Plan: 1 to create" in comments[0]["body"]


def test_two_comment_keys_make_two_comments(workspace: Path, github_stub: GitHubStub) -> None:
    plan_run(workspace, github_stub, **{"comment-key": "warehouse"})
    plan_run(workspace, github_stub, **{"comment-key": "lake"})
    plan_run(workspace, github_stub, **{"comment-key": "warehouse"})
    firsts = sorted(c["body"].splitlines()[0] for c in github_stub.comments_on(7))
    assert firsts == [marker("lake"), marker("warehouse")]


def test_secrets_are_masked_first_and_appear_nowhere_else(
        workspace: Path, github_stub: GitHubStub) -> None:
    run = plan_run(workspace, github_stub)
    lines = run.stdout.splitlines()
    masks = [n for n, ln in enumerate(lines) if ln.startswith("::add-mask::")]
    others = [n for n, ln in enumerate(lines) if not ln.startswith("::add-mask::")]
    assert {lines[n] for n in masks} >= {f"::add-mask::{TOKEN}", f"::add-mask::{DB_PASSWORD}"}
    assert max(masks) < min(others)
    without_masks = "\n".join(lines[n] for n in others)
    comment = github_stub.comments_on(7)[0]["body"]
    report = (workspace / run.outputs["report"]).read_text()
    for secret in (TOKEN, DB_PASSWORD, "ghs_fake_github_token_123"):
        for text in (without_masks, run.stderr, run.summary, comment, report,
                     *run.outputs.values()):
            assert secret not in text
    assert "resolved ${DB_PASSWORD} = ***" in run.stdout


def test_variables_of_override_connections_are_masked_up_front_in_a_big_folder(
        workspace: Path, github_stub: GitHubStub) -> None:
    checks = workspace / "qualytics-config" / "datastores" / "wh" / "checks" / "t"
    checks.mkdir(parents=True)
    for n in range(10_000):  # a big folder: the override's connection sorts after these
        (checks / f"c{n:05}.yaml").touch()
    prod = workspace / "qualytics-config" / "overrides" / "prod" / "connections"
    prod.mkdir(parents=True)
    (prod / "warehouse-prod-db.yaml").write_text("password: ${PROD_DB_PASSWORD}\n")
    run = run_action(workspace, {"direction": "plan", "token": TOKEN, "url": "http://127.0.0.1:1"},
                     api_url=github_stub.url,
                     env={"DB_PASSWORD": DB_PASSWORD, "PROD_DB_PASSWORD": "prod-pw-31337"})
    lines = run.stdout.splitlines()
    first_other = next(n for n, ln in enumerate(lines) if not ln.startswith("::add-mask::"))
    assert "::add-mask::prod-pw-31337" in lines[:first_other]


def test_command_output_runs_with_workflow_commands_stopped(
        workspace: Path, github_stub: GitHubStub) -> None:
    run = plan_run(workspace, github_stub)
    lines = run.stdout.splitlines()
    stop = next(n for n, ln in enumerate(lines) if ln.startswith("::stop-commands::"))
    token = lines[stop].split("::")[2]
    resume = lines.index(f"::{token}::")
    injected = lines.index("::set-output name=pwned::1")
    assert stop < injected < resume
    assert "pwned" not in run.outputs


def test_invalid_yaml_becomes_an_error_annotation(workspace: Path,
                                                  github_stub: GitHubStub) -> None:
    bad = workspace / "qualytics-config" / "datastores" / "warehouse-prod.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("name: warehouse-prod\nconnection: [unclosed\nkind: jdbc\n")
    run = run_action(workspace, {"direction": "validate"}, api_url=github_stub.url)
    assert run.code == 1
    errors = [ln for ln in run.stdout.splitlines() if ln.startswith("::error ")]
    assert errors
    assert errors[0].startswith(
        "::error file=qualytics-config/datastores/warehouse-prod.yaml,line=")
    assert "invalid YAML" in errors[0]
    assert "invalid YAML" in run.summary and "warehouse-prod.yaml" in run.summary
    assert "Traceback" not in run.stdout + run.stderr


def test_forbidden_comment_is_a_warning_and_the_run_succeeds(
        workspace: Path, github_stub: GitHubStub) -> None:
    github_stub.state.forbidden = True
    run = plan_run(workspace, github_stub)
    assert run.code == 0
    assert any(ln.startswith("::warning ") and "read-only token" in ln
               for ln in run.stdout.splitlines())
    assert "Plan: 3 to create" in run.summary


def test_no_comment_outside_pull_requests(workspace: Path, github_stub: GitHubStub) -> None:
    run = run_action(workspace, {"direction": "plan"}, api_url=github_stub.url,
                     event_name="push", event={"ref": "refs/heads/main"})
    assert run.code == 0 and github_stub.state.requests == []
    assert "Plan:" in run.summary


def test_import_on_pull_request_defaults_to_a_dry_run(workspace: Path,
                                                      github_stub: GitHubStub) -> None:
    run = run_action(workspace, {"direction": "import"}, api_url=github_stub.url,
                     env={"FAKE_CREATES": "2"})
    assert run.code == 0 and run.outputs["report"].endswith("plan-default.json")
    assert "Plan: 2 to create" in run.summary


def test_import_applies_and_reports_failures(workspace: Path, github_stub: GitHubStub) -> None:
    run = run_action(workspace, {"direction": "import", "comment": "never"},
                     api_url=github_stub.url, event_name="push", event={},
                     env={"FAKE_CREATES": "3", "FAKE_UPDATES": "1", "FAKE_FAIL": "1"})
    assert run.code == 3
    o = run.outputs
    assert (o["created"], o["updated"], o["failed"]) == ("2", "1", "1")
    assert run.summary.index("❌ Failed (1)") < run.summary.index("#### Checks")


def test_import_refuses_a_plan_other_than_the_reviewed_one(
        workspace: Path, github_stub: GitHubStub) -> None:
    env = {"FAKE_CREATES": "3"}
    reviewed = run_action(workspace, {"direction": "plan"}, api_url=github_stub.url, env=env)
    digest = reviewed.outputs["plan-digest"]
    ok = run_action(workspace, {"direction": "import", "dry-run": "false",
                                "expect-plan": digest}, api_url=github_stub.url, env=env)
    assert ok.code == 0 and ok.outputs["plan-digest"] == digest
    changed = run_action(workspace, {"direction": "import", "dry-run": "false",
                                     "expect-plan": digest}, api_url=github_stub.url,
                         env={"FAKE_CREATES": "4"})
    assert changed.code == 1
    assert "::error title=qualytics-ci::the plan changed since it was reviewed" in changed.stdout


def test_drift_issue_is_opened_then_closed(workspace: Path, github_stub: GitHubStub) -> None:
    inputs = {"direction": "drift", "drift-issue": "true", "comment-key": "prod"}
    drifted = run_action(workspace, inputs, api_url=github_stub.url, event_name="schedule",
                         event={}, env={"FAKE_UPDATES": "2"})
    assert drifted.code == 2 and drifted.outputs["drift"] == "true"
    issues = list(github_stub.state.issues.values())
    assert len(issues) == 1 and issues[0]["state"] == "open"
    assert issues[0]["labels"] == ["qualytics-drift"]
    assert "Drift detected: 2 entities differ between the target and the folder (18 in sync)" \
        in issues[0]["body"]
    assert drifted.outputs["unchanged"] == "18" and drifted.outputs["plan-digest"] == ""
    clean = run_action(workspace, {**inputs, "fail-on-drift": "false"}, api_url=github_stub.url,
                       event_name="schedule", event={})
    assert clean.code == 0 and clean.outputs["drift"] == "false"
    assert len(github_stub.state.issues) == 1 and issues[0]["state"] == "closed"


def test_drift_without_fail_on_drift_passes(workspace: Path, github_stub: GitHubStub) -> None:
    run = run_action(workspace, {"direction": "drift", "fail-on-drift": "false"},
                     api_url=github_stub.url, event_name="schedule", event={},
                     env={"FAKE_UPDATES": "1"})
    assert run.code == 0 and run.outputs["drift"] == "true"


def test_promote_sets_operation_id(workspace: Path, github_stub: GitHubStub) -> None:
    run = run_action(workspace, {"direction": "promote", "promote-type": "checks",
                                 "from": "warehouse-dev", "to": "warehouse-prod",
                                 "dry-run": "false"},
                     api_url=github_stub.url, event_name="workflow_dispatch", event={})
    assert run.code == 0, run.stdout
    assert run.outputs["operation-id"] == "77" and run.outputs["created"] == "1"
    assert run.summary.startswith("### ✅ qualytics-ci promote")
    assert "from `warehouse-dev` to `warehouse-prod` finished with result `success`." \
        in run.summary


def test_bad_boolean_input_is_a_clear_error(workspace: Path, github_stub: GitHubStub) -> None:
    run = run_action(workspace, {"direction": "plan", "prune": "yes"}, api_url=github_stub.url)
    assert run.code == 1
    assert "input `prune` must be true or false" in run.stdout
