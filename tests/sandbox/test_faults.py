"""Fault injection: latency, failures, rate limit; changeable at run time."""

from __future__ import annotations

import time
from collections.abc import Callable

from qualytics_ci.sandbox.server import RunningSandbox

from .conftest import Api


def test_latency_is_added_and_changeable(sandbox_factory: Callable[..., RunningSandbox]) -> None:
    server = sandbox_factory(seed="empty", latency_ms=120)
    admin = Api(server)
    start = time.perf_counter()
    admin.ok("GET", "/status")
    assert time.perf_counter() - start >= 0.12
    admin.ok("POST", "/_sandbox/faults", json={"latency_ms": 0})
    start = time.perf_counter()
    admin.ok("GET", "/status")
    assert time.perf_counter() - start < 0.1


def test_fail_rate_is_seeded_and_refuses_before_processing(
        sandbox_factory: Callable[..., RunningSandbox]) -> None:
    def run() -> list[int]:
        server = sandbox_factory(seed="empty", fail_rate=0.5, fail_seed=7)
        admin = Api(server)
        codes = [admin.post("/connections", json={"name": f"c{i}", "type": "mysql"}).status_code
                 for i in range(40)]
        admin.ok("POST", "/_sandbox/faults", json={"fail_rate": 0})
        total = admin.ok("GET", "/connections")["total"]
        assert total == codes.count(200)
        return codes

    first = run()
    assert set(first) <= {200, 500, 503} and 5 < first.count(200) < 35
    assert {500, 503} <= set(first)
    assert run() == first


def test_rate_limit_answers_429_with_retry_after(
        sandbox_factory: Callable[..., RunningSandbox]) -> None:
    server = sandbox_factory(seed="empty", rate_limit=5)
    admin = Api(server)
    codes = [admin.get("/status") for _ in range(12)]
    limited = [r for r in codes if r.status_code == 429]
    assert limited and codes[0].status_code == 200
    assert int(limited[0].headers["Retry-After"]) >= 1
    assert limited[0].json() == {"detail": "Too many requests"}
    admin.ok("POST", "/_sandbox/faults", json={"rate_limit": 0})
    assert all(admin.get("/status").status_code == 200 for _ in range(20))


def test_control_endpoints_need_admin(sandbox: RunningSandbox) -> None:
    editor = Api(sandbox, "editor")
    assert editor.post("/_sandbox/faults", json={"latency_ms": 5}).status_code == 403
    assert Api(sandbox, None).get("/_sandbox/stats").status_code == 401


def test_lost_rate_applies_the_write_but_answers_502(
        sandbox_factory: Callable[..., RunningSandbox]) -> None:
    server = sandbox_factory(seed="empty", lost_rate=0.5, fail_seed=3)
    admin = Api(server)
    codes = [admin.post("/connections", json={"name": f"c{i}", "type": "mysql"}).status_code
             for i in range(30)]
    assert set(codes) == {200, 502}
    admin.ok("POST", "/_sandbox/faults", json={"lost_rate": 0})
    # every write happened, whether or not its answer arrived
    assert admin.ok("GET", "/connections")["total"] == 30
    assert all(admin.get("/status").status_code == 200 for _ in range(5))
