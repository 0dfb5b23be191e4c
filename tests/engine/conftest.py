from __future__ import annotations

from collections.abc import Iterator

import pytest

from qualytics_ci import secrets


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    yield
    secrets.clear()
