"""Waiting for asynchronous operations (sync, profile, promote): the one poller.

Operations run on the server; ``GET /operations/{id}`` shows ``end_time`` once
they finish. Polls start 1 s apart and double up to 10 s, so short operations
return quickly and long ones cost few requests. Clock and sleep are injectable,
which keeps tests instant. A KeyboardInterrupt is not caught: the caller
prints the operation id so the user can follow it up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from qualytics_ci.api.types import Operation
from qualytics_ci.errors import QualyticsCIError

if TYPE_CHECKING:
    from qualytics_ci.api.resources import Resources



class OperationTimeout(QualyticsCIError):
    """The operation did not finish in time; it may still be running on the server."""

    def __init__(self, operation: Operation, timeout: float) -> None:
        op_id = operation.get("id", "?")
        super().__init__(
            f"operation {op_id} did not finish within {timeout:g} s"
            f" (last result: {operation.get('result', 'unknown')})",
            hint="the operation is still running on the server; look it up with"
            f" GET /api/operations/{op_id}",
        )
        self.operation_id = operation.get("id")
        self.operation = operation


def is_finished(operation: Mapping[str, Any]) -> bool:
    """True once the operation has an ``end_time`` or a result other than running."""
    if operation.get("end_time"):
        return True
    result = operation.get("result")
    return result is not None and result != "running"


def wait_for_operation(
    fetch: Callable[[], Operation],
    *,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    first_interval: float = 1.0,
    max_interval: float = 10.0,
    on_poll: Callable[[Operation], None] | None = None,
) -> Operation:
    """Call ``fetch`` until the operation it returns has finished; return that operation.

    Raises :class:`OperationTimeout` when ``timeout`` seconds pass first (the
    last poll happens at the deadline).
    """
    deadline = clock() + timeout
    interval = first_interval
    while True:
        operation = fetch()
        if on_poll is not None:
            on_poll(operation)
        if is_finished(operation):
            return operation
        remaining = deadline - clock()
        if remaining <= 0:
            raise OperationTimeout(operation, timeout)
        sleep(min(interval, remaining))
        interval = min(interval * 2, max_interval)


def run_and_wait(
    client: Resources,
    body: Mapping[str, Any],
    *,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_poll: Callable[[Operation], None] | None = None,
) -> Operation:
    """Start an operation (``POST /operations/run``) and wait for it to finish."""
    started = client.run_operation(body)
    if is_finished(started):
        return started
    op_id = started["id"]
    return wait_for_operation(
        lambda: client.get_operation(op_id),
        timeout=timeout, clock=clock, sleep=sleep, on_poll=on_poll,
    )
