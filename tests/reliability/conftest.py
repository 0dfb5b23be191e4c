"""Fixtures of the reliability and security suite: one sandbox server for the
whole suite (reset to the seed each test needs), a runner for ``qualytics-ci``,
and the demo seed's ``warehouse-dev`` exported once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_kit import Runner, Target, placeholders

from qualytics_ci import secrets
from qualytics_ci.cli import main

DEMO_DATASTORE = "warehouse-dev"


@pytest.fixture(scope="session")
def server() -> Iterator[Target]:
    from qualytics_ci.sandbox.server import start_sandbox

    running: Any = start_sandbox(seed="demo")
    try:
        yield Target(running)
    finally:
        running.stop()


@pytest.fixture
def target(server: Target) -> Target:
    """The shared sandbox, freshly reset to the demo seed, no faults."""
    server.reset("demo")
    return server


@pytest.fixture
def run(target: Target, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> Runner:
    return Runner(target, capsys, monkeypatch, tmp_path)


@pytest.fixture(scope="session")
def demo_export(server: Target, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``qualytics-ci export --datastore warehouse-dev`` of the demo seed (read-only: copy it)."""
    server.reset("demo")
    out = tmp_path_factory.mktemp("demo-export") / "config"
    secrets.clear()
    code = main(["--quiet", "export", "--url", server.url, "--token", server.tokens["admin"],
                 "--output", str(out), "--datastore", DEMO_DATASTORE])
    assert code == 0, "export of the demo seed failed"
    return out


@pytest.fixture
def demo_env(demo_export: Path) -> dict[str, str]:
    """A value for every ``${VAR}`` of the demo export."""
    return {name: f"value-of-{name.lower()}" for name in placeholders(demo_export)}
