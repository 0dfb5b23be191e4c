"""Promote: run (or preview) one of the platform's four promote operations,
wait for it, and report every entity's result.

The functions here are what the CLI calls (:mod:`qualytics_ci.cli.promote`):

- :func:`prepare` checks the options and resolves names (read-only requests);
- :func:`preview_promote` predicts the outcome without changing anything;
- :func:`start_promote` sends ``POST /operations/run`` and returns the operation;
- :func:`wait_promote` waits with the project's one poller;
- :func:`report_promote` reads the per-entity results into a :class:`PromoteReport`;
- :func:`run_promote` does all of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from qualytics_ci.api.operations import OperationTimeout, is_finished, wait_for_operation
from qualytics_ci.api.types import Operation, ResultKind
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.progress import SILENT, Progress
from qualytics_ci.promote.api import PromoteAPI, Row
from qualytics_ci.promote.preview import preview_promote as _preview
from qualytics_ci.promote.report import build_report, collect_results, exit_code
from qualytics_ci.promote.request import (
    KINDS,
    PromoteKind,
    PromoteOptions,
    ResolvedPromote,
    build_body,
    check_options,
    check_resolved,
)
from qualytics_ci.promote.resolve import Resolver, resolve
from qualytics_ci.results.promote import PromotePreview, PromoteReport

__all__ = [
    "PromoteNotFinished",
    "PromoteOptions",
    "exit_code",
    "prepare",
    "preview_promote",
    "report_promote",
    "run_promote",
    "start_promote",
    "wait_promote",
]


class PromoteNotFinished(QualyticsCIError):
    """The wait ended (timeout or Ctrl-C) while the operation keeps running."""

    def __init__(self, operation_id: int, why: str, results_path: str) -> None:
        super().__init__(
            f"promote operation {operation_id} is still running ({why}); it was left running",
            hint=(f"look it up with GET /api/operations/{operation_id} (per-entity results: "
                  f"GET /api/operations/{operation_id}/{results_path}); "
                  f"abort it with PUT /api/operations/abort/{operation_id}"),
        )
        self.operation_id = operation_id


def prepare(api: PromoteAPI, options: PromoteOptions,
            resolver: Resolver | None = None) -> ResolvedPromote:
    """Check the options, resolve every name, and check the result: everything
    that can be refused is refused here, before any request that changes anything."""
    src, dst = check_options(options)
    resolved = resolve(api, options, src, dst, resolver)
    check_resolved(resolved)
    return resolved


def preview_promote(api: PromoteAPI, options: PromoteOptions) -> PromotePreview:
    """The dry run: resolve, select, and predict each entity's outcome (GETs only)."""
    return _preview(api, prepare(api, options))


def start_promote(api: PromoteAPI, resolved: ResolvedPromote) -> Operation:
    """Send ``POST /operations/run``; returns the new operation.

    A 403 and a 422 from the server become errors that say what to do."""
    try:
        return api.run_operation(build_body(resolved))
    except QualyticsCIError as exc:
        status = getattr(exc, "status", None)
        if status == 403:
            raise QualyticsCIError(
                "promote refused (403): it needs Editor team permission on both "
                f"{resolved.source_datastore.name} and {resolved.destination_datastore.name}",
                hint="ask an Admin to give your team Editor on both datastores, or use a "
                     "token of a user who has it; nothing was enqueued",
            ) from None
        if status == 422:
            raise QualyticsCIError(
                f"promote request rejected (422): {exc.message}",
                hint="nothing was enqueued; fix the request and run it again",
            ) from None
        raise


def _progress_callback(progress: Progress) -> Callable[[Operation], None]:
    seen = {"done": 0, "started": 0}

    def on_poll(operation: Operation) -> None:
        status = operation.get("status")
        if not isinstance(status, Mapping):
            return
        total = int(status.get("total") or 0)
        done = sum(int(status.get(k) or 0) for k in ("created", "updated", "skipped", "failed"))
        if not seen["started"]:
            progress.start(f"promote operation {operation.get('id')}", total)
            seen["started"] = 1
        if done > seen["done"]:
            progress.advance(done - seen["done"])
            seen["done"] = done

    return on_poll


def wait_promote(api: PromoteAPI, operation: Operation, *, timeout: float,
                 results_path: ResultKind = "quality-checks", progress: Progress = SILENT,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> Operation:
    """Wait for the operation to end (backoff 1 s -> 10 s, at most ``timeout`` s).

    Timeout and Ctrl-C raise :class:`PromoteNotFinished` with the operation's id;
    the operation itself is left running."""
    op_id = int(operation["id"])
    on_poll = _progress_callback(progress)
    try:
        if is_finished(operation):
            return operation
        return wait_for_operation(lambda: api.get_operation(op_id), timeout=timeout,
                                  clock=clock, sleep=sleep, on_poll=on_poll)
    except OperationTimeout:
        raise PromoteNotFinished(op_id, f"not finished after {timeout:g} s",
                                 results_path) from None
    except KeyboardInterrupt:
        raise PromoteNotFinished(op_id, "interrupted", results_path) from None
    finally:
        progress.finish()


def report_promote(api: PromoteAPI, operation: Row,
                   resolved: ResolvedPromote | None = None) -> PromoteReport:
    """The operation's report, with every per-entity result (failures first)."""
    spec = resolved.spec if resolved else _kind_of(operation)
    rows = collect_results(api, int(operation["id"]), spec)
    return build_report(operation, rows, spec,
                        source=resolved.source_label if resolved else "",
                        destination=resolved.destination_label if resolved else "")


def _kind_of(operation: Row) -> PromoteKind:
    promote_type = str(operation.get("promote_type") or "quality_check")
    for kind in KINDS.values():
        if kind.entity_type == promote_type:
            return kind
    return KINDS["checks"]


def run_promote(api: PromoteAPI, options: PromoteOptions, *, progress: Progress = SILENT,
                clock: Callable[[], float] = time.monotonic,
                sleep: Callable[[float], None] = time.sleep,
                on_started: Callable[[int], None] | None = None,
                resolver: Resolver | None = None) -> PromoteReport:
    """Prepare, start, wait and report; ``on_started(operation_id)`` is called as
    soon as the operation exists (the Action sets its output then). Pass one
    ``resolver`` to several calls to look each name up only once."""
    resolved = prepare(api, options, resolver)
    operation = start_promote(api, resolved)
    if on_started is not None:
        on_started(int(operation["id"]))
    operation = wait_promote(api, operation, timeout=options.timeout,
                             results_path=resolved.spec.results_path, progress=progress,
                             clock=clock, sleep=sleep)
    return report_promote(api, operation, resolved)
