"""`drift --adopt` against the sandbox: changes made through the API (as in the UI) become
exactly the drifted entities' files, in the folder's layout, and drift is then empty."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from .e2e import DEV, Cli, Counting

BETWEEN = "datastores/warehouse_dev/checks/orders/between__total_amount.yaml"
NOTNULL = "datastores/warehouse_dev/checks/orders/notnull__order_id.yaml"
NEW = "datastores/warehouse_dev/checks/orders/notnull__order_date.yaml"


def git(folder: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True,
                          timeout=60, check=True)
    return proc.stdout


def commit(folder: Path) -> None:
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")


def status(folder: Path) -> list[str]:
    """``git status`` as "XY path" lines, untracked files listed one by one."""
    return sorted(git(folder, "status", "--porcelain", "--untracked-files=all").splitlines())


def check_by_uid(cli: Cli, uid: str) -> dict[str, Any]:
    checks = cli.api("GET", "/quality-checks", params={"datastore": 1, "size": 100})["items"]
    return next(c for c in checks if c["additional_metadata"].get("_qualytics_check_uid") == uid)


def change_on_target(cli: Cli) -> None:
    """One check edited, one created and one archived, as a UI user would."""
    between = check_by_uid(cli, "orders__between__total_amount")
    body = {"description": between["description"], "fields": ["total_amount"],
            "coverage": None, "filter": "status <> 'void'", "properties": between["properties"],
            "tags": [t["name"] for t in between.get("global_tags", [])],
            "additional_metadata": between["additional_metadata"], "status": "Active",
            "anomaly_message_field": None}
    cli.api("PUT", f"/quality-checks/{between['id']}", json=body)
    cli.api("POST", "/quality-checks", json={
        "container_id": between["container"]["id"], "rule": "notNull",
        "fields": ["order_date"], "description": "added in the UI", "properties": {},
        "tags": [], "status": "Active", "additional_metadata": {}})
    victim = check_by_uid(cli, "orders__notnull__order_id")
    cli.api("DELETE", f"/quality-checks/{victim['id']}", params={"archive": "true"})


def test_adopt_writes_exactly_the_drifted_files_then_drift_is_empty(cli: Cli,
                                                                    tmp_path: Path) -> None:
    cli.run("export", *DEV)
    commit(cli.folder)
    change_on_target(cli)

    with Counting(cli) as counted:
        result = cli.run("drift", *DEV, "--adopt", "--json", "drift.json")
    assert result.code == 2, result.err
    assert not counted.writes  # adopting writes the folder, never the target
    assert f"  wrote {BETWEEN}" in result.out and f"  wrote {NEW}" in result.out
    assert f"  removed {NOTNULL}" in result.out
    assert "Adopted: 2 file(s) written, 1 removed." in result.out
    adopted = json.loads(Path("drift.json").read_text())["adopted"]
    assert adopted == {"written": [BETWEEN, NEW], "removed": [NOTNULL], "kept": []}

    # every other file is untouched; the three entities' files are what a fresh export says
    assert status(cli.folder) == sorted([f" M {BETWEEN}", f" D {NOTNULL}", f"?? {NEW}"])
    fresh = tmp_path / "fresh"
    assert cli.run("export", *DEV, "--output", str(fresh), folder=False).code == 0
    for rel in (BETWEEN, NEW):
        assert (cli.folder / rel).read_bytes() == (fresh / rel).read_bytes(), rel
    diff = git(cli.folder, "diff", "--unified=0", BETWEEN)
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in
            ("+++", "---")] == ["-filter: null", "+filter: status <> 'void'"]

    again = cli.run("drift", *DEV)
    assert again.code == 0, again.out
    assert cli.run("drift", *DEV, "--adopt").out.rstrip().endswith(
        "Adopted nothing: the folder already says what the target has.")
    assert status(cli.folder) == sorted([f" M {BETWEEN}", f" D {NOTNULL}", f"?? {NEW}"])


def test_adopt_with_env_writes_a_minimal_override_and_leaves_the_base(cli: Cli) -> None:
    cli.run("export", *DEV)
    prod = cli.folder / "overrides" / "prod"
    (prod / BETWEEN).parent.mkdir(parents=True)
    (prod / BETWEEN).write_text("properties:\n  max: 5000\n")
    assert cli.run("import", *DEV, "--env", "prod").code == 0
    assert cli.run("drift", *DEV, "--env", "prod").code == 0
    commit(cli.folder)
    change_on_target(cli)

    result = cli.run("drift", *DEV, "--env", "prod", "--adopt")
    assert result.code == 2, result.err
    over = "overrides/prod/"
    assert status(cli.folder) == sorted([f" M {over}{BETWEEN}", f"?? {over}{NEW}",
                                         f"?? {over}{NOTNULL}"])
    # only the changed key joins the override already there; the base file is as it was
    assert (prod / BETWEEN).read_text() == (
        "properties:\n  max: 5000\nfilter: status <> 'void'\n")
    assert (prod / NOTNULL).read_text() == "_delete: true\n"
    assert "rule_type: notNull" in (prod / NEW).read_text()

    assert cli.run("drift", *DEV, "--env", "prod").code == 0
    base = cli.run("drift", *DEV)  # the base still says what it said: it differs from prod
    assert base.code == 2
    assert "~ properties.max: folder 100000, target 5000" in base.out


def test_adopt_of_a_change_in_an_environment_only_entity_edits_that_file(cli: Cli) -> None:
    cli.run("export", *DEV)
    prod = cli.folder / "overrides" / "prod"
    (prod / NEW).parent.mkdir(parents=True)
    (prod / NEW).write_text((cli.folder / NOTNULL).read_text().replace("order_id",
                                                                         "order_date"))
    assert cli.run("import", *DEV, "--env", "prod").code == 0
    commit(cli.folder)
    added = check_by_uid(cli, "orders__notnull__order_date")
    cli.api("DELETE", f"/quality-checks/{added['id']}", params={"archive": "true"})

    result = cli.run("drift", *DEV, "--env", "prod", "--adopt")
    assert result.code == 2, result.err
    assert status(cli.folder) == [f" D overrides/prod/{NEW}", "?? overrides/prod/.gitkeep"]
    assert cli.run("drift", *DEV, "--env", "prod").code == 0


CONNECTION = "connections/warehouse_dev_db.yaml"


def test_adopt_never_writes_a_value_the_folder_takes_from_a_variable(
        cli: Cli, monkeypatch: Any) -> None:
    """The folder says `host: ${WAREHOUSE_DEV_DB_HOST}`; the target's host is another (an
    old or a secret value). Unset, it is not compared; set, it differs but is sensitive:
    either way adopt leaves the placeholder in the file and writes no value into Git."""
    cli.run("export", *DEV)
    conn = cli.folder / CONNECTION
    target_host = next(line.split(": ", 1)[1] for line in conn.read_text().splitlines()
                       if line.startswith("host: "))
    conn.write_text(conn.read_text().replace(f"host: {target_host}",
                                             "host: ${WAREHOUSE_DEV_DB_HOST}"))
    commit(cli.folder)

    monkeypatch.delenv("WAREHOUSE_DEV_DB_HOST", raising=False)
    unset = cli.run("drift", *DEV, "--adopt")
    assert unset.code == 0, unset.out
    assert status(cli.folder) == []

    monkeypatch.setenv("WAREHOUSE_DEV_DB_HOST", "replica.acme.internal")
    differs = cli.run("drift", *DEV, "--adopt")
    assert differs.code == 2 and '~ host: folder "(sensitive)", target "(sensitive)"' in differs.out
    assert ("Adopted nothing. Not adopted, the folder takes them from a variable: connection "
            "warehouse-dev-db: host") in differs.out
    assert status(cli.folder) == []
    assert target_host not in conn.read_text() and "replica.acme.internal" not in conn.read_text()
