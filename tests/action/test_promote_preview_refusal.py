"""A promote previewed on a pull request with a token the run would refuse: the job
summary and the PR comment say so up front, and the outputs count every selected check
as expected to fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qualytics_ci.sandbox.server import RunningSandbox

from .harness import run_action


def test_the_pull_request_shows_the_refusal_before_the_merge(
        sandbox: RunningSandbox, tmp_path: Path, github_stub: Any) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    run = run_action(ws, {"direction": "promote", "promote-type": "checks",
                          "from": "warehouse-dev/orders", "to": "warehouse-prod/orders",
                          "url": sandbox.url, "token": sandbox.tokens["reporter"],
                          "comment": "always"},
                     api_url=github_stub.url, fake_engine=False)
    assert run.code == 0, run.stdout + run.stderr
    o = run.outputs
    assert (o["created"], o["updated"], o["unchanged"], o["failed"]) == ("0", "0", "0", "10")
    assert o["has-changes"] == "false" and o["operation-id"] == ""
    refusal = ("⛔ **the promote would be refused (403): it needs Editor team permission on "
               "both warehouse-dev and warehouse-prod, and the token's user "
               "reporter@sandbox.qualytics.local lacks it on warehouse-dev (Reporter), "
               "warehouse-prod (Reporter); nothing would be enqueued**")
    (comment,) = [c["body"] for c in github_stub.comments_on(7)]
    for doc in (run.summary, comment):
        assert refusal in doc
        assert "**0** expected to fail" not in doc and "**10** expected to fail" in doc
    preview = json.loads((ws / o["report"]).read_text(encoding="utf-8"))
    assert preview["refused"] is not None and preview["summary"]["fail"] == 10
