"""Import against the sandbox: new datastores, prune and restore, failures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .e2e import DEV, Cli, Counting

NOTNULL = "datastores/warehouse_dev/checks/orders/notnull__order_id.yaml"


def copy_datastore(cli: Cli, name: str) -> Path:
    src = cli.folder / "datastores/warehouse_dev"
    dst = cli.folder / f"datastores/{name.replace('-', '_')}"
    shutil.copytree(src, dst)
    ds = dst / "_datastore.yaml"
    ds.write_text(ds.read_text().replace("name: warehouse-dev\n", f"name: {name}\n"))
    return dst


def test_new_datastore_is_synced_before_its_checks_are_created(cli: Cli) -> None:
    cli.run("export", *DEV)
    copy_datastore(cli, "warehouse-qa")
    seq = cli.stats()["last_seq"]
    result = cli.run("import", "--datastore", "warehouse-qa", "--report", "report.json")
    assert result.code == 0, result.out + result.err
    log = [r["template"] for r in cli.requests_since(seq)]
    sync = log.index("POST /api/operations/run")
    assert log.index("POST /api/datastores") < sync
    assert min(i for i, r in enumerate(log) if r == "POST /api/quality-checks") > sync
    assert min(i for i, r in enumerate(log) if r == "POST /api/containers") > sync
    checks = sum(1 for r in log if r == "POST /api/quality-checks")
    report = json.loads(Path("report.json").read_text())
    created = [r for r in report["results"] if r["kind"] == "check"]
    assert checks == len(created) and all(r["result"] == "ok" for r in created)
    assert not any(r.endswith("/quality-checks/{id}") for r in log)  # no per-check reads
    again = cli.run("plan", "--datastore", "warehouse-qa", "--detailed-exitcode")
    assert again.code == 0, again.out


def test_prune_archives_and_reimport_restores(cli: Cli) -> None:
    cli.run("export", *DEV)
    saved = (cli.folder / NOTNULL).read_text()
    (cli.folder / NOTNULL).unlink()
    without = cli.run("plan", *DEV, "--detailed-exitcode")
    assert without.code == 0  # no --prune: nothing to archive
    plan = cli.run("plan", *DEV, "--prune")
    assert "  - archive check warehouse-dev/orders/orders__notnull__order_id" in plan.out
    assert "0 to create, 0 to update, 1 to archive" in plan.out
    with Counting(cli) as pruned:
        assert cli.run("import", *DEV, "--prune").code == 0
    assert pruned.writes == {"DELETE /api/quality-checks/{id}": 1}
    archived = cli.api("GET", "/quality-checks", params={"datastore": 1, "archived": "only"})
    assert any(c["additional_metadata"].get("_qualytics_check_uid") ==
               "orders__notnull__order_id" for c in archived["items"])
    (cli.folder / NOTNULL).write_text(saved)
    restore = cli.run("plan", *DEV)
    assert "~ status: \"Archived\" -> \"Active\"" in restore.out
    assert "1 to update" in restore.out and "0 to create" in restore.out
    with Counting(cli) as restored:
        assert cli.run("import", *DEV).code == 0
    assert restored.writes == {"PUT /api/quality-checks/{id}": 1}
    assert cli.run("plan", *DEV, "--detailed-exitcode").code == 0


def test_mass_archive_needs_the_flag_and_nothing_is_written(cli: Cli) -> None:
    cli.run("export", *DEV)
    shutil.rmtree(cli.folder / "datastores/warehouse_dev/checks/orders")
    with Counting(cli) as refused:
        result = cli.run("import", *DEV, "--prune")
    assert result.code == 1 and "--allow-mass-archive" in result.err
    assert refused.writes == {}
    allowed = cli.run("import", *DEV, "--prune", "--allow-mass-archive")
    assert allowed.code == 0


def test_one_failure_skips_dependants_and_exits_3(cli: Cli) -> None:
    cli.run("export", *DEV)
    qa = copy_datastore(cli, "warehouse-qa")
    # A check on a table the new datastore's sync will not find, and a computed field on it.
    bad = qa / "checks/orders/notnull__order_id.yaml"
    (qa / "checks/no_such_table").mkdir()
    (qa / "checks/no_such_table" / bad.name).write_text(
        bad.read_text().replace("container: orders", "container: no_such_table"))
    bad.unlink()
    field_dir = qa / "containers/no_such_table/computed_fields"
    field_dir.mkdir(parents=True)
    shutil.copy(qa / "containers/orders/computed_fields/total_amount_numeric.yaml", field_dir)
    result = cli.run("import", "--datastore", "warehouse-qa", "--report", "r.json")
    assert result.code == 3, result.out + result.err
    report = json.loads(Path("r.json").read_text())
    failed = [r for r in report["results"] if r["result"] == "failed"]
    assert {r["kind"] for r in failed} == {"check", "computed_field"}
    assert all("no_such_table" in r["message"] for r in failed)
    assert report["summary"]["ok"] > 30


def test_datastore_that_was_never_synced_is_synced_before_its_checks(cli: Cli) -> None:
    cli.run("export", *DEV)
    cli.api("POST", "/datastores", json={"name": "warehouse-qa", "connection_id": 1,
                                         "database": "analytics", "schema": "public"})
    copy_datastore(cli, "warehouse-qa")
    plan = cli.run("plan", "--datastore", "warehouse-qa")
    assert plan.code == 0, plan.err
    with Counting(cli) as sent:
        result = cli.run("import", "--datastore", "warehouse-qa")
    assert result.code == 0, result.out + result.err
    assert sent.writes["POST /api/operations/run"] == 1
    assert cli.run("plan", "--datastore", "warehouse-qa", "--detailed-exitcode").code == 0
