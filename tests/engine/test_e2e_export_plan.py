"""Export and plan against the sandbox: determinism, list-only reads, field-level diffs."""

from __future__ import annotations

from pathlib import Path

from .e2e import DEV, Cli, Counting

LISTS = {"GET /api/connections", "GET /api/datastores", "GET /api/containers",
         "GET /api/quality-checks"}
BETWEEN = "datastores/warehouse_dev/checks/orders/between__total_amount.yaml"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_reads_list_pages_only_and_reexport_rewrites_nothing(cli: Cli) -> None:
    with Counting(cli) as first:
        assert cli.run("export").code == 0
    assert first.templates <= LISTS and not first.writes
    assert first.by_template["GET /api/connections"] == 1
    before = snapshot(cli.folder)
    assert "connections/warehouse_dev_db.yaml" in before
    text = before["connections/warehouse_dev_db.yaml"][0].decode()
    assert "password: ${WAREHOUSE_DEV_DB_PASSWORD}" in text
    result = cli.run("export")
    assert "0 written" in result.out and "0 removed" in result.out
    assert snapshot(cli.folder) == before


def test_export_removes_files_of_vanished_checks_only_in_scope(cli: Cli) -> None:
    cli.run("export")
    stray = cli.folder / "datastores/warehouse_dev/checks/orders/notnull__gone.yaml"
    stray.write_text((cli.folder / BETWEEN).read_text())
    other = cli.folder / "datastores/lake_dev/checks/web_sessions/notnull__gone.yaml"
    other.write_text((cli.folder / BETWEEN).read_text())
    keep = cli.folder / "overrides/prod/connections/x.yaml"
    keep.parent.mkdir(parents=True)
    keep.write_text("name: x\n")
    result = cli.run("export", *DEV)
    assert "1 removed" in result.out
    assert not stray.exists() and other.exists() and keep.exists()


def test_exported_folder_validates_and_plans_empty_with_list_reads_only(cli: Cli) -> None:
    cli.run("export")
    assert cli.run("validate", target=False).code == 0
    with Counting(cli) as plan:
        result = cli.run("plan", "--detailed-exitcode")
    assert result.code == 0, result.out + result.err
    assert "No changes." in result.out
    assert result.out.count("Plan: 0 to create, 0 to update, 0 to archive") == 1
    assert plan.templates <= LISTS and not plan.writes
    # one page per kind per datastore (+ the archived checks): 6 datastores
    assert plan.by_template["GET /api/containers"] == 6
    assert plan.by_template["GET /api/quality-checks"] == 12


def test_one_edit_is_one_update_naming_the_field_and_import_converges(cli: Cli) -> None:
    cli.run("export", *DEV)
    path = cli.folder / BETWEEN
    path.write_text(path.read_text().replace("max: 100000", "max: 250000"))
    result = cli.run("plan", *DEV, "--detailed-exitcode", "--json", "plan.json")
    assert result.code == 2
    assert "  ~ update check warehouse-dev/orders/orders__between__total_amount" in result.out
    assert "      ~ properties.max: 100000 -> 250000" in result.out
    assert "Plan: 0 to create, 1 to update, 0 to archive" in result.out
    with Counting(cli) as imported:
        assert cli.run("import", *DEV).code == 0
    assert imported.writes == {"PUT /api/quality-checks/{id}": 1}
    assert "GET /api/quality-checks/{id}" not in imported.templates
    again = cli.run("plan", *DEV, "--detailed-exitcode")
    assert again.code == 0 and "No changes." in again.out
    with Counting(cli) as noop:
        assert cli.run("import", *DEV).code == 0
    assert noop.writes == {} and noop.templates <= LISTS


def test_plan_json_carries_digest_and_fields(cli: Cli) -> None:
    import json

    cli.run("export", *DEV)
    path = cli.folder / BETWEEN
    path.write_text(path.read_text().replace("- finance", "- finance\n- audited"))
    cli.run("plan", *DEV, "--json", "plan.json")
    data = json.loads(Path("plan.json").read_text())
    assert data["summary"]["update"] == 1
    (change,) = [c for c in data["changes"] if c["action"] == "update"]
    assert change["fields"] == [{"path": "tags", "before": ["finance"],
                                 "after": ["audited", "finance"]}]
    assert change["file"] == BETWEEN
    assert data["digest"] == "-".join(data["digests"][k] for k in
                                      ("options", "target", "folder", "changes"))
    refused = cli.run("import", *DEV, "--expect-plan", "0000000000000000")
    assert refused.code == 1 and "is not a plan digest" in refused.err
    with Counting(cli) as ok:
        assert cli.run("import", *DEV, "--expect-plan", data["digest"]).code == 0
    assert ok.writes == {"PUT /api/quality-checks/{id}": 1}


def test_progress_goes_to_stderr_unless_quiet(cli: Cli) -> None:
    both = [*DEV, "--datastore", "lake-dev"]
    loud = cli.run("export", *both, quiet=False)
    assert loud.err.count("reading target: 2/2") == 1 and "reading target: 0/2" not in loud.err
    assert "writing files:" in loud.err
    assert "reading" not in loud.out and "writing" not in loud.out
    # one datastore, read at once: nothing worth a line in a CI log
    plan = cli.run("plan", *DEV, quiet=False)
    assert "reading target" not in plan.err and "reading" not in plan.out
    files = sum(1 for p in cli.folder.rglob("*.yaml"))
    assert plan.err.count(f"reading files: {files}/{files}") == 1
    assert cli.run("plan", *DEV).err == ""
