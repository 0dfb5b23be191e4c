"""The promote operation itself: refusals, progress, results endpoints, abort, timeout."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from qualytics_ci.api.errors import Forbidden, Unprocessable
from qualytics_ci.promote.report import exit_code
from qualytics_ci.promote.run import PromoteOptions, report_promote, run_promote
from qualytics_ci.sandbox.server import RunningSandbox

from .helpers import client, ids, promote, promote_json, set_operation_seconds

ORDERS = ("--type", "checks", "--from", "warehouse-dev/orders", "--to", "warehouse-prod/orders")


def _body(sandbox: RunningSandbox, **extra: Any) -> dict[str, Any]:
    dev, orders = ids(sandbox, "warehouse-dev", "orders")
    _prod, prod_orders = ids(sandbox, "warehouse-prod", "orders")
    return {"type": "promote_quality_check", "datastore_id": dev, "container_id": orders,
            "destination_container_id": prod_orders, **extra}


def test_server_refuses_bad_requests_with_422_and_enqueues_nothing(
        sandbox: RunningSandbox) -> None:
    api = client(sandbox)
    body = _body(sandbox)
    with pytest.raises(Unprocessable, match="Source and destination must be different"):
        api.run_operation({**body, "destination_container_id": body["container_id"]})
    with pytest.raises(Unprocessable, match="mutually exclusive"):
        api.run_operation({**body, "check_ids": [1], "check_tags": ["x"]})
    lake = ids(sandbox, "lake-prod")[0]
    with pytest.raises(Unprocessable, match="not a JDBC datastore"):
        api.run_operation({"type": "promote_computed_table", "datastore_id": body["datastore_id"],
                           "destination_datastore_id": lake})
    with pytest.raises(Unprocessable, match="mapping is required"):
        api.run_operation({"type": "promote_computed_file",
                           "datastore_id": ids(sandbox, "lake-dev")[0],
                           "destination_datastore_id": lake})
    with pytest.raises(Forbidden, match="Editor team permission on both"):
        client(sandbox, "reporter").run_operation(body)
    assert not [op for op in sandbox.store.table("operations").values()
                if op["type"] == "promote"]


def test_results_endpoints_filter_search_and_paginate(sandbox: RunningSandbox) -> None:
    api = client(sandbox)
    op = api.run_operation(_body(sandbox))
    assert op["type"] == "promote" and op["promote_type"] == "quality_check"
    assert op["as_draft"] is True and op["destination_container"]["name"] == "orders"
    path = f"/operations/{op['id']}/quality-checks"
    page = api.get(path, params={"size": 3, "page": 2})
    assert page["total"] == 10 and len(page["items"]) == 3 and page["pages"] == 4
    both = list(api.list_operation_results(op["id"], "quality-checks",
                                           promote_result=["created", "updated"]))
    assert {r["result"] for r in both} == {"created", "updated"} and len(both) == 5
    found = list(api.list_operation_results(op["id"], "quality-checks", search="freshness"))
    assert [r["source_entity"]["rule_type"] for r in found] == ["freshness"]
    assert list(api.list_operation_results(op["id"], "fields")) == []


def test_entities_are_processed_progressively(sandbox: RunningSandbox) -> None:
    set_operation_seconds(sandbox, 2.0)
    api = client(sandbox)
    op = api.run_operation(_body(sandbox))
    assert op["result"] == "running" and op["status"]["total"] == 10
    time.sleep(0.5)
    middle = api.get_operation(op["id"])
    assert middle["result"] == "running"
    assert 0 < len(middle["results"]) < 10
    requests.post(f"{sandbox.url}/_sandbox/operations/finish", headers=sandbox.headers("admin"),
                  timeout=10).raise_for_status()
    done = api.get_operation(op["id"])
    assert done["result"] == "success" and len(done["results"]) == 10


@pytest.mark.parametrize("how", ["api", "control"])
def test_abort_keeps_the_results_processed_so_far(sandbox: RunningSandbox, how: str) -> None:
    set_operation_seconds(sandbox, 3.0)
    api = client(sandbox)
    op = api.run_operation(_body(sandbox))
    time.sleep(0.6)
    if how == "api":
        api.abort_operation(op["id"])
    else:
        requests.post(f"{sandbox.url}/_sandbox/operations/{op['id']}/abort",
                      headers=sandbox.headers("admin"), timeout=10).raise_for_status()
    aborted = api.get_operation(op["id"])
    assert aborted["result"] == "aborted"
    processed = sum(aborted["status"][k] for k in ("created", "updated", "skipped", "failed"))
    assert 0 < processed < 10
    time.sleep(0.4)
    assert api.get_operation(op["id"])["status"] == aborted["status"]
    report = report_promote(api, aborted)
    assert report.result == "aborted" and len(report.results) == processed
    assert exit_code(report) == 1


def test_timeout_leaves_the_operation_running(sandbox: RunningSandbox, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    set_operation_seconds(sandbox, 30)
    report = tmp_path / "r.json"
    started = time.monotonic()
    assert promote(sandbox, *ORDERS, "--timeout", "0.4", "--report", str(report)) == 1
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err
    assert "is still running (not finished after 0.4 s); it was left running" in err
    op_id = max(i for i, op in sandbox.store.table("operations").items()
                if op["type"] == "promote")
    assert f"GET /api/operations/{op_id}" in err
    assert client(sandbox).get_operation(op_id)["result"] == "running"
    assert '"result": "running"' in report.read_text()


def test_no_wait_prints_the_id_at_once(sandbox: RunningSandbox, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    set_operation_seconds(sandbox, 30)
    report = tmp_path / "r.json"
    assert promote(sandbox, *ORDERS, "--no-wait", "--report", str(report)) == 0
    out = capsys.readouterr().out
    assert out.startswith("Promote operation ") and "started" in out
    data = json.loads(report.read_text())
    assert data["result"] == "running" and data["status"]["total"] == 10
    assert f"Promote operation {data['operation_id']} started" in out


def test_run_promote_with_a_fast_poller(sandbox: RunningSandbox) -> None:
    set_operation_seconds(sandbox, 0.3)
    sleeps: list[float] = []

    def fast(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(0.05)

    report = run_promote(client(sandbox, "editor"),
                         PromoteOptions("checks", "warehouse-dev/orders",
                                        "warehouse-prod/orders", tags=("critical",)),
                         sleep=fast)
    assert report.result == "success" and report.total == 2 and sleeps


def test_all_failed_is_exit_1(sandbox: RunningSandbox, tmp_path: Path) -> None:
    code, report = promote_json(sandbox, tmp_path, "--type", "checks", "--from",
                                "warehouse-dev/customers", "--to", "warehouse-prod/customers",
                                "--active", "--tags", "nothing-has-this")
    assert code == 0 and report["status"]["total"] == 0
    prod_orders = ids(sandbox, "warehouse-prod", "orders")[1]
    assert prod_orders is not None
    code, report = promote_json(sandbox, tmp_path, "--type", "checks", "--from",
                                "warehouse-dev/customers", "--to", "warehouse-prod/orders",
                                "--active", "--ids", str(_loyalty_check(sandbox)))
    assert code == 1 and report["result"] == "failure"


def _loyalty_check(sandbox: RunningSandbox) -> int:
    _dev, customers = ids(sandbox, "warehouse-dev", "customers")
    assert customers is not None
    return next(c["id"] for c in sandbox.store.checks_of(customers)
                if "loyalty_tier" in c["fields"])


def test_progress_goes_to_stderr_unless_quiet(sandbox: RunningSandbox,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from qualytics_ci.cli import main

    set_operation_seconds(sandbox, 0.3)
    argv = ["promote", "--url", sandbox.url, "--token", sandbox.tokens["editor"], *ORDERS]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "promote operation" in captured.err and "/10" in captured.err
    assert "/10" not in captured.out
    assert main(["--quiet", *argv]) == 0
    assert capsys.readouterr().err == ""


def test_the_report_goes_into_a_folder_that_does_not_exist_yet(sandbox: RunningSandbox,
                                                               tmp_path: Path) -> None:
    """As docs/reports.md promises for every --json/--report: missing parents are made,
    and the file is written even though the promote ran first."""
    report = tmp_path / "reports" / "promote" / "r.json"
    assert promote(sandbox, *ORDERS, "--report", str(report)) == 0
    assert json.loads(report.read_text())["result"] == "success"
