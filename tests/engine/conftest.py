from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qualytics_ci import secrets
from qualytics_ci.sandbox.server import RunningSandbox

from .e2e import Cli


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    yield
    secrets.clear()


@pytest.fixture
def cli(sandbox: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI against a freshly seeded demo sandbox."""
    return Cli(sandbox, tmp_path, monkeypatch)
