"""After an import, plan and drift agree that nothing is left to do: no phantom
difference from a uid the file does not write, or from keys the API manages."""

from __future__ import annotations

import json
from pathlib import Path

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
