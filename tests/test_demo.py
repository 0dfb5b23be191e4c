"""The demo a newcomer runs first must work end to end."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from qualytics_ci.cli import main


@pytest.fixture
def restored_environment() -> Iterator[None]:
    """The demo exports its sandbox URL, token and secrets; undo that afterwards."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.usefixtures("restored_environment")
def test_demo_walks_through_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Plan: 0 to create, 1 to update, 0 to archive" in out
    assert "No changes. The target matches the folder." in out
    assert "Drift: 0 only on the target, 1 changed" in out
    assert "Promote preview: 4 to create, 1 to update" in out
    assert "Promotions preview (2 declared): 5 to create, 1 to update, 6 to skip" in out
    assert "Promotions (2 declared): 5 created, 1 updated, 6 skipped, 0 failed." in out
    assert "Promotions (2 declared): 0 created, 0 updated, 12 skipped, 0 failed." in out
