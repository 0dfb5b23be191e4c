"""Several named promotes, one after another: the promotions a folder declares.

:func:`preview_all` previews each (GET requests only); :func:`run_all` runs each,
waits for it and reads its report before the next one starts, so a promotion
of computed fields can rely on the computed table promoted just before it.
One :class:`~qualytics_ci.promote.resolve.Resolver` serves them all, so each
datastore name is looked up once.

A promotion that is refused (an unknown name, a 403 or a 422) is recorded with
its error and the next one still runs; one that does not finish in time (or is
interrupted) stops the run, as the platform is still busy with it, and the rest
are recorded as not run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qualytics_ci.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, QualyticsCIError
from qualytics_ci.progress import SILENT, Progress
from qualytics_ci.promote.api import PromoteAPI
from qualytics_ci.promote.permission import Caller, not_asked
from qualytics_ci.promote.preview import preview_promote
from qualytics_ci.promote.request import PromoteOptions
from qualytics_ci.promote.resolve import Resolver
from qualytics_ci.promote.run import PromoteNotFinished, prepare, run_promote
from qualytics_ci.results.promotions import (
    PromotionError,
    PromotionPreview,
    PromotionRef,
    PromotionResult,
    PromotionsPreview,
    PromotionsReport,
)


@dataclass(frozen=True)
class Named:
    """One promotion to preview or run: how results name it, and its options."""

    ref: PromotionRef
    options: PromoteOptions


def _error(exc: QualyticsCIError) -> PromotionError:
    return PromotionError(exc.message, exc.hint)


PLAN_TOKEN = ("a plan's token is not the one its promotions run with: the deploy's runs "
              "them on merge")


def preview_all(api: PromoteAPI, promotions: Sequence[Named], *,
                ask_permission: bool = True) -> PromotionsPreview:
    """Every promotion's preview, in order; one that cannot be previewed (a name the
    target does not have, a refused type) carries its error instead. The caller's
    permission is read once for all (``ask_permission`` False: not read, as for a
    plan, whose read-only token is not the one that runs the promotions)."""
    resolver = Resolver(api)
    caller = Caller(api) if ask_permission else not_asked(api, PLAN_TOKEN)
    items = []
    for p in promotions:
        try:
            items.append(PromotionPreview(p.ref, preview_promote(
                api, prepare(api, p.options, resolver), caller)))
        except QualyticsCIError as exc:
            items.append(PromotionPreview(p.ref, error=_error(exc)))
    return PromotionsPreview(tuple(items))


def run_all(api: PromoteAPI, promotions: Sequence[Named], *, progress: Progress = SILENT,
            on_started: Callable[[Named, int], None] | None = None,
            clock: Callable[[], float] = time.monotonic,
            sleep: Callable[[float], None] = time.sleep) -> PromotionsReport:
    """Run every promotion in order, each waited for; ``on_started(promotion,
    operation_id)`` is called as each operation is created."""
    resolver = Resolver(api)
    items: list[PromotionResult] = []
    stopped: PromotionError | None = None
    for p in promotions:
        if stopped is not None:
            items.append(PromotionResult(p.ref, error=stopped))
            continue

        def started(op_id: int, p: Named = p) -> None:
            if on_started is not None:
                on_started(p, op_id)

        try:
            report = run_promote(api, p.options, progress=progress, clock=clock, sleep=sleep,
                                 on_started=started, resolver=resolver)
        except PromoteNotFinished as exc:
            items.append(PromotionResult(p.ref, error=_error(exc)))
            stopped = PromotionError(
                f"not run: promotion {p.ref.name!r} (operation {exc.operation_id}) had not "
                "finished", "run the promotions again once it has; identical copies are "
                "skipped")
        except QualyticsCIError as exc:
            items.append(PromotionResult(p.ref, error=_error(exc)))
        else:
            items.append(PromotionResult(p.ref, report))
    return PromotionsReport(tuple(items))


def batch_exit_code(report: PromotionsReport) -> int:
    """0 when every promotion ran and no entity failed; 3 when some entities failed
    and others were promoted; 1 when a promotion was refused, aborted or did not
    finish, or when every entity failed."""
    if report.errors or any(r.report is not None and r.report.result in
                            ("aborted", "running") for r in report.items):
        return EXIT_ERROR
    failed = report.count("failed")
    if not failed:
        return EXIT_OK
    done = report.count("created") + report.count("updated") + report.count("skipped")
    return EXIT_PARTIAL if done else EXIT_ERROR
