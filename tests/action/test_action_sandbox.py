"""The Action against the sandbox (the local Qualytics API emulator) over real HTTP,
with the real commands: no stand-ins between entrypoint.py and the API."""

from __future__ import annotations

import json
from pathlib import Path

from qualytics_ci.sandbox.server import RunningSandbox

from .harness import run_action


def test_promote_runs_waits_and_reports(sandbox: RunningSandbox, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    token = sandbox.tokens["editor"]
    run = run_action(ws, {"direction": "promote", "promote-type": "checks",
                          "from": "warehouse-dev/orders", "to": "warehouse-prod/orders",
                          "url": sandbox.url, "token": token, "dry-run": "false"},
                     event_name="workflow_dispatch", event={}, fake_engine=False)
    assert run.code == 0, run.stdout + run.stderr
    o = run.outputs
    assert o["operation-id"].isdigit()
    assert (o["created"], o["updated"], o["failed"]) == ("4", "1", "0")
    report = json.loads((ws / o["report"]).read_text())
    assert report["operation_id"] == int(o["operation-id"]) and report["result"] == "success"
    assert run.summary.startswith("### ✅ qualytics-ci promote")
    assert ("from `warehouse-dev/orders` to `warehouse-prod/orders` finished with result "
            "`success`.") in run.summary
    assert run.stdout.splitlines()[0] == f"::add-mask::{token}"
    assert token not in run.everything.replace(f"::add-mask::{token}", "")


def test_promote_dry_run_previews_on_a_pull_request(sandbox: RunningSandbox,
                                                    tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    run = run_action(ws, {"direction": "promote", "promote-type": "checks",
                          "from": "warehouse-dev/orders", "to": "warehouse-prod/orders",
                          "url": sandbox.url, "token": sandbox.tokens["editor"],
                          "comment": "never"}, fake_engine=False)
    assert run.code == 0, run.stdout + run.stderr
    assert "promote preview (dry run)" in run.summary and "Nothing was changed." in run.summary
    o = run.outputs
    assert o["operation-id"] == "" and o["has-changes"] == "true"
    assert (o["created"], o["updated"], o["unchanged"], o["failed"]) == ("4", "1", "5", "0")
    preview = json.loads((ws / run.outputs["report"]).read_text())
    assert preview["summary"] == {"create": 4, "update": 1, "skip": 5, "fail": 0,
                                  "excluded": 1}
    assert ("would **create 4**, **update 1**, skip 5; **0** expected to fail; 1 excluded"
            in run.summary)
    rows = [ln for ln in run.summary.splitlines() if ln.startswith("| ")][1:]
    assert len(rows) == 11 and rows[0].startswith("| 🚫&nbsp;excluded |")
    assert "```text" not in run.summary
    assert "Promote preview: 4 to create, 1 to update" in run.stdout


def test_rejected_token_is_an_error_annotation(sandbox: RunningSandbox, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    run = run_action(ws, {"direction": "promote", "promote-type": "checks",
                          "from": "warehouse-dev", "to": "warehouse-prod",
                          "url": sandbox.url, "token": "not-a-valid-token-123",
                          "dry-run": "false"}, event_name="push", event={}, fake_engine=False)
    assert run.code == 1
    assert any(ln.startswith("::error title=qualytics-ci::") for ln in run.stdout.splitlines())
    assert "not-a-valid-token-123" not in run.everything.replace(
        "::add-mask::not-a-valid-token-123", "")
