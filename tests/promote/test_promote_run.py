"""run_promote over a stand-in API: waiting, timeouts, refusals, progress."""

from __future__ import annotations

import io
from typing import Any

import pytest

from qualytics_ci.api.errors import Forbidden, Unprocessable
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.progress import Progress
from qualytics_ci.promote.run import PromoteNotFinished, PromoteOptions, run_promote

from .fakes import FakeAPI

DATASTORES = [{"id": 1, "name": "dev", "store_type": "jdbc"},
              {"id": 2, "name": "prod", "store_type": "jdbc"}]
LISTINGS = {1: [{"id": 10, "name": "orders", "container_type": "table"}],
            2: [{"id": 20, "name": "orders", "container_type": "table"}]}
OPTIONS = PromoteOptions("checks", "dev/orders", "prod/orders", timeout=30)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Polling(FakeAPI):
    """An operation that finishes after ``polls`` GETs."""

    def __init__(self, polls: int) -> None:
        super().__init__(DATASTORES, LISTINGS)
        self.polls = polls

    def run_operation(self, body: Any) -> Any:
        self.calls.append(("run_operation", dict(body)))
        return {"id": 5, "result": "running", "end_time": None,
                "status": {"total": 2, "created": 0, "updated": 0, "skipped": 0, "failed": 0}}

    def get_operation(self, operation_id: int) -> Any:
        self.calls.append(("get_operation", operation_id))
        self.polls -= 1
        done = self.polls <= 0
        return {"id": 5, "result": "success" if done else "running",
                "end_time": "t" if done else None,
                "status": {"total": 2, "created": 2 if done else 1, "updated": 0, "skipped": 0,
                           "failed": 0}}


def test_waits_with_backoff_and_reports() -> None:
    api, clock = Polling(3), Clock()
    api.results = [{"source_entity_id": 7, "entity_type": "quality_check", "result": "created",
                    "source_entity": {"rule_type": "notNull", "fields": ["id"]},
                    "destination_entity_id": 8, "message": None}]
    stream = io.StringIO()
    started: list[int] = []
    report = run_promote(api, OPTIONS, clock=clock, sleep=clock.sleep,
                         progress=Progress(stream=stream), on_started=started.append)
    assert started == [5] and clock.sleeps == [1.0, 2.0]
    assert report.result == "success" and report.results[0].source_name == "notNull(id)"
    assert report.source == "dev/orders" and report.destination == "prod/orders"
    assert "promote operation 5: 2/2" in stream.getvalue()
    body = next(c[1] for c in api.calls if c[0] == "run_operation")
    assert body == {"type": "promote_quality_check", "datastore_id": 1, "container_id": 10,
                    "destination_container_id": 20, "as_draft": True}


def test_timeout_leaves_the_operation_running_and_names_it() -> None:
    api, clock = Polling(1000), Clock()
    options = PromoteOptions("checks", "dev/orders", "prod/orders", timeout=5)
    with pytest.raises(PromoteNotFinished) as exc:
        run_promote(api, options, clock=clock, sleep=clock.sleep)
    assert exc.value.operation_id == 5 and exc.value.exit_code == 1
    assert "GET /api/operations/5" in str(exc.value)
    assert "PUT /api/operations/abort/5" in str(exc.value)


def test_ctrl_c_leaves_the_operation_running() -> None:
    api = Polling(1000)

    def interrupt(_seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(PromoteNotFinished, match="interrupted"):
        run_promote(api, OPTIONS, sleep=interrupt)


@pytest.mark.parametrize(("error", "text"), [
    (Forbidden("no", method="POST", path="/operations/run", status=403),
     "needs Editor team permission on both dev and prod"),
    (Unprocessable("Source and destination must be different", method="POST",
                   path="/operations/run", status=422), r"rejected \(422\)"),
])
def test_refusals_are_explained(error: Exception, text: str) -> None:
    class Refusing(FakeAPI):
        def run_operation(self, body: Any) -> Any:
            raise error

    with pytest.raises(QualyticsCIError, match=text):
        run_promote(Refusing(DATASTORES, LISTINGS), OPTIONS)


def test_same_source_and_destination_sends_nothing() -> None:
    api = FakeAPI(DATASTORES, LISTINGS)
    with pytest.raises(QualyticsCIError, match="must be different"):
        run_promote(api, PromoteOptions("checks", "dev/orders", "1/10"))
    assert not [c for c in api.calls if c[0] == "run_operation"]
