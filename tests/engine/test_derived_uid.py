"""A check file without a uid is identified by its derived uid, and that uid counts
exactly like a written one: in the plan, in drift, and in what is created."""

from __future__ import annotations

from typing import Any

from qualytics_ci.engine.drift import build_drift
from qualytics_ci.engine.plan import Scope, build_plan
from qualytics_ci.folder.model import Check, Config
from qualytics_ci.folder.reader import check_uid
from qualytics_ci.results.config import KIND_ORDER

from . import apidata

SCOPE = Scope(frozenset(KIND_ORDER), frozenset({"warehouse-dev"}))
UID = "orders__notnull__shipped_at"


def _check(body: dict[str, Any]) -> Check:
    return Check("notnull__shipped_at", body, "warehouse-dev", "orders",
                 file="datastores/warehouse_dev/checks/orders/notnull__shipped_at.yaml",
                 uid=check_uid(body))


WITHOUT_UID = {"rule_type": "notNull", "container": "orders", "fields": ["shipped_at"]}
WITH_UID = {**WITHOUT_UID, "additional_metadata": {"_qualytics_check_uid": UID}}


def _imported_state() -> Any:
    """The target after importing the check: the import stored its derived uid."""
    objs = apidata.demo_objects()
    objs["checks"]["warehouse-dev"].append(apidata.check(
        9, "notNull", (20, "orders"), ["shipped_at"], coverage=None,
        description="notNull quality check", additional_metadata={"_qualytics_check_uid": UID}))
    return apidata.build_state(**objs)


def test_a_derived_uid_is_in_sync_in_plan_and_drift_alike() -> None:
    state = _imported_state()
    config = Config.of([_check(WITHOUT_UID)])
    assert config.checks[0].uid == UID
    (change,) = build_plan(config, state, SCOPE).plan.changes
    assert change.action == "unchanged", change
    drift = build_drift(config, state, SCOPE)
    (mine,) = [i for i in drift.items if i.change.uid == UID]
    assert mine.state == "in_sync", mine.change.fields


def test_written_and_derived_uids_make_the_same_plan() -> None:
    empty = apidata.demo_state()
    derived = build_plan(Config.of([_check(WITHOUT_UID)]), empty, SCOPE).plan
    written = build_plan(Config.of([_check(WITH_UID)]), empty, SCOPE).plan
    assert derived.changes[0].action == "create"
    assert derived.to_json() == written.to_json()
    state = _imported_state()
    for body in (WITHOUT_UID, WITH_UID):
        drift = build_drift(Config.of([_check(body)]), state, SCOPE)
        assert [i.state for i in drift.items if i.change.uid == UID] == ["in_sync"]


def test_a_real_difference_of_a_derived_uid_check_still_shows_in_drift() -> None:
    state = _imported_state()
    edited = _check({**WITHOUT_UID, "filter": "status <> 'void'"})
    drift = build_drift(Config.of([edited]), state, SCOPE)
    (mine,) = [i for i in drift.items if i.change.uid == UID]
    assert mine.state == "changed"
    assert [(f.path, f.before, f.after) for f in mine.change.fields] == [
        ("filter", "status <> 'void'", None)]
