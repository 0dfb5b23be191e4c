"""The rate limit's Retry-After lets clients that honour it reach the limit, without a
long tail of 429s, whatever the limit and however many clients share it."""

from __future__ import annotations

import heapq
from collections.abc import Callable

import pytest

from qualytics_ci.sandbox.faults import Faults
from qualytics_ci.sandbox.server import RunningSandbox

from .conftest import Api


class Clock:
    """A stand-in for time.monotonic that the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def honest_clients(rate: float, clients: int, seconds: float,
                   service: float = 0.001) -> tuple[float, int, int]:
    """``clients`` send back to back (``service`` s each) for ``seconds``; on a 429 each
    sleeps exactly Retry-After and resends. Returns (served per second after the first
    second, 429s, the most 429s one request met in a row)."""
    clock = Clock()
    limiter = Faults(rate_limit=rate, clock=clock)
    start = clock.now
    due = [(start, n) for n in range(clients)]
    refused_in_a_row = [0] * clients
    served = refused = worst = 0
    while due:
        clock.now, n = heapq.heappop(due)
        if clock.now - start > seconds:
            continue
        wait = limiter.throttle()
        if wait is None:
            served += clock.now - start >= 1
            refused_in_a_row[n] = 0
            heapq.heappush(due, (clock.now + service, n))
        else:
            refused += 1
            refused_in_a_row[n] += 1
            worst = max(worst, refused_in_a_row[n])
            heapq.heappush(due, (clock.now + wait, n))
    return served / (seconds - 1), refused, worst


@pytest.mark.parametrize(("rate", "clients"), [(100, 1), (100, 32), (100, 64), (100, 200),
                                               (10, 32), (2, 8), (0.5, 3)])
def test_clients_honouring_retry_after_reach_the_limit_without_a_tail(
        rate: float, clients: int) -> None:
    per_second, refused, worst = honest_clients(rate, clients, seconds=61)
    assert 0.9 * rate <= per_second <= 1.1 * rate
    assert refused > 0
    assert worst == 1  # no request is refused twice: each comes back when a token is free


def test_retry_after_counts_the_requests_already_told_to_wait() -> None:
    clock = Clock()
    limiter = Faults(rate_limit=2, clock=clock)
    assert [limiter.throttle() for _ in range(2)] == [None, None]  # the burst: 1 s worth
    assert [limiter.throttle() for _ in range(6)] == [1, 1, 2, 2, 3, 3]
    clock.now += 1.0  # two tokens later, the first two come back and are served
    assert [limiter.throttle() for _ in range(2)] == [None, None]
    assert limiter.throttle() == 3  # behind the four still owed


def test_a_limit_below_one_request_per_second_still_serves(
        sandbox_factory: Callable[..., RunningSandbox]) -> None:
    server = sandbox_factory(seed="empty", rate_limit=0.5)
    admin = Api(server)
    assert admin.get("/status").status_code == 200
    refused = [admin.get("/status") for _ in range(3)]
    assert [r.status_code for r in refused] == [429] * 3
    assert [r.headers["Retry-After"] for r in refused] == ["2", "4", "6"]
    admin.ok("POST", "/_sandbox/faults", json={"rate_limit": 0})
    assert admin.get("/status").status_code == 200
