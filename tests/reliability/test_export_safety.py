"""Export against the sandbox, into folders that are not its own: refused before the
first request, never written through a link leading out, never half-written; every
file it removes is named (terminal and ``--json``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from reliability_kit import Runner, Target

DEV = ["--datastore", "warehouse-dev"]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def test_a_project_root_is_refused_before_any_request_and_nothing_is_removed(
        run: Runner, target: Target, tmp_path: Path) -> None:
    project = tmp_path / "project"
    for rel in ("README.md", "src/app.py", "connections/mine.yaml", "connections/ci.yaml"):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(f"{rel}: mine\n")
    before = snapshot(project)
    mark = target.mark()
    result = run("export", "--output", str(project))
    assert result.code == 1, result
    assert result.err.splitlines() == [
        f"error: --output {project} is not a config folder (it has src): export removes the "
        "layout's files it did not write, so it writes only into a new or empty folder or a "
        "config folder",
        "  hint: give --output a new folder (e.g. qualytics-config), or pass --force to "
        "export into this one anyway"]
    assert target.log_since(mark) == []
    assert snapshot(project) == before


def test_force_exports_there_and_names_each_file_it_removes(
        run: Runner, target: Target, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "connections").mkdir()
    (project / "connections" / "mine.yaml").write_text("mine: true\n")
    summary = tmp_path / "export.json"
    result = run("export", "--output", str(project), "--force", "--json", str(summary))
    assert result.code == 0, result
    assert "1 removed:\n  - connections/mine.yaml\n" in result.out
    data = json.loads(summary.read_text())
    assert data["removed"] == ["connections/mine.yaml"]
    assert data["output"] == str(project)
    assert "connections/warehouse_dev_db.yaml" in data["written"]
    assert data["unchanged"] == []
    assert (project / "src").is_dir()


def test_a_second_export_names_the_file_of_an_archived_check(
        run: Runner, target: Target, tmp_path: Path) -> None:
    folder = tmp_path / "config"
    assert run("export", "--output", str(folder), *DEV).code == 0
    [check] = [c for c in target.checks("warehouse-dev") if c["rule_type"] == "between"
               and c["container"]["name"] == "orders"]
    target.api("DELETE", f"/api/quality-checks/{check['id']}",
               params={"archive": "true", "status": "Discarded"})
    summary = tmp_path / "export.json"
    result = run("export", "--output", str(folder), *DEV, "--json", str(summary))
    assert result.code == 0, result
    gone = "datastores/warehouse_dev/checks/orders/between__total_amount.yaml"
    assert f"0 written, 41 unchanged, 1 removed:\n  - {gone}\n" in result.out
    data = json.loads(summary.read_text())
    assert (data["written"], data["removed"], len(data["unchanged"])) == ([], [gone], 41)
    assert not (folder / gone).exists()


@pytest.mark.parametrize("where", ["root", "home"])
def test_the_root_and_the_home_directory_are_refused_before_any_request(
        run: Runner, target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        where: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    output = "/" if where == "root" else str(home)
    mark = target.mark()
    result = run("export", "--output", output, "--force", *DEV)
    assert result.code == 1, result
    expected = "the file system's root" if where == "root" else "the home directory"
    assert result.err.startswith(f"error: --output {output} is {expected}")
    assert target.log_since(mark) == []
    assert list(home.iterdir()) == []


def test_no_file_is_written_through_a_link_leading_out_of_the_folder(
        run: Runner, target: Target, tmp_path: Path) -> None:
    folder, outside = tmp_path / "config", tmp_path / "elsewhere"
    (folder / "datastores").mkdir(parents=True)
    outside.mkdir()
    os.symlink(outside, folder / "datastores" / "warehouse_dev")
    result = run("export", "--output", str(folder), *DEV)
    assert result.code == 1, result
    assert result.err.startswith(f"error: {folder}/datastores/warehouse_dev is a symbolic "
                                 f"link to {outside}, outside {folder}")
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in folder.iterdir()) == ["datastores"]


@pytest.mark.parametrize(("output", "message"), [
    ("{tmp}/afile", "--output {tmp}/afile is a file, not a folder"),
    ("/proc/qualytics-ci-export", "cannot create --output /proc/qualytics-ci-export: "),
    ("{tmp}/" + "x" * 300, "cannot create --output {tmp}/" + "x" * 300 + ": File name too long"),
])
def test_an_output_that_cannot_be_a_folder_is_a_one_line_error(
        run: Runner, target: Target, tmp_path: Path, output: str, message: str) -> None:
    (tmp_path / "afile").write_text("x")
    result = run("export", "--output", output.replace("{tmp}", str(tmp_path)), *DEV)
    assert result.code == 1, result
    first, hint = result.err.splitlines()
    assert first.startswith("error: " + message.replace("{tmp}", str(tmp_path)))
    assert hint.startswith("  hint: give --output a folder")
    assert "Traceback" not in result.text


def test_a_failed_export_leaves_no_half_written_folder(run: Runner, target: Target,
                                                       tmp_path: Path) -> None:
    """A folder so deep that the export's longer paths pass the system's limit (PATH_MAX,
    4096 bytes) while its shorter ones fit: the export fails part way through its files,
    and the folder it created is gone again."""
    deep = tmp_path
    while len(str(deep)) < 4096 - 100 - 201:
        deep = deep / ("p" * 200)
    deep = deep / ("q" * (4096 - 100 - len(str(deep)) - 1))
    deep.mkdir(parents=True)
    fresh = deep / "cfg"
    result = run("export", "--output", str(fresh), *DEV)
    assert result.code == 1, result
    assert ": file name too long for this file system; nothing was changed in " in result.err
    assert "Traceback" not in result.text
    assert not fresh.exists()
    assert list(deep.iterdir()) == []
