"""A mistyped ``--input`` fails: a user points the CLI at the wrong folder (one level too
deep, empty, missing, a folder of other YAML) and gets an error that says what a config
folder looks like and which one was probably meant, before any request; a selection that
leaves nothing of the folder says so."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.layout import require_config_folder

from .e2e import DEV, Cli, Counting

EXPECTED = "expected connections/ and datastores/ (or qualytics-ci.yaml) at its root"


def too_deep(cli: Cli) -> tuple[Path, str]:
    return cli.folder / "datastores", (f"{(cli.folder / 'datastores').as_posix()} does not look "
                                       f"like a config folder: {EXPECTED}; did you mean "
                                       f"{cli.folder.as_posix()}?")


def empty(cli: Cli) -> tuple[Path, str]:
    path = cli.folder.parent / "empty"
    path.mkdir()
    return path, f"{path.as_posix()} is empty: {EXPECTED}"


def missing(cli: Cli) -> tuple[Path, str]:
    path = cli.folder.parent / "confg"  # a typo of the exported "config"
    return path, f"folder {path.as_posix()} does not exist; did you mean {cli.folder.as_posix()}?"


def other_yaml(cli: Cli) -> tuple[Path, str]:
    path = cli.folder.parent / "notes"
    path.mkdir()
    (path / "notes.yaml").write_text("a: 1\n")
    return path, f"{path.as_posix()} does not look like a config folder: {EXPECTED}"


def no_entities(cli: Cli) -> tuple[Path, str]:
    path = cli.folder.parent / "bare"
    (path / "datastores").mkdir(parents=True)
    return path, f"{path.as_posix()} holds no connection, datastore, container or check file"


CASES: dict[str, Callable[[Cli], tuple[Path, str]]] = {
    "one_level_too_deep": too_deep, "empty": empty, "missing": missing,
    "other_yaml": other_yaml, "no_entities": no_entities,
}


@pytest.mark.parametrize("command", ["validate", "plan", "import", "drift"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_wrong_folder_is_an_error_before_any_request(cli: Cli, case: str,
                                                       command: str) -> None:
    assert cli.run("export", *DEV).code == 0
    folder, message = CASES[case](cli)
    with Counting(cli) as sent:
        result = cli.run(command, "--input", str(folder), folder=False,
                         target=command != "validate")
    assert result.code == 1, result.out + result.err
    assert f"error: {message}" in result.err
    assert "No changes" not in result.out and "No drift" not in result.out
    assert "Traceback" not in result.err
    assert sent.by_template == {}


def test_a_datastore_selection_outside_the_folder_is_an_error(cli: Cli) -> None:
    assert cli.run("export", *DEV).code == 0
    with Counting(cli) as sent:
        result = cli.run("plan", "--datastore", "warehouse-staging")
    assert result.code == 1
    assert ("error: the selected datastores (warehouse-staging) hold nothing of "
            f"{cli.folder.as_posix()}: its datastores are warehouse-dev") in result.err
    assert sent.writes == {}
    refused = cli.run("import", "--datastore", "warehouse-staging")
    assert refused.code == 1 and "hold nothing of" in refused.err
    assert cli.run("drift", "--datastore", "warehouse-staging").code == 1


def test_kinds_that_select_nothing_are_a_warning(cli: Cli) -> None:
    assert cli.run("export", "--datastore", "warehouse-staging").code == 0  # no computed fields
    result = cli.run("plan", "--include", "computed_fields")
    assert result.code == 0
    assert "warning: the selected kinds (computed_fields) match none of the" in result.err
    assert "No changes" in result.out


def test_the_nearest_config_folder_is_suggested(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "repo" / "qualytics-config"
    (cfg / "datastores" / "warehouse_prod" / "checks").mkdir(parents=True)
    (cfg / "connections").mkdir()
    monkeypatch.chdir(tmp_path / "repo")

    def message(path: str) -> str:
        with pytest.raises(QualyticsCIError) as caught:
            require_config_folder(path)
        return caught.value.message

    assert message("qualytics-config/datastores/warehouse_prod").endswith(
        "; did you mean qualytics-config?")
    assert message(".").endswith("; did you mean qualytics-config?")
    assert message("qualytics-confi").endswith("; did you mean qualytics-config?")
    assert message("elsewhere") == "folder elsewhere does not exist"
    require_config_folder("qualytics-config")
    shutil.rmtree(cfg / "datastores")
    shutil.rmtree(cfg / "connections")
    (cfg / "qualytics-ci.yaml").write_text("prune: false\n")
    require_config_folder("qualytics-config")  # the settings file alone marks the root
