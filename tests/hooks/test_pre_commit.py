"""The pre-commit hook as users run it: `pre-commit try-repo` installs this repository's hook
(`.pre-commit-hooks.yaml`) in its own environment and runs it in a temporary config
repository; it passes on a good folder and fails on a bad one, naming the file.

pre-commit installs the package from a local copy of this repository with pip (so it needs
the package index, nothing else). The copy is a commit of the working tree, uncommitted
changes included, so the test checks the hook as it is now."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
PURPLE = (DATA / "bad/unknown_rule_type/datastores/warehouse_dev/checks/orders"
          / "ispurple__order_id.yaml")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=True, env={**os.environ, **GIT_ENV})
    return proc.stdout


def pre_commit() -> str:
    beside = Path(sys.executable).parent / "pre-commit"
    found = str(beside) if beside.exists() else shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed (it is in the dev extra)")
    return found


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A one-commit copy of this repository's files, and pre-commit's cache for it."""
    src = tmp_path_factory.mktemp("hook-src")
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for rel in filter(None, listed.split("\0")):
        origin, place = ROOT / rel, src / rel
        if not origin.exists() and not origin.is_symlink():
            continue  # deleted in the working tree
        place.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_symlink():
            place.symlink_to(os.readlink(origin))
        else:
            shutil.copy2(origin, place)
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-qm", "snapshot")
    yield src, tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, hook_repo: tuple[Path, Path]) -> subprocess.CompletedProcess[str]:
    src, home = hook_repo
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}
    for name in ("WAREHOUSE_PROD_DB_PASSWORD", "VIRTUAL_ENV"):
        env.pop(name, None)
    return subprocess.run([pre_commit(), "try-repo", str(src), "qualytics-ci-validate",
                           "--all-files"], cwd=repo, capture_output=True, text=True,
                          timeout=600, env=env)


def test_try_repo_passes_on_a_good_folder_and_fails_on_a_bad_one(
        tmp_path: Path, hook_repo: tuple[Path, Path]) -> None:
    repo = tmp_path / "config-repo"
    shutil.copytree(DATA / "official-format", repo / "qualytics-config")
    (repo / "notes.yaml").write_text("a: file that is not part of any config folder\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")

    good = try_repo(repo, hook_repo)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "qualytics-ci validate" in good.stdout and "Passed" in good.stdout

    bad = Path("qualytics-config/datastores/warehouse-prod/checks/orders/ispurple__order_id.yaml")
    shutil.copy(PURPLE, repo / bad)
    git(repo, "add", "-A")
    failed = try_repo(repo, hook_repo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert f"error: {bad.as_posix()}:1: unknown rule type 'isPurple'" in failed.stdout
