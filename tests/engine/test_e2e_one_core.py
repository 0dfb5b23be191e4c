"""At an entry point, a plan's reads run on one core and an import's writes on all of
them: the target's read thread is pinned, the writes are not, and the process has its
cores back when the command ends."""

from __future__ import annotations

import os
from typing import Any

import pytest

from qualytics_ci import affinity
from qualytics_ci.engine import apply, prefetch

from .e2e import DEV, Cli

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2
    or affinity.current_cpu() is None,
    reason="needs Linux with at least two cores to pin to one")

CHECK = "datastores/warehouse_dev/checks/orders/between__total_amount.yaml"


def test_an_import_reads_on_one_core_and_writes_on_all(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cores = os.sched_getaffinity(0)
    assert cli.run("export", *DEV).code == 0
    path = cli.folder / CHECK
    path.write_text(path.read_text().replace("description: ", "description: edited ", 1))
    seen: dict[str, set[int]] = {}
    read, write = prefetch.read_target, apply.run_import

    def reading(*args: Any, **kwargs: Any) -> Any:
        seen["read"] = os.sched_getaffinity(0)
        return read(*args, **kwargs)

    def writing(*args: Any, **kwargs: Any) -> Any:
        seen["write"] = os.sched_getaffinity(0)
        return write(*args, **kwargs)

    monkeypatch.setattr(prefetch, "read_target", reading)
    monkeypatch.setattr(apply, "run_import", writing)
    monkeypatch.setattr(affinity, "_allowed", [True])
    try:
        result = cli.run("import", *DEV)
    finally:
        after = os.sched_getaffinity(0)
        os.sched_setaffinity(0, cores)
    assert result.code == 0, result.err
    assert "1 updated" in result.out
    assert len(seen["read"]) == 1 and seen["read"] <= cores
    assert seen["write"] == cores
    assert after == cores


def test_without_the_entry_points_leave_a_plan_changes_no_cores(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cores = os.sched_getaffinity(0)
    assert cli.run("export", *DEV).code == 0
    seen: list[set[int]] = []
    read = prefetch.read_target

    def reading(*args: Any, **kwargs: Any) -> Any:
        seen.append(os.sched_getaffinity(0))
        return read(*args, **kwargs)

    monkeypatch.setattr(prefetch, "read_target", reading)
    assert cli.run("plan", *DEV).code == 0
    assert seen == [cores]
