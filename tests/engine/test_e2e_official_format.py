"""A folder written in the platform CLI's own format (no extensions of ours) plans empty
against the target it describes."""

from __future__ import annotations

import shutil
from pathlib import Path

from .e2e import Cli, Counting

OFFICIAL = Path(__file__).parent.parent / "data" / "official-format"


def test_official_format_folder_plans_no_changes(cli: Cli) -> None:
    shutil.copytree(OFFICIAL, cli.folder)
    assert cli.run("validate", target=False).code == 0
    with Counting(cli) as sent:
        result = cli.run("plan", "--detailed-exitcode")
    assert result.code == 0, result.out + result.err
    assert "Plan: 0 to create, 0 to update, 0 to archive, 8 unchanged." in result.out
    assert sent.writes == {}
    with Counting(cli) as noop:
        assert cli.run("import").code == 0
    assert noop.writes == {}
