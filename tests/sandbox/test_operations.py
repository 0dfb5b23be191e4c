"""Asynchronous operations: running for operation_seconds, then a final result; abort."""

from __future__ import annotations

import time
from collections.abc import Callable

from qualytics_ci.sandbox.server import RunningSandbox

from .conftest import Api


def _fresh_datastore(admin: Api) -> int:
    conn = admin.ok("POST", "/connections", json={"name": "op-db", "type": "postgresql"})
    ds = admin.ok("POST", "/datastores", json={"name": "op-ds", "connection_id": conn["id"]})
    ident: int = ds["id"]
    return ident


def test_sync_runs_for_operation_seconds_then_discovers(
        sandbox: RunningSandbox, api: Callable[..., Api]) -> None:
    admin = api()
    admin.ok("POST", "/_sandbox/faults", json={"operation_seconds": 0.3})
    ds = _fresh_datastore(admin)
    op = admin.ok("POST", "/operations/run", json={"type": "sync", "datastore_id": ds,
                                                   "prune": False, "recreate": False})
    assert op["result"] == "running" and op["end_time"] is None and op["prune"] is False
    assert admin.ok("GET", "/containers/listing", params={"datastore": ds}) == []
    running = admin.ok("GET", "/operations", params={"datastore": ds, "result": "running"})
    assert running["total"] == 1
    deadline = time.monotonic() + 5
    while admin.ok("GET", f"/operations/{op['id']}")["result"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    done = admin.ok("GET", f"/operations/{op['id']}")
    assert done["result"] == "success" and done["end_time"] and done["message"] is None
    assert len(admin.ok("GET", "/containers/listing", params={"datastore": ds})) == 7


def test_abort_leaves_nothing_discovered(api: Callable[..., Api]) -> None:
    admin = api()
    admin.ok("POST", "/_sandbox/faults", json={"operation_seconds": 30})
    ds = _fresh_datastore(admin)
    op = admin.ok("POST", "/operations/run", json={"type": "sync", "datastore_id": ds})
    aborted = admin.ok("PUT", f"/operations/abort/{op['id']}")
    assert aborted["result"] == "aborted" and aborted["end_time"]
    assert admin.ok("GET", "/containers/listing", params={"datastore": ds}) == []
    second = admin.ok("POST", "/operations/run", json={"type": "sync", "datastore_id": ds})
    by_control = admin.ok("POST", f"/_sandbox/operations/{second['id']}/abort")
    assert by_control["result"] == "aborted"
    again = admin.ok("PUT", f"/operations/abort/{op['id']}")
    assert again["result"] == "aborted"


def test_operation_list_filters_and_default_order(api: Callable[..., Api]) -> None:
    admin = api()
    ds = _fresh_datastore(admin)
    admin.ok("POST", "/operations/run", json={"type": "sync", "datastore_id": ds})
    admin.ok("POST", "/operations/run", json={"type": "profile", "datastore_id": ds})
    listed = admin.ok("GET", "/operations", params={"datastore": ds})
    assert [o["type"] for o in listed["items"]] == ["profile", "sync"]
    syncs = admin.ok("GET", "/operations", params={"datastore": ds, "operation_type": "sync"})
    assert syncs["total"] == 1 and syncs["items"][0]["datastore"]["id"] == ds
    assert admin.post("/operations/run", json={"type": "bogus", "datastore_id": ds}
                      ).status_code == 422


def test_trigger_sync_on_create_and_promote_stub(api: Callable[..., Api]) -> None:
    admin = api()
    conn = admin.ok("POST", "/connections", json={"name": "t-db", "type": "postgresql"})
    ds = admin.ok("POST", "/datastores", json={"name": "t", "connection_id": conn["id"],
                                               "trigger_sync": True})
    assert admin.ok("GET", "/containers/listing", params={"datastore": ds["id"]})
    response = admin.post("/operations/run", json={"type": "promote_quality_check",
                                                   "datastore_id": ds["id"]})
    assert response.status_code in (403, 422)


def test_computed_table_creation_records_a_profile(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    admin.ok("POST", "/containers", json={"container_type": "computed_table",
                                          "datastore_id": ds["id"], "name": "p",
                                          "query": "select order_id from orders"})
    latest = admin.ok("GET", "/operations", params={"datastore": ds["id"], "size": 1,
                                                    "operation_type": "profile",
                                                    "sort_created": "desc"})["items"][0]
    assert latest["result"] == "success" and latest["container_names"] == ["p"]


def test_a_new_catalog_column_appears_after_the_next_sync(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-prod")
    admin.ok("POST", "/_sandbox/catalog", json={
        "connection_id": ds["connection_id"], "name": "refunds",
        "columns": [["refund_id", "Integral"], ["amount", "Fractional"]]})
    assert "refunds" not in [c["name"] for c in admin.ok(
        "GET", "/containers/listing", params={"datastore": ds["id"]})]
    admin.ok("POST", "/operations/run", json={"type": "sync", "datastore_id": ds["id"]})
    refunds = admin.container(ds["id"], "refunds")
    assert [f["name"] for f in admin.ok("GET", f"/containers/{refunds['id']}/fields")] == [
        "refund_id", "amount"]
