"""Waiting for operations: poll intervals, timeout, interruption."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock as rm

from qualytics_ci import secrets
from qualytics_ci.api.client import Client
from qualytics_ci.api.operations import (
    OperationTimeout,
    is_finished,
    run_and_wait,
    wait_for_operation,
)
from qualytics_ci.api.types import Operation
from qualytics_ci.errors import QualyticsCIError

RUNNING: Operation = {"id": 42, "result": "running", "end_time": None}
DONE: Operation = {"id": 42, "result": "success", "end_time": "2025-01-01T00:00:00Z"}


class FakeTime:
    """A clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def fetcher(answers: list[Operation]) -> Any:
    """``fetch`` returning each answer in turn, then the last one forever."""
    calls: list[int] = []

    def fetch() -> Operation:
        calls.append(1)
        return answers[min(len(calls), len(answers)) - 1]

    fetch.calls = calls  # type: ignore[attr-defined]
    return fetch


def test_intervals_double_from_one_to_ten_seconds() -> None:
    t = FakeTime()
    fetch = fetcher([RUNNING] * 7 + [DONE])
    polled: list[Operation] = []
    result = wait_for_operation(fetch, timeout=600, clock=t.clock, sleep=t.sleep,
                                on_poll=polled.append)
    assert result == DONE
    assert t.sleeps == [1, 2, 4, 8, 10, 10, 10]
    assert len(polled) == 8


def test_finished_at_once_returns_without_sleeping() -> None:
    t = FakeTime()
    assert wait_for_operation(fetcher([DONE]), timeout=5, clock=t.clock, sleep=t.sleep) == DONE
    assert t.sleeps == []


def test_timeout_raises_with_the_operation_id_and_how_to_find_it() -> None:
    t = FakeTime()
    fetch = fetcher([RUNNING])
    with pytest.raises(OperationTimeout) as exc:
        wait_for_operation(fetch, timeout=20, clock=t.clock, sleep=t.sleep)
    err = exc.value
    assert isinstance(err, QualyticsCIError)
    assert err.operation_id == 42
    assert "operation 42 did not finish within 20 s" in err.message
    assert err.hint is not None
    assert "still running on the server" in err.hint
    assert "GET /api/operations/42" in err.hint
    # 1 + 2 + 4 + 8 = 15, then the last 5 s to the deadline, then one final poll
    assert t.sleeps == [1, 2, 4, 8, 5]
    assert len(fetch.calls) == 6


def test_operation_finishing_at_the_deadline_is_returned() -> None:
    t = FakeTime()
    fetch = fetcher([RUNNING, RUNNING, DONE])
    assert wait_for_operation(fetch, timeout=3, clock=t.clock, sleep=t.sleep) == DONE
    assert t.sleeps == [1, 2]


def test_keyboard_interrupt_propagates() -> None:
    def interrupted(_: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        wait_for_operation(fetcher([RUNNING]), timeout=60, sleep=interrupted)


@pytest.mark.parametrize(
    ("operation", "finished"),
    [
        ({"result": "running", "end_time": None}, False),
        ({"result": None}, False),
        ({}, False),
        ({"result": "running", "end_time": "2025-01-01T00:00:00Z"}, True),
        ({"result": "failure", "end_time": None}, True),
        ({"result": "aborted"}, True),
    ],
)
def test_is_finished(operation: dict[str, Any], finished: bool) -> None:
    assert is_finished(operation) is finished


def test_run_and_wait_posts_then_polls(requests_mock: rm.Mocker) -> None:
    base = "http://127.0.0.1:9/api"
    requests_mock.post(f"{base}/operations/run", json={"id": 7, "result": "running"})
    requests_mock.get(f"{base}/operations/7", [
        {"json": {"id": 7, "result": "running", "end_time": None}},
        {"json": {"id": 7, "result": "success", "end_time": "t"}},
    ])
    t = FakeTime()
    client = Client(base, "tok-for-run-and-wait")
    try:
        op = run_and_wait(client, {"type": "sync", "datastore_id": 1}, timeout=60,
                          clock=t.clock, sleep=t.sleep)
    finally:
        secrets.clear()
    assert op["result"] == "success"
    assert t.sleeps == [1.0]
    assert client.counter.snapshot() == {"GET /operations/{id}": 2, "POST /operations/run": 1}
