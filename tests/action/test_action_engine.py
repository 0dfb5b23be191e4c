"""The Action's config directions end to end against the sandbox with the real commands:
export -> validate -> plan (sticky comment) -> edit -> plan -> import of exactly the
reviewed plan -> drift, and an invalid file's annotation."""

from __future__ import annotations

import json
from pathlib import Path

from github_stub import GitHubStub

from qualytics_ci.sandbox.server import RunningSandbox

from .harness import ActionRun, raise_a_between_max_on_the_target, run_action

PASSWORDS = {"WAREHOUSE_PROD_DB_PASSWORD": "pg-prod-s3cret-value",
             "WAREHOUSE_DEV_DB_PASSWORD": "pg-dev-s3cret-value",
             "WAREHOUSE_STAGING_DB_PASSWORD": "pg-staging-s3cret-value"}


def act(ws: Path, sandbox: RunningSandbox, stub: GitHubStub, direction: str,
        **inputs: str) -> ActionRun:
    return run_action(ws, {"direction": direction, "url": sandbox.url,
                           "token": sandbox.tokens["admin"], "datastores": "warehouse-prod",
                           **inputs},
                      api_url=stub.url, env=PASSWORDS, fake_engine=False)


def test_export_plan_import_drift_round_trip(sandbox: RunningSandbox, github_stub: GitHubStub,
                                             tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    exported = act(ws, sandbox, github_stub, "export", comment="never")
    assert exported.code == 0, exported.stdout + exported.stderr
    folder = ws / "qualytics-config"
    assert any(folder.rglob("*.yaml"))

    valid = act(ws, sandbox, github_stub, "validate", comment="never")
    assert valid.code == 0, valid.stdout

    clean = act(ws, sandbox, github_stub, "plan")
    assert clean.code == 0, clean.stdout + clean.stderr
    assert clean.outputs["has-changes"] == "false"
    assert "No changes" in github_stub.comments_on(7)[0]["body"]

    check = next(folder.rglob("between__total_amount.yaml"))
    check.write_text(check.read_text().replace("max: 50000", "max: 75000"))
    changed = act(ws, sandbox, github_stub, "plan")
    assert changed.outputs["updated"] == "1" and changed.outputs["has-changes"] == "true"
    digest = changed.outputs["plan-digest"]
    comments = github_stub.comments_on(7)
    assert len(comments) == 1 and f"`{digest}`" in comments[0]["body"]
    assert "check <code>orders__between__total_amount</code>: properties.max 50000 → 75000" \
        in comments[0]["body"]

    applied = act(ws, sandbox, github_stub, "import", **{"dry-run": "false",
                                                         "expect-plan": digest})
    assert applied.code == 0, applied.stdout + applied.stderr
    assert applied.outputs["updated"] == "1" and applied.outputs["failed"] == "0"
    report = json.loads((ws / applied.outputs["report"]).read_text())
    assert report["plan_digest"] == digest

    drift = act(ws, sandbox, github_stub, "drift", comment="never")
    assert drift.code == 0 and drift.outputs["drift"] == "false", drift.stdout

    for run in (exported, valid, clean, changed, applied, drift):
        text = run.everything
        for secret in (*PASSWORDS.values(), sandbox.tokens["admin"]):
            assert secret not in text.replace(f"::add-mask::{secret}", "")
    assert "::add-mask::pg-prod-s3cret-value" in clean.stdout


def test_invalid_yaml_is_annotated_at_its_line(sandbox: RunningSandbox,
                                               github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    bad = ws / "qualytics-config" / "connections" / "warehouse_prod_db.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("name: warehouse-prod-db\ntype: postgresql\nhost: [unclosed\nport: 5432\n")
    run = act(ws, sandbox, github_stub, "validate")
    assert run.code == 1
    errors = [ln for ln in run.stdout.splitlines() if ln.startswith("::error ")]
    assert errors and errors[0].startswith(
        "::error file=qualytics-config/connections/warehouse_prod_db.yaml,line=")
    assert "warehouse_prod_db.yaml" in run.summary
    assert "warehouse_prod_db.yaml" in github_stub.comments_on(7)[0]["body"]


def test_drift_issue_opens_on_a_change_made_through_the_api_and_closes_after_reimport(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    assert act(ws, sandbox, github_stub, "export", comment="never").code == 0
    raise_a_between_max_on_the_target(sandbox.url, sandbox.tokens["admin"])

    drift_inputs = {"drift-issue": "true", "comment": "never"}
    drifted = act(ws, sandbox, github_stub, "drift", **drift_inputs)
    assert drifted.outputs["drift"] == "true", drifted.stdout + drifted.stderr
    assert "drift issue: created" in drifted.stdout
    issues = list(github_stub.state.issues.values())
    assert len(issues) == 1 and issues[0]["labels"] == ["qualytics-drift"]
    assert issues[0]["state"] == "open" and "123456" in issues[0]["body"]

    # a later scheduled run (another run id) seeing the same drift leaves the issue alone
    again = run_action(ws, {"direction": "drift", "url": sandbox.url,
                            "token": sandbox.tokens["admin"], "datastores": "warehouse-prod",
                            **drift_inputs}, api_url=github_stub.url,
                       env={**PASSWORDS, "GITHUB_RUN_ID": "4343"}, fake_engine=False)
    assert "drift issue: unchanged" in again.stdout, again.stdout
    assert len(github_stub.state.issues) == 1

    reimported = act(ws, sandbox, github_stub, "import", comment="never",
                     **{"dry-run": "false"})
    assert reimported.code == 0 and reimported.outputs["updated"] == "1", reimported.stdout
    clean = act(ws, sandbox, github_stub, "drift", **drift_inputs)
    assert clean.code == 0 and clean.outputs["drift"] == "false", clean.stdout + clean.stderr
    assert "drift issue: closed" in clean.stdout
    assert [i["state"] for i in github_stub.state.issues.values()] == ["closed"]
    assert "No drift" in issues[0]["body"]
