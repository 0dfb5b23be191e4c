"""Property: exporting any target and planning the export against it changes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualytics_ci.engine.export import write_export
from qualytics_ci.engine.plan import Scope, build_plan
from qualytics_ci.engine.target import build_state
from qualytics_ci.folder.reader import read_folder
from qualytics_ci.results.config import KIND_ORDER

from . import apidata

ALL = frozenset(KIND_ORDER)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                   st.floats(allow_nan=False, allow_infinity=False, width=32), text,
                   st.sampled_from(["2024-01-15", "yes", "null", "1e3", "~", "0x1F"]))
name = st.from_regex(r"[A-Za-z][A-Za-z0-9 _\-]{0,10}", fullmatch=True)


@st.composite
def checks(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    tables = draw(st.lists(name, min_size=1, max_size=3, unique=True))
    out = []
    for i in range(draw(st.integers(0, 8))):
        rule = draw(st.sampled_from(["notNull", "between", "matchesPattern", "unique"]))
        fields = draw(st.lists(name, min_size=1, max_size=3, unique=True))
        table = draw(st.sampled_from(tables))
        extra: dict[str, Any] = {
            "description": draw(text),
            "properties": draw(st.dictionaries(name, scalar, max_size=3)),
            "global_tags": [{"name": t} for t in draw(st.lists(name, max_size=3, unique=True))],
            "status": draw(st.sampled_from(["Active", "Draft"])),
            "filter": draw(st.one_of(st.none(), text)),
        }
        meta = draw(st.dictionaries(name, scalar, max_size=2))
        if draw(st.booleans()):
            meta["_qualytics_check_uid"] = draw(st.sampled_from(["u1", "u2", f"x{i}"]))
        extra["additional_metadata"] = meta
        out.append(apidata.check(i + 1, rule, (tables.index(table) + 100, table), fields,
                                 **extra))
    return [apidata.table(i + 100, t) for i, t in enumerate(tables)], out


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(checks())
def test_export_read_plan_is_always_empty(
        target: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    tables, items = target
    objs = apidata.demo_objects()
    objs["checks"] = {"warehouse-dev": items}
    objs["containers"] = {"warehouse-dev": tables}
    state = build_state(**objs)
    with tempfile.TemporaryDirectory() as tmp:
        write_export(Path(tmp), state, ALL, ["warehouse-dev"], all_datastores=True)
        config, issues = read_folder(tmp)
        assert [i for i in issues if i.level == "error"] == []
        plan = build_plan(config, state, Scope(ALL, frozenset({"warehouse-dev"})),
                          prune=True).plan
        assert not plan.has_changes, [c for c in plan.changes if c.action != "unchanged"]
        assert plan.count("unchanged") == len(list(config.entities()))
