"""A pull request previews a promote with a token the run will refuse: the preview says
so up front, every selected check "would fail" with the reason, and the run then fails
exactly as predicted. With a token that holds Editor on both sides, nothing changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qualytics_ci.sandbox.server import RunningSandbox

from .helpers import control, ids, promote, promote_json, request_log

ORDERS = ("--type", "checks", "--from", "warehouse-dev/orders", "--to", "warehouse-prod/orders")


def preview(sandbox: RunningSandbox, tmp_path: Path, role: str,
            capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str]:
    report = tmp_path / f"preview-{role}.json"
    code = promote(sandbox, *ORDERS, "--dry-run", "--report", str(report), role=role)
    return code, json.loads(report.read_text(encoding="utf-8")), capsys.readouterr().out


def test_a_reporter_token_is_predicted_to_be_refused(sandbox: RunningSandbox, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, doc, out = preview(sandbox, tmp_path, "reporter", capsys)
    assert code == 0  # a preview changes nothing: it exits 0 (docs/promote.md)
    reason = ("the promote would be refused (403): it needs Editor team permission on both "
              "warehouse-dev and warehouse-prod, and the token's user "
              "reporter@sandbox.qualytics.local lacks it on warehouse-dev (Reporter), "
              "warehouse-prod (Reporter); nothing would be enqueued")
    assert doc["refused"] == reason
    assert doc["summary"] == {"create": 0, "update": 0, "skip": 0, "fail": 10, "excluded": 1}
    assert {e["detail"] for e in doc["entities"] if e["action"] == "fail"} == {
        "refused (403): no Editor on warehouse-dev (Reporter), warehouse-prod (Reporter)"}
    assert doc["certain"][0] == reason
    assert ("Promote preview: the promote would be refused (403): 10 expected to fail, "
            "1 excluded.") in out
    log = request_log(sandbox)
    assert {e["method"] for e in log} == {"GET"}
    assert {"GET /api/users/me", "GET /api/teams/listing"} <= {e["template"] for e in log}

    # The run is refused as predicted, and nothing is enqueued.
    assert promote(sandbox, *ORDERS, role="reporter") == 1
    assert "promote refused (403)" in capsys.readouterr().err
    assert not [op for op in sandbox.store.table("operations").values()
                if op["type"] == "promote"]


def test_editor_on_the_source_only_is_refused_naming_the_destination(
        sandbox: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    control(sandbox, "permissions", {"user": "editor", "permission": "Drafter",
                                     "datastore_id": ids(sandbox, "warehouse-prod")[0]})
    code, doc, _ = preview(sandbox, tmp_path, "editor", capsys)
    assert code == 0
    assert str(doc["refused"]).endswith("lacks it on warehouse-prod (Drafter); nothing would "
                                        "be enqueued")
    assert promote(sandbox, *ORDERS, role="editor") == 1


def test_an_editor_token_is_predicted_as_before(sandbox: RunningSandbox, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, doc, _ = preview(sandbox, tmp_path, "editor", capsys)
    assert code == 0 and doc["refused"] is None
    assert doc["summary"] == {"create": 4, "update": 1, "skip": 5, "fail": 0, "excluded": 1}
    assert doc["certain"][0] == ("permission: the token's user editor@sandbox.qualytics.local "
                                 "holds Editor on warehouse-dev and warehouse-prod")
    code, report = promote_json(sandbox, tmp_path, *ORDERS)
    assert code == 0 and report["status"]["created"] == 4
