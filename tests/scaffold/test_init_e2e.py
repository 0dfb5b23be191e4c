"""`init` against the sandbox: with --url/--token the folder is the target's export; without,
the packaged example, which is the export of the demo seed's warehouse-prod, so a plan of
either against the sandbox has nothing to do."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from qualytics_ci.cli import main
from qualytics_ci.sandbox.server import RunningSandbox

EXAMPLE = Path(__file__).resolve().parents[2] / "qualytics_ci" / "scaffold" / "example"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["-q", *argv])
    return code, out.getvalue(), err.getvalue()


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for env in ("DEV", "PROD"):
        monkeypatch.setenv(f"WAREHOUSE_{env}_DB_PASSWORD", "from-a-secret")


def test_init_with_a_target_exports_the_folder(sandbox: RunningSandbox, tmp_path: Path) -> None:
    target = ["--url", sandbox.url, "--token", sandbox.tokens["admin"]]
    repo = tmp_path / "repo"
    code, out, err = run("init", str(repo), *target, "--datastore", "warehouse-dev")
    assert code == 0, err
    assert f"  wrote    qualytics-config/ (exported from {sandbox.url}" in out
    assert (repo / "qualytics-config/datastores/warehouse_dev/_datastore.yaml").is_file()
    assert (repo / ".github/workflows/pr-plan.yml").is_file()
    assert sandbox.tokens["admin"] not in out + err
    plan = run("plan", "--input", str(repo / "qualytics-config"), *target,
               "--detailed-exitcode")
    assert plan[0] == 0, plan[1] + plan[2]
    assert "WAREHOUSE_DEV_DB_PASSWORD" in (repo / "README.md").read_text()
    # over itself, with the target again: the folder is kept, not re-exported
    again = run("init", str(repo), *target)
    assert "  kept     qualytics-config/" in again[1] and "0 written" in again[1]


def test_the_example_is_the_demo_seeds_export(sandbox: RunningSandbox, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    assert run("export", "--url", sandbox.url, "--token", sandbox.tokens["admin"],
               "--output", str(fresh), "--datastore", "warehouse-prod")[0] == 0
    assert files(EXAMPLE) == files(fresh), (
        "the demo seed changed: re-export the example with `qualytics-ci export --output "
        "qualytics_ci/scaffold/example --datastore warehouse-prod` against "
        "`qualytics-ci sandbox`")


def test_the_example_plans_clean_against_the_sandbox(sandbox: RunningSandbox,
                                                     tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    assert run("init", str(repo))[0] == 0
    code, out, err = run("plan", "--input", str(repo / "qualytics-config"), "--url",
                         sandbox.url, "--token", sandbox.tokens["admin"], "--detailed-exitcode")
    assert code == 0, out + err
    assert "19 unchanged" in out
