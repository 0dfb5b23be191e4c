"""The target is read while the folder is parsed. A plan made so is the plan made by
reading the target after the folder, from the same requests; a folder whose outline
said other datastores than the whole folder is planned against the right ones; and a
mistake found in a check file still stops the run before any write."""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from qualytics_ci.cli import main
from qualytics_ci.engine import commands, prefetch
from qualytics_ci.folder.model import Config

from .e2e import DEV, Cli, Counting

CHECK = "datastores/warehouse_dev/checks/orders/between__total_amount.yaml"
OFFICIAL = Path(__file__).resolve().parents[1] / "data" / "official-format"


def planned(cli: Cli, tmp_path: Path, name: str) -> tuple[dict[str, Any], dict[str, int]]:
    with Counting(cli) as read:
        result = cli.run("plan", *DEV, "--json", str(tmp_path / name))
    assert result.code == 0, result.err
    return json.loads((tmp_path / name).read_text()), read.by_template


def edit(cli: Cli) -> None:
    path = cli.folder / CHECK
    path.write_text(path.read_text().replace("description: ", "description: edited ", 1))


def test_the_early_read_gives_the_plan_and_the_requests_of_a_read_after_parsing(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli.run("export", *DEV).code == 0
    edit(cli)
    early, early_reads = planned(cli, tmp_path, "early.json")
    monkeypatch.setattr(commands, "start_early_read", lambda *a, **k: None)
    after, after_reads = planned(cli, tmp_path, "after.json")
    assert early == after
    assert early["summary"]["update"] == 1
    assert early_reads == after_reads
    assert early_reads["GET /api/connections"] == 1 and early_reads["GET /api/datastores"] == 1


def test_an_outline_naming_other_datastores_is_dropped_and_the_target_read_again(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli.run("export", *DEV).code == 0
    edit(cli)
    expected, reads = planned(cli, tmp_path, "expected.json")
    outline = prefetch.read_outline

    def wrong_outline(folder: Any, env: Any, **read: Any) -> tuple[Config, list[Any]]:
        config, issues = outline(folder, env, **read)
        renamed = [d.__class__(name="warehouse-elsewhere", body=d.body, file=d.file)
                   for d in config.datastores]
        return Config.of([*config.connections, *renamed]), issues

    monkeypatch.setattr(prefetch, "read_outline", wrong_outline)
    got, reread = planned(cli, tmp_path, "got.json")
    assert got == expected
    assert reread["GET /api/connections"] == 2 * reads["GET /api/connections"]


def test_a_broken_check_file_stops_plan_and_import_before_any_write(cli: Cli) -> None:
    assert cli.run("export", *DEV).code == 0
    path = cli.folder / CHECK
    path.write_text(path.read_text().replace("description: ", "description: [", 1))
    for command in ("plan", "import"):
        with Counting(cli) as sent:
            result = cli.run(command, *DEV)
        assert result.code == 1
        assert f"{CHECK}:" in result.err and "invalid YAML" in result.err
        assert sent.writes == {}


def test_a_folder_error_is_not_preceded_by_the_early_reads_retries(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The target is unreachable and a check file is broken: the run reports the file,
    not the background read's retries (they are told only when its result is used)."""
    folder = tmp_path / "config"
    shutil.copytree(OFFICIAL, folder)
    broken = next(folder.glob("datastores/*/checks/*/*.yaml"))
    broken.write_text("rule_type: [broken\n")
    code = main(["plan", "--input", str(folder), "--url", "http://127.0.0.1:9",
                 "--token", "x"])
    err = capsys.readouterr().err
    assert code == 1
    assert "invalid YAML" in err and broken.name in err
    assert "retrying" not in err


def test_the_switch_interval_is_shortened_only_while_the_target_is_read(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli.run("export", *DEV).code == 0
    reads_end()  # the dropped reads of the tests before
    before = sys.getswitchinterval()
    seen: list[float] = []
    read = prefetch.read_target

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(sys.getswitchinterval())
        if len(seen) > 1:
            time.sleep(0.5)  # the dropped reads below overlap
        return read(*args, **kwargs)

    monkeypatch.setattr(prefetch, "read_target", watched)
    assert cli.run("plan", *DEV).code == 0
    assert seen == [prefetch.SWITCH_INTERVAL_S]
    assert sys.getswitchinterval() == before
    broken = cli.folder / CHECK
    broken.write_text("rule_type: [\n")
    assert cli.run("plan", *DEV).code == 1  # a folder error: the read's result is dropped
    assert cli.run("plan", *DEV).code == 1  # and another starts while it may still run
    reads_end()  # the dropped reads end on their own; the last sets the interval back
    assert len(seen) == 3 and sys.getswitchinterval() == before


def reads_end() -> None:
    for thread in threading.enumerate():
        if thread.name == "read-target":
            thread.join(timeout=30)
