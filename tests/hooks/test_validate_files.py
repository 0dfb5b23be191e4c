"""`qualytics-ci validate-files FILE...`, the pre-commit hook's entry: each changed file's
config folder is found and validated once, offline, naming the files at fault."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from qualytics_ci.cli import main
from qualytics_ci.folder.roots import config_root, config_roots

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "official-format"
CHECK = "datastores/warehouse-prod/checks/orders/between__total_amount.yaml"
PURPLE = (DATA / "bad/unknown_rule_type/datastores/warehouse_dev/checks/orders"
          / "ispurple__order_id.yaml")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with one good folder at qualytics-config/ and a stray YAML file."""
    shutil.copytree(GOOD, tmp_path / "qualytics-config")
    (tmp_path / "ci.yaml").write_text("not: a config file\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WAREHOUSE_PROD_DB_PASSWORD", raising=False)
    return tmp_path


def test_each_file_belongs_to_its_nearest_folder_and_overrides_to_their_environment(
        repo: Path) -> None:
    folder = Path("qualytics-config")
    over = folder / "overrides" / "prod" / CHECK
    over.parent.mkdir(parents=True)
    over.write_text("properties:\n  max: 5\n")
    assert config_root(folder / CHECK) == (folder, None)
    assert config_root(folder / "connections" / "warehouse-prod-db.yaml") == (folder, None)
    assert config_root(over) == (folder, "prod")
    assert config_root("ci.yaml") is None
    (repo / "other" / "datastores" / "connections" / "checks" / "t").mkdir(parents=True)
    nested = Path("other/datastores/connections/checks/t/x.yaml")
    assert config_root(nested) == (Path("other"), None)  # a datastore named "connections"
    assert config_roots([folder / CHECK, over, "ci.yaml", folder / "qualytics-ci.yaml"]) == {
        folder: {None, "prod"}}


def test_a_good_folder_passes_without_its_secrets(repo: Path) -> None:
    code, out, err = run("validate-files", "qualytics-config/" + CHECK, "ci.yaml")
    assert code == 0, out + err
    assert out.splitlines()[-1] == "qualytics-config: 0 error(s), 0 warning(s)"


def test_a_bad_file_fails_naming_it_from_the_repository_root(repo: Path) -> None:
    bad = Path("qualytics-config/datastores/warehouse-prod/checks/orders/ispurple__order_id.yaml")
    shutil.copy(PURPLE, bad)
    code, out, err = run("validate-files", str(bad))
    assert code == 1
    assert f"error: {bad.as_posix()}:1: unknown rule type 'isPurple'" in out
    assert "1 error(s) in the config folder(s)" in err


def test_an_override_is_validated_in_its_environment(repo: Path) -> None:
    over = Path("qualytics-config/overrides/prod") / CHECK
    over.parent.mkdir(parents=True)
    over.write_text("coverage: 7\n")
    code, out, _err = run("validate-files", str(over))
    assert code == 1
    assert "coverage must be greater than 0 and at most 1" in out
    assert "qualytics-config (--env prod): 1 error(s)" in out


def test_files_outside_any_folder_are_ignored(repo: Path) -> None:
    assert run("validate-files", "ci.yaml")[0] == 0
    assert run("validate-files")[0] == 0
