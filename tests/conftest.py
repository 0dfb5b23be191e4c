"""Shared fixtures: a sandbox (the local Qualytics API emulator) over real HTTP.

``sandbox``: function-scoped, freshly demo-seeded state for every test, served by
one session-wide server on 127.0.0.1 (reset via POST /_sandbox/reset, a few ms).
``sandbox_factory(seed=..., **options)``: a dedicated server with its own seed,
faults or state file; stopped at the end of the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from qualytics_ci.sandbox.server import RunningSandbox, start_sandbox


@pytest.fixture(scope="session")
def _sandbox_server() -> Iterator[RunningSandbox]:
    server = start_sandbox(seed="demo")
    yield server
    server.stop()


@pytest.fixture
def sandbox(_sandbox_server: RunningSandbox) -> RunningSandbox:
    """The shared sandbox, reset to a fresh demo seed with default faults."""
    server = _sandbox_server
    response = requests.post(f"{server.url}/_sandbox/reset", json={"seed": "demo"},
                             headers=server.headers("admin"), timeout=30)
    response.raise_for_status()
    requests.post(f"{server.url}/_sandbox/faults", headers=server.headers("admin"), timeout=30,
                  json={"latency_ms": 0, "fail_rate": 0, "rate_limit": 0,
                        "operation_seconds": 0}).raise_for_status()
    return server


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., RunningSandbox]]:
    """Start dedicated sandboxes: ``sandbox_factory(seed="empty", latency_ms=50)``."""
    started: list[RunningSandbox] = []

    def factory(**options: Any) -> RunningSandbox:
        server = start_sandbox(**options)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()
