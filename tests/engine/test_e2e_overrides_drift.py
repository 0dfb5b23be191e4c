"""Per-environment overrides and drift detection against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .e2e import DEV, Cli, Counting

BETWEEN = "datastores/warehouse_dev/checks/orders/between__total_amount.yaml"
NOTNULL = "datastores/warehouse_dev/checks/orders/notnull__order_id.yaml"


def override(cli: Cli, env: str, rel: str, text: str) -> None:
    path = cli.folder / "overrides" / env / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_overrides_merge_add_and_delete_per_environment(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.run("export", *DEV)
    override(cli, "prod", BETWEEN, "properties:\n  max: 5000\n")
    override(cli, "prod", NOTNULL, "_delete: true\n")
    extra = (cli.folder / NOTNULL).read_text().replace("order_id", "order_date")
    override(cli, "prod", "datastores/warehouse_dev/checks/orders/notnull__order_date.yaml",
             extra)
    assert cli.run("plan", *DEV, "--detailed-exitcode").code == 0  # base is unchanged
    result = cli.run("plan", *DEV, "--prune", "--env", "prod")
    assert "      ~ properties.max: 100000 -> 5000" in result.out
    assert "  + create check warehouse-dev/orders/orders__notnull__order_date" in result.out
    assert "  - archive check warehouse-dev/orders/orders__notnull__order_id" in result.out
    assert "1 to create, 1 to update, 1 to archive" in result.out
    monkeypatch.setenv("QUALYTICS_ENV", "prod")
    assert cli.run("validate", target=False).code == 0
    assert cli.run("import", *DEV, "--prune").code == 0
    assert cli.run("plan", *DEV, "--prune", "--detailed-exitcode").code == 0


def test_drift_names_entities_and_fields_changed_through_the_api(cli: Cli) -> None:
    cli.run("export", *DEV)
    assert cli.run("drift", *DEV).code == 0
    checks = cli.api("GET", "/quality-checks", params={"datastore": 1, "size": 100})["items"]
    between = next(c for c in checks
                   if c["additional_metadata"].get("_qualytics_check_uid")
                   == "orders__between__total_amount")
    body = {"description": between["description"], "fields": ["total_amount"],
            "coverage": None, "filter": "status <> 'void'", "properties": between["properties"],
            "tags": ["finance"], "additional_metadata": between["additional_metadata"],
            "status": "Active", "anomaly_message_field": None}
    cli.api("PUT", f"/quality-checks/{between['id']}", json=body)
    cli.api("POST", "/quality-checks", json={
        "container_id": between["container"]["id"], "rule": "notNull",
        "fields": ["order_date"], "description": "added in the UI", "properties": {},
        "tags": [], "status": "Active", "additional_metadata": {}})
    with Counting(cli) as read:
        result = cli.run("drift", *DEV, "--json", "drift.json")
    assert result.code == 2
    assert not read.writes
    assert "changed on the target: check warehouse-dev/orders/orders__between__total_amount" \
        in result.out
    assert "      ~ filter: folder null, target \"status <> 'void'\"" in result.out
    assert "only on the target: check warehouse-dev/orders/orders__notnull__order_date" \
        in result.out
    data = json.loads(Path("drift.json").read_text())
    assert data["drifted"] is True
    assert data["summary"]["changed"] == 1 and data["summary"]["only_on_target"] == 1
    changed = next(i for i in data["items"] if i["state"] == "changed")
    assert changed["fields"] == [{"path": "filter", "folder": None,
                                  "target": "status <> 'void'"}]


def test_drift_reports_entities_missing_on_the_target(cli: Cli) -> None:
    cli.run("export", *DEV)
    checks = cli.api("GET", "/quality-checks", params={"datastore": 1, "size": 100})["items"]
    victim = next(c for c in checks if c["additional_metadata"].get("_qualytics_check_uid")
                  == "orders__notnull__order_id")
    cli.api("DELETE", f"/quality-checks/{victim['id']}", params={"archive": "true"})
    result = cli.run("drift", *DEV)
    assert result.code == 2
    assert "missing on the target: check warehouse-dev/orders/orders__notnull__order_id" \
        in result.out
