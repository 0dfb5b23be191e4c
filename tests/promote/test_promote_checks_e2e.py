"""Promoting quality checks against the sandbox, through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualytics_ci.sandbox.server import RunningSandbox

from .helpers import by_result, client, control, ids, promote, promote_json, request_log

ORDERS = ("--type", "checks", "--from", "warehouse-dev/orders", "--to", "warehouse-prod/orders")


def test_first_promote_creates_second_skips_edited_source_updates(
        sandbox: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, first = promote_json(sandbox, tmp_path, *ORDERS)
    out = capsys.readouterr().out
    assert code == 0 and first["result"] == "success"
    assert first["status"] == {"total": 10, "created": 4, "updated": 1, "skipped": 5,
                               "failed": 0}
    assert "between(total_amount)" in by_result(first)["updated"]
    assert "Promote success: 4 created, 1 updated, 5 skipped, 0 failed (of 10)." in out
    # archived and discarded source checks are never promoted
    assert "maxLength(currency)" not in str(first["results"])

    code, second = promote_json(sandbox, tmp_path, *ORDERS)
    assert code == 0 and second["status"]["skipped"] == 10

    api = client(sandbox)
    src = next(c for c in api.list_quality_checks(ids(sandbox, "warehouse-dev")[0])
               if c["rule_type"] == "notFuture")
    api.update_quality_check(src["id"], {"description": "No orders from the future",
                                         "fields": ["order_date"], "properties": {}})
    code, third = promote_json(sandbox, tmp_path, *ORDERS)
    assert code == 0 and by_result(third)["updated"] == ["notFuture(order_date)"]


def test_promoted_checks_carry_origin_metadata_tags_and_draft_status(
        sandbox: RunningSandbox, tmp_path: Path) -> None:
    code, report = promote_json(sandbox, tmp_path, *ORDERS, "--tags", "sla",
                                "--additional-tags", "promoted,from-dev")
    assert code == 0 and report["status"]["total"] == 1
    created = report["results"][0]
    check = client(sandbox).get_quality_check(created["destination_entity_id"])
    meta = check["additional_metadata"]
    assert meta["from quality check id"] == str(created["source_entity_id"])
    assert meta["main datastore id"] == str(ids(sandbox, "warehouse-dev")[0])
    assert {t["name"] for t in check["global_tags"]} == {"sla", "promoted", "from-dev"}
    assert check["status"] == "Draft"


def test_ids_select_and_archived_ids_are_excluded(sandbox: RunningSandbox,
                                                  tmp_path: Path) -> None:
    store = sandbox.store
    _dev, orders = ids(sandbox, "warehouse-dev", "orders")
    live = [c["id"] for c in store.checks_of(orders)][:2]
    archived = [c["id"] for c in store.checks_of(orders, archived=True)
                if c["status"] == "Discarded"]
    code, report = promote_json(sandbox, tmp_path, *ORDERS, "--ids",
                                ",".join(map(str, [*live, *archived])))
    assert code == 0
    assert sorted(r["source_entity_id"] for r in report["results"]) == sorted(live)


def test_ids_and_tags_together_are_refused_before_any_request(
        sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert promote(sandbox, *ORDERS, "--ids", "1", "--tags", "pii") == 1
    assert "mutually exclusive" in capsys.readouterr().err
    assert request_log(sandbox) == []


def test_same_source_and_destination_is_caught_before_sending(
        sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code = promote(sandbox, "--type", "checks", "--from", "warehouse-dev/orders",
                   "--to", f"warehouse-dev/{ids(sandbox, 'warehouse-dev', 'orders')[1]}")
    assert code == 1
    assert "source and destination must be different" in capsys.readouterr().err
    assert [e for e in request_log(sandbox) if e["method"] != "GET"] == []


def test_active_promotion_fails_validation_without_leaving_an_orphan(
        sandbox: RunningSandbox, tmp_path: Path) -> None:
    customers = ("--type", "checks", "--from", "warehouse-dev/customers",
                 "--to", "warehouse-prod/customers")
    code, report = promote_json(sandbox, tmp_path, *customers, "--active")
    assert code == 3
    failed = [r for r in report["results"] if r["result"] == "failed"]
    assert [r["message"] for r in failed] == [
        "Validation failed: field 'loyalty_tier' not found on destination container"]
    assert report["results"][0]["result"] == "failed"  # failures first
    _prod, prod_customers = ids(sandbox, "warehouse-prod", "customers")
    assert not [c for c in sandbox.store.checks_of(prod_customers, archived=True)
                if "loyalty_tier" in c["fields"]]
    created = client(sandbox).get_quality_check(
        next(r for r in report["results"] if r["result"] == "created")["destination_entity_id"])
    assert created["status"] == "Active"


def test_draft_promotion_keeps_a_check_whose_fields_are_missing(
        sandbox: RunningSandbox, tmp_path: Path) -> None:
    code, report = promote_json(sandbox, tmp_path, "--type", "checks", "--from",
                                "warehouse-dev/customers", "--to", "warehouse-prod/customers")
    assert code == 0
    row = next(r for r in report["results"] if "loyalty_tier" in r["source_name"])
    assert row["result"] == "created"
    assert "could not be resolved on the destination" in row["message"]


def test_missing_editor_on_the_destination_is_a_403_explained(
        sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str]) -> None:
    control(sandbox, "permissions", {"user": "editor", "permission": "Author",
                                     "datastore_id": ids(sandbox, "warehouse-prod")[0]})
    assert promote(sandbox, *ORDERS) == 1
    err = capsys.readouterr().err
    assert "needs Editor team permission on both warehouse-dev and warehouse-prod" in err
    assert not [op for op in sandbox.store.table("operations").values()
                if op["type"] == "promote"]


def test_dry_run_predicts_and_changes_nothing(sandbox: RunningSandbox,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert promote(sandbox, *ORDERS, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "4 to create, 1 to update, 5 to skip, 0 expected to fail, 1 excluded" in out
    assert "Certain:" in out and "Estimated:" in out
    assert "properties" in out and "50000" in out
    assert all(e["method"] == "GET" for e in request_log(sandbox))


def test_dry_run_report_is_the_preview_as_json(sandbox: RunningSandbox, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, preview = promote_json(sandbox, tmp_path, *ORDERS, "--dry-run", capsys=capsys)
    assert code == 0
    assert preview["type"] == "promote_quality_check"
    assert (preview["source"], preview["destination"]) == ("warehouse-dev/orders",
                                                           "warehouse-prod/orders")
    assert preview["request"]["type"] == "promote_quality_check"
    assert preview["summary"] == {"create": 4, "update": 1, "skip": 5, "fail": 0,
                                  "excluded": 1}
    assert preview["entities"][0]["action"] == "excluded"
    assert "never promoted" in preview["entities"][0]["detail"]
    update = next(e for e in preview["entities"] if e["action"] == "update")
    assert update["destination_entity_id"] and update["fields"]
    assert {"path", "before", "after"} == set(update["fields"][0])
    assert preview["certain"] and preview["estimated"]
    assert all(e["method"] == "GET" for e in request_log(sandbox))
