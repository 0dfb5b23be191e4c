"""After an import, plan and drift agree that nothing is left to do: no phantom
difference from a uid the file does not write, or from keys the API manages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualytics_ci.api.client import Client

from .e2e import DEV, Cli

ORDERS_CHECKS = "datastores/warehouse_dev/checks/orders"


def test_a_check_written_without_a_uid_is_in_sync_after_its_import(cli: Cli) -> None:
    # A user writes a new check the short way, without additional_metadata.
    assert cli.run("export", *DEV).code == 0
    new = cli.folder / ORDERS_CHECKS / "notnull__shipped_at.yaml"
    new.write_text("rule_type: notNull\ncontainer: orders\nfields:\n- shipped_at\n")
    first = cli.run("plan", *DEV, "--detailed-exitcode")
    assert first.code == 2 and "+ create check warehouse-dev/orders/" \
        "orders__notnull__shipped_at" in first.out, first.out
    imported = cli.run("import", *DEV)
    assert imported.code == 0, imported.out + imported.err
    # The import stored the derived uid on the check ...
    stored = [c["additional_metadata"].get("_qualytics_check_uid") for c in cli.api(
        "GET", "/quality-checks", params={"datastore": 1, "size": 100})["items"]]
    assert stored.count("orders__notnull__shipped_at") == 1
    # ... and neither plan nor drift sees a difference in it any more.
    plan = cli.run("plan", *DEV, "--detailed-exitcode")
    assert plan.code == 0, plan.out
    assert "No changes" in plan.out
    drift = cli.run("drift", *DEV, "--json", "drift.json")
    assert drift.code == 0, drift.out
    assert json.loads(Path("drift.json").read_text())["drifted"] is False
    assert "_qualytics_check_uid" not in drift.out


MANAGED = ("id", "created", "last_updated", "last_editor_id", "anomaly_count", "last_asserted")


def test_keys_the_api_manages_are_ignored_from_import_to_plan(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # A folder written by another exporter: every file has an id and a created timestamp,
    # the checks their statistics too. One check is really edited, one computed field too.
    assert cli.run("export", *DEV).code == 0
    files = sorted(cli.folder.rglob("*.yaml"))
    for n, path in enumerate(files, start=1):
        extra = f'id: {n}\ncreated: "2024-05-01T10:00:00.000Z"\n'
        if "/checks/" in str(path):
            extra += ('last_updated: "2024-06-01T10:00:00.000Z"\nlast_editor_id: 7\n'
                      'anomaly_count: 12\nlast_asserted: "2024-06-02T00:00:00.000Z"\n')
        path.write_text(path.read_text() + extra)
    between = cli.folder / ORDERS_CHECKS / "between__total_amount.yaml"
    between.write_text(between.read_text().replace(
        "description: between on orders.total_amount", "description: reviewed"))
    field = cli.folder / "datastores/warehouse_dev/containers/customers/computed_fields" \
        / "email_domain.yaml"
    field.write_text(field.read_text().replace("lower(", "upper("))
    checks = sum("/checks/" in str(p) for p in files)

    plan = cli.run("plan", *DEV, "--json", "plan.json")
    assert plan.code == 0, plan.err
    summary = json.loads(Path("plan.json").read_text())["summary"]
    assert (summary["update"], summary["create"]) == (2, 0), plan.out
    assert "created" not in plan.out and "anomaly_count" not in plan.out
    # Warned once per key, not once per file.
    warnings = [line for line in plan.err.splitlines() if "server-managed" in line]
    assert len(warnings) == len(MANAGED), plan.err
    assert f"warning: {len(files)} files carry server-managed key `created`; it is ignored " \
        "(first: connections/warehouse_dev_db.yaml:" in plan.err
    assert f"warning: {checks} files carry server-managed key `anomaly_count`" in plan.err
    assert "unknown key" not in plan.err

    sent: list[object] = []
    original = Client.request

    def recording(self: Client, method: str, path: str, **kw: object) -> object:
        if method.upper() != "GET":
            sent.append(kw.get("json"))
        return original(self, method, path, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Client, "request", recording)
    imported = cli.run("import", *DEV)
    assert imported.code == 0, imported.out + imported.err
    assert len(sent) == 2  # the check's PUT and the computed field's PUT
    for body in sent:
        assert isinstance(body, dict) and not set(MANAGED) & set(body), body

    again = cli.run("plan", *DEV, "--detailed-exitcode")
    assert again.code == 0, again.out
    assert "No changes" in again.out
    assert cli.run("drift", *DEV).code == 0
