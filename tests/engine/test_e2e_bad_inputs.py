"""Bad folders are refused with a message naming the problem, before any write."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .e2e import DEV, Cli, Counting

CHECKS = "datastores/warehouse_dev/checks/orders"
BETWEEN = f"{CHECKS}/between__total_amount.yaml"


def edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / rel
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))
    return apply


def duplicate(folder: Path) -> None:
    shutil.copy(folder / BETWEEN, folder / f"{CHECKS}/between__copy.yaml")


def move_to_container(name: str) -> Callable[[Path], None]:
    """The between check moved to checks/<name>/, its container made ``name``."""
    def apply(folder: Path) -> None:
        edit(BETWEEN, "container: orders", f"container: {name}")(folder)
        target = folder / f"datastores/warehouse_dev/checks/{name}/between__total_amount.yaml"
        target.parent.mkdir()
        (folder / BETWEEN).rename(target)
    return apply


CASES = {
    "invalid_yaml": (edit(BETWEEN, "fields:\n", "fields: [unclosed\n"),
                     f"{BETWEEN}:6: invalid YAML"),
    "unknown_rule": (edit(BETWEEN, "rule_type: between", "rule_type: betweenish"),
                     f"{BETWEEN}:1: unknown rule type 'betweenish'"),
    "missing_property": (edit(BETWEEN, "  max: 100000\n", ""),
                         "rule between needs property 'max'"),
    "duplicate_uid": (duplicate, "uid 'orders__between__total_amount' is defined twice: in "
                                 f"{CHECKS}/between__copy.yaml and in {BETWEEN}"),
    "dangling_reference": (move_to_container("ordres"),
                           "container 'ordres' is not in datastore 'warehouse-dev'"),
    "container_disagrees_with_folder": (
        edit(BETWEEN, "container: orders", "container: ordrs"),
        f"{BETWEEN}:3: the folder checks/orders/ says container 'orders', the file says "
        "'ordrs': correct `container`, or move the file to checks/ordrs/"),
    "unresolved_variable": (edit("connections/warehouse_dev_db.yaml",
                                 "${WAREHOUSE_DEV_DB_PASSWORD}", "${NOT_SET_ANYWHERE}"),
                            "connections/warehouse_dev_db.yaml:6: variable NOT_SET_ANYWHERE "
                            "not set"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_folder_is_refused_with_its_message_and_no_write(cli: Cli, case: str) -> None:
    change, message = CASES[case]
    cli.run("export", *DEV)
    change(cli.folder)
    with Counting(cli) as sent:
        result = cli.run("import", *DEV)
    assert result.code == 1
    assert message in result.err, result.err
    assert "Traceback" not in result.err
    assert sent.writes == {}


def test_validate_reports_offline_problems_with_lines(cli: Cli) -> None:
    cli.run("export", *DEV)
    edit(BETWEEN, "rule_type: between", "rule_type: betweenish")(cli.folder)
    with Counting(cli) as sent:
        result = cli.run("validate", target=False)
    assert result.code == 1
    assert f"error: {BETWEEN}:1: unknown rule type 'betweenish'" in result.out
    assert sent.by_template == {}


def test_validate_reports_a_container_that_disagrees_with_its_folder(cli: Cli) -> None:
    """Offline, without the target: the folder says orders, the file says ordrs."""
    cli.run("export", *DEV)
    edit(BETWEEN, "container: orders", "container: ordrs")(cli.folder)
    with Counting(cli) as sent:
        result = cli.run("validate", target=False)
    assert result.code == 1
    assert (f"error: {BETWEEN}:3: the folder checks/orders/ says container 'orders', the file "
            "says 'ordrs'") in result.out
    assert sent.by_template == {}
