"""One refused write stops only what needs the refused entity to exist.

A Member with Editor team permission may change datastores, computed assets and
checks, but not connections (Manager role). Their import of a folder that also
changes the connection gets a 403 for the connection and applies the rest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from reliability_kit import Runner, Target, copy_folder, not_null_check, set_description

DS = "warehouse-dev"
DS_DIR = "datastores/warehouse_dev"
BETWEEN = f"{DS_DIR}/checks/orders/between__total_amount.yaml"


@pytest.fixture
def folder(demo_export: Path, demo_env: dict[str, str], run: Runner, tmp_path: Path) -> Path:
    run.env.update(demo_env)
    return copy_folder(demo_export, tmp_path / "config")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, text
    path.write_text(text.replace(old, new), encoding="utf-8")


def results(report: Path) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["kind"], r["name"]): r for r in json.loads(report.read_text())["results"]}


def test_a_refused_connection_update_does_not_skip_what_exists_under_it(
        run: Runner, target: Target, folder: Path, tmp_path: Path) -> None:
    # One pull request moves the warehouse's connection to another port, raises the
    # datastore's rollup threshold, edits a computed field and a check, and adds a check.
    replace(folder / "connections/warehouse_dev_db.yaml", "port: 5432", "port: 6543")
    replace(folder / DS_DIR / "_datastore.yaml", "high_count_rollup_threshold: 10",
            "high_count_rollup_threshold: 20")
    replace(folder / DS_DIR / "containers/customers/computed_fields/email_domain.yaml",
            "lower(", "upper(")
    set_description(folder / BETWEEN, "reviewed by finance")
    (folder / DS_DIR / "checks/orders/notnull__shipped_at.yaml").write_text(
        not_null_check("orders__notnull__shipped_at", field="shipped_at"), encoding="utf-8")
    planned = tmp_path / "plan.json"
    assert run("plan", "--input", str(folder), "--json", str(planned)).code == 0
    assert json.loads(planned.read_text())["summary"]["update"] == 4

    # The deploy runs with a Member's token: the connection's PUT is refused ...
    report = tmp_path / "report.json"
    mark = target.mark()
    result = run("import", "--input", str(folder), "--report", str(report),
                 token=target.tokens["editor"])
    assert result.code == 3, result
    assert "Traceback" not in result.text
    writes = {(w["template"], w["status"]) for w in target.writes_since(mark)}
    assert ("PUT /api/connections/{id}", 403) in writes
    # ... and everything else, which exists or needs only what exists, is applied.
    assert {("PUT /api/datastores/{id}", 200), ("PUT /api/computed-fields/{id}", 200),
            ("PUT /api/quality-checks/{id}", 200), ("POST /api/quality-checks", 200)} <= \
        writes, writes
    by_entity = results(report)
    connection = by_entity[("connection", "warehouse-dev-db")]
    assert connection["result"] == "failed" and "Manager" in connection["message"]
    assert [r for r in by_entity.values() if r["result"] == "skipped"] == []
    for key in (("datastore", DS), ("computed_field", "email_domain"),
                ("check", "orders__between__total_amount"),
                ("check", "orders__notnull__shipped_at")):
        assert by_entity[key]["result"] == "ok", by_entity[key]
    assert "1 failed" in result.out and "skipped" not in result.out.splitlines()[-1]

    # What is left is exactly the refused change, for someone allowed to make it.
    left = tmp_path / "left.json"
    assert run("plan", "--input", str(folder), "--json", str(left)).code == 0
    changed = [(c["kind"], c["name"]) for c in json.loads(left.read_text())["changes"]
               if c["action"] != "unchanged"]
    assert changed == [("connection", "warehouse-dev-db")]
    assert run("import", "--input", str(folder), token=target.tokens["manager"]).code == 0
    assert run("plan", "--input", str(folder), "--detailed-exitcode").code == 0


def test_what_needs_a_refused_create_is_skipped_and_says_why(
        run: Runner, target: Target, folder: Path, tmp_path: Path) -> None:
    # A new datastore (Managers only) with a computed table and a check on it, next to an
    # edit of an existing check.
    new = folder / "datastores/new_store"
    (new / "containers/late_orders").mkdir(parents=True)
    (new / "checks/late_orders").mkdir(parents=True)
    (new / "_datastore.yaml").write_text(
        "name: new-store\nconnection_name: warehouse-dev-db\ndatabase: analytics\n"
        "schema: public\n", encoding="utf-8")
    (new / "containers/late_orders/_container.yaml").write_text(
        "container_type: computed_table\nname: late_orders\n"
        "query: SELECT order_id, status FROM orders\n", encoding="utf-8")
    (new / "checks/late_orders/notnull__order_id.yaml").write_text(
        not_null_check("late_orders__notnull__order_id").replace(
            "container: orders", "container: late_orders"), encoding="utf-8")
    set_description(folder / BETWEEN, "reviewed by finance")

    report = tmp_path / "report.json"
    result = run("import", "--input", str(folder), "--report", str(report),
                 token=target.tokens["editor"])
    assert result.code == 3, result
    by_entity = results(report)
    assert by_entity[("datastore", "new-store")]["result"] == "failed"
    container = by_entity[("container", "late_orders")]
    assert container["result"] == "skipped"
    assert container["message"] == "needs datastore 'new-store', which failed"
    check = by_entity[("check", "late_orders__notnull__order_id")]
    assert check["result"] == "skipped"
    assert check["message"] == "needs datastore 'new-store', which failed"
    assert by_entity[("check", "orders__between__total_amount")]["result"] == "ok"
    assert "new-store" not in {d["name"] for d in target.all_pages("/api/datastores")}
