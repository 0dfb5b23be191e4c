"""--state: the store survives a restart."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from qualytics_ci.sandbox.server import RunningSandbox

from .conftest import Api


def test_state_survives_restart(tmp_path: Path,
                                sandbox_factory: Callable[..., RunningSandbox]) -> None:
    state = tmp_path / "sandbox.json"
    first = sandbox_factory(seed="demo", state=str(state))
    admin = Api(first)
    conn = admin.ok("POST", "/connections", json={"name": "kept", "type": "mysql",
                                                  "password": "s3cr3t-pw"})
    ds = admin.datastore("warehouse-dev")
    orders = admin.container(ds["id"], "orders")
    check = admin.ok("POST", "/quality-checks", json={
        "container_id": orders["id"], "rule": "notNull", "fields": ["currency"]})
    first.stop()
    assert json.loads(state.read_text())["version"] == 1

    second = sandbox_factory(seed="empty", state=str(state))
    again = Api(second)
    assert again.ok("GET", f"/connections/{conn['id']}")["name"] == "kept"
    assert again.ok("GET", f"/quality-checks/{check['id']}")["fields"][0]["name"] == "currency"
    newer = again.ok("POST", "/connections", json={"name": "newer", "type": "mysql"})
    assert newer["id"] == conn["id"] + 1
