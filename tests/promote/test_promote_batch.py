"""Several named promotes in a row (promote.batch) over a stand-in API: names looked up
once, a refusal recorded and the next one run, an unfinished one stopping the rest."""

from __future__ import annotations

from typing import Any

import pytest

from qualytics_ci.promote.batch import Named, batch_exit_code, preview_all, run_all
from qualytics_ci.promote.request import PromoteOptions
from qualytics_ci.results.promote import PromoteReport
from qualytics_ci.results.promotions import (
    PromotionError,
    PromotionRef,
    PromotionResult,
    PromotionsReport,
    promotions_report_from_json,
)

from .fakes import FakeAPI

DATASTORES = [{"id": 1, "name": "dev", "store_type": "jdbc"},
              {"id": 2, "name": "prod", "store_type": "jdbc"}]
LISTINGS = {1: [{"id": 10, "name": "orders", "container_type": "table"},
                {"id": 11, "name": "payments", "container_type": "table"}],
            2: [{"id": 20, "name": "orders", "container_type": "table"},
                {"id": 21, "name": "payments", "container_type": "table"}]}


def named(name: str, source: str, destination: str, **kw: Any) -> Named:
    return Named(PromotionRef(name, "checks", source, destination, "promotions.yaml", 1),
                 PromoteOptions("checks", source, destination, **kw))


ORDERS = named("orders", "dev/orders", "prod/orders")
PAYMENTS = named("payments", "dev/payments", "prod/payments")
TYPO = named("typo", "dev/orders", "prood/orders")


class Finishing(FakeAPI):
    """Each operation ends at once with one created check."""

    def __init__(self) -> None:
        super().__init__(DATASTORES, LISTINGS)
        self.next_id = 40

    def run_operation(self, body: Any) -> Any:
        self.calls.append(("run_operation", dict(body)))
        self.next_id += 1
        return {"id": self.next_id, "result": "success", "end_time": "t",
                "status": {"total": 1, "created": 1, "updated": 0, "skipped": 0, "failed": 0}}

    def list_operation_results(self, operation_id: int, kind: Any, *,
                               promote_result: Any = None, search: Any = None) -> Any:
        if promote_result and "created" in promote_result:
            yield {"source_entity_id": operation_id, "entity_type": "quality_check",
                   "result": "created", "destination_entity_id": 99, "message": None,
                   "source_entity": {"rule_type": "notNull", "fields": ["id"]}}


def test_previews_look_each_name_up_once_and_keep_going_past_an_unknown_one() -> None:
    api = FakeAPI(DATASTORES, LISTINGS)
    previews = preview_all(api, [ORDERS, TYPO, PAYMENTS])
    assert [p.promotion.name for p in previews.items] == ["orders", "typo", "payments"]
    assert previews.items[0].preview is not None and previews.items[2].preview is not None
    error = previews.items[1].error
    assert error is not None and error.message == "datastore 'prood' not found"
    assert error.hint == "did you mean: prod?"
    lookups = [c for c in api.calls if c[0] in ("list_datastores", "containers_listing")]
    assert lookups.count(("list_datastores", "dev")) == 1
    assert lookups.count(("containers_listing", 1)) == 1
    assert not [c for c in api.calls if c[0] == "run_operation"]
    assert previews.headline().endswith("1 cannot be previewed.")


def test_run_all_runs_in_order_records_a_refusal_and_goes_on() -> None:
    api = Finishing()
    started: list[tuple[str, int]] = []
    report = run_all(api, [ORDERS, TYPO, PAYMENTS],
                     on_started=lambda p, op: started.append((p.ref.name, op)))
    assert started == [("orders", 41), ("payments", 42)]
    assert [r.report.operation_id if r.report else None for r in report.items] == [41, None, 42]
    assert report.summary == {"promotions": 3, "created": 2, "updated": 0, "skipped": 0,
                              "failed": 0, "errors": 1}
    assert batch_exit_code(report) == 1
    assert promotions_report_from_json(report.to_json()) == report


class NeverFinishing(Finishing):
    def run_operation(self, body: Any) -> Any:
        self.calls.append(("run_operation", dict(body)))
        return {"id": 7, "result": "running", "end_time": None, "status": {"total": 1}}

    def get_operation(self, operation_id: int) -> Any:
        return {"id": 7, "result": "running", "end_time": None, "status": {"total": 1}}


def test_an_unfinished_promotion_stops_the_ones_after_it() -> None:
    api, now = NeverFinishing(), [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    report = run_all(api, [named("slow", "dev/orders", "prod/orders", timeout=3), PAYMENTS],
                     clock=lambda: now[0], sleep=sleep)
    first, second = report.items
    assert first.error is not None and "operation 7 is still running" in first.error.message
    assert second.error is not None and second.error.message.startswith(
        "not run: promotion 'slow' (operation 7) had not finished")
    assert len([c for c in api.calls if c[0] == "run_operation"]) == 1


def report_of(result: str, **status: int) -> PromoteReport:
    counts = {"total": sum(status.values()), "created": 0, "updated": 0, "skipped": 0,
              "failed": 0, **status}
    return PromoteReport(1, "promote_quality_check", result, counts)  # type: ignore[arg-type]


REF = PromotionRef("p", "checks", "a/b", "c/d")


@pytest.mark.parametrize(("items", "code"), [
    ([], 0),
    ([report_of("success", skipped=4), report_of("success", created=1)], 0),
    ([report_of("success", created=3), report_of("failure", failed=2)], 3),
    ([report_of("failure", failed=2)], 1),
    ([report_of("success", created=1), report_of("aborted", created=1)], 1),
    ([report_of("success", created=1), PromotionError("refused (403)")], 1),
])
def test_the_exit_code_of_a_run(items: list[PromoteReport | PromotionError], code: int) -> None:
    report = PromotionsReport(tuple(
        PromotionResult(REF, error=i) if isinstance(i, PromotionError) else
        PromotionResult(REF, i) for i in items))
    assert batch_exit_code(report) == code
