"""Fixtures for the Action's tests: the GitHub REST stub and a clean secrets registry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from github_stub import GitHubStub

from qualytics_ci import secrets


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: replays the image build in a fresh venv (~1 min)")


@pytest.fixture
def github_stub() -> Iterator[GitHubStub]:
    stub = GitHubStub()
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture(autouse=True)
def clean_secrets() -> Iterator[None]:
    secrets.clear()
    yield
    secrets.clear()
