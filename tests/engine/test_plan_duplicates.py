"""Checks on the target that share a uid: the plan shows every copy but the lowest
id as a ``duplicate``, which import archives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualytics_ci.engine.export import write_export
from qualytics_ci.engine.plan import Scope, build_plan, mass_archive_problem
from qualytics_ci.engine.state import TargetState
from qualytics_ci.engine.target import build_state
from qualytics_ci.folder.model import Config
from qualytics_ci.folder.reader import read_folder
from qualytics_ci.render import markdown as md
from qualytics_ci.render.terminal import render_plan, render_report
from qualytics_ci.results.config import KIND_ORDER, ImportReport, Outcome
from qualytics_ci.results.from_json import import_report_from_json, plan_from_json

from . import apidata

ALL = frozenset(KIND_ORDER)
SCOPE = Scope(ALL, frozenset({"warehouse-dev"}))
UID = "orders__between__total"


def _objects(*copy_ids: int) -> dict[str, Any]:
    """The demo target, with copies of check 2 (same uid) under the given ids."""
    objs = apidata.demo_objects()
    live = objs["checks"]["warehouse-dev"]
    between = next(c for c in live if c["id"] == 2)
    live.extend({**between, "id": i} for i in copy_ids)
    return objs


def _state(*copy_ids: int) -> TargetState:
    return build_state(**_objects(*copy_ids))


def _folder(tmp_path: Path) -> Config:
    """The folder exported from the demo target before any copy existed."""
    write_export(tmp_path, apidata.demo_state(), ALL, ["warehouse-dev"], all_datastores=True)
    config, _ = read_folder(tmp_path)
    return config


def test_each_extra_copy_is_one_duplicate_and_the_lowest_id_is_kept(tmp_path: Path) -> None:
    config = _folder(tmp_path)
    planned = build_plan(config, _state(9, 7), SCOPE)
    plan = planned.plan
    copies = [c for c in plan.changes if c.action == "duplicate"]
    assert [(c.uid, c.name, c.target_id, c.duplicate_of) for c in copies] == [
        (UID, UID, 7, 2), (UID, UID, 9, 2)]
    assert [c.action for c in plan.changes if c.uid == UID] == [
        "unchanged", "duplicate", "duplicate"]
    assert plan.has_changes and plan.summary["duplicate"] == 2
    assert [s.current_id for s in planned.steps if s.change.action == "duplicate"] == [7, 9]
    text = render_plan(plan)
    assert ("  - duplicate check warehouse-dev/orders/orders__between__total "
            "(id 7, a copy of id 2, which is kept)") in text
    assert text.count("- duplicate check") == 2
    assert "Plan: 0 to create, 0 to update, 0 to archive, 2 duplicates to archive, " in text
    row = next(c for c in plan.to_json()["changes"] if c["action"] == "duplicate")
    assert (row["target_id"], row["duplicate_of"], row["file"]) == (7, 2, None)
    assert plan.to_json()["summary"]["duplicate"] == 2


def test_duplicates_are_bound_by_the_digest(tmp_path: Path) -> None:
    config = _folder(tmp_path)
    clean = build_plan(config, _state(), SCOPE).plan
    assert clean.summary["duplicate"] == 0 and not clean.has_changes
    one = build_plan(config, _state(7), SCOPE).plan
    other = build_plan(config, _state(8), SCOPE).plan
    two = build_plan(config, _state(7, 8), SCOPE).plan
    assert len({clean.digest, one.digest, other.digest, two.digest}) == 4
    # What the Action reads back from the JSON is the same plan, digest included.
    again = plan_from_json(two.to_json())
    assert again.digest == two.digest and again.summary == two.summary


def test_same_shaped_checks_without_a_stored_uid_are_not_duplicates(tmp_path: Path) -> None:
    # Checks 1 and 3 of the demo target have the same shape and no stored uid: they are two
    # checks (orders__notnull__id and orders__notnull__id__2), not copies of one.
    config = _folder(tmp_path)
    plan = build_plan(config, _state(), SCOPE).plan
    assert {"orders__notnull__id", "orders__notnull__id__2"} <= {c.uid for c in plan.changes}
    assert plan.count("duplicate") == 0


def test_copies_the_folder_lists_as_checks_of_their_own_are_not_duplicates(
        tmp_path: Path) -> None:
    # Exported after the copy existed, the folder has both (as uid and uid__2): the folder
    # says there are two, so neither is extra.
    state = _state(7)
    write_export(tmp_path, state, ALL, ["warehouse-dev"], all_datastores=True)
    config, _ = read_folder(tmp_path)
    assert {UID, f"{UID}__2"} <= {c.uid for c in config.checks}
    assert not build_plan(config, state, SCOPE).plan.has_changes


def test_copies_of_a_uid_the_folder_does_not_have_are_left_to_prune(tmp_path: Path) -> None:
    config = _folder(tmp_path)
    without = Config.of(c for c in config.entities() if getattr(c, "uid", "") != UID)
    state = _state(7)
    assert not build_plan(without, state, SCOPE).plan.has_changes
    pruned = build_plan(without, state, SCOPE, prune=True).plan
    assert sorted((c.action, c.name) for c in pruned.changes if c.action != "unchanged") == [
        ("archive", UID), ("archive", f"{UID}__2")]


def test_with_prune_a_copy_is_a_duplicate_once_and_not_a_mass_archive(tmp_path: Path) -> None:
    config = _folder(tmp_path)
    state = _state(7, 8, 9)
    plan = build_plan(config, state, SCOPE, prune=True).plan
    assert [c.action for c in plan.changes if c.action != "unchanged"] == ["duplicate"] * 3
    # Three of eight checks, but archiving copies loses nothing: no --allow-mass-archive.
    assert mass_archive_problem(plan, state, SCOPE.datastores) is None


def test_duplicates_only_in_scope(tmp_path: Path) -> None:
    config = _folder(tmp_path)
    state = _state(7)
    other = Scope(ALL, frozenset({"warehouse-prod"}))
    assert build_plan(config, state, other).plan.count("duplicate") == 0
    no_checks = Scope(ALL - {"check"}, frozenset({"warehouse-dev"}))
    assert build_plan(config, state, no_checks).plan.count("duplicate") == 0


def test_import_report_and_markdown_count_the_duplicates(tmp_path: Path) -> None:
    plan = build_plan(_folder(tmp_path), _state(7), SCOPE).plan
    report = ImportReport(plan.digest, tuple(Outcome(c, "ok", c.target_id) for c in plan.changes))
    text = render_report(report)
    assert "  - duplicate check warehouse-dev/orders/orders__between__total (id 7, a copy " \
        "of id 2, which is kept): ok" in text
    assert "0 archived, 1 duplicate archived, " in report.headline()
    assert import_report_from_json(report.to_json()).headline() == report.headline()
    summary = md.summary(md.plan_sections(plan, md.Context()), md.Context()).text
    assert "| kind | create | update | archive | duplicate | unchanged |" in summary
    assert "| checks | 0 | 0 | 0 | 1 | 5 |" in summary
    assert ("- check **orders\\_\\_between\\_\\_total** in `orders` · an extra copy on the "
            "target (id 7; id 2 is kept)") in summary
    imported = md.summary(md.import_sections(report, md.Context()), md.Context()).text
    assert "| checks | 0 | 0 | 0 | 1 | 5 |" in imported
    # Without duplicates the table keeps its four columns.
    folder = _folder(tmp_path / "again")
    pruned = build_plan(Config.of(c for c in folder.entities() if getattr(c, "uid", "") != UID),
                        _state(), SCOPE, prune=True).plan
    text = md.summary(md.plan_sections(pruned, md.Context()), md.Context()).text
    assert "| kind | create | update | archive | unchanged |" in text
    assert "duplicate" not in text
