"""A file's keys are checked in one pass when they are right (almost every file), and
the long way, which names each problem, only when something is wrong: the two agree on
every body, valid or not."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from qualytics_ci.folder.schema import KEYS, _clean, check_keys, key_issues
from qualytics_ci.results.config import KIND_ORDER, Kind

VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.floats(-1, 2),
                   st.sampled_from(["", "x", "orders"]),
                   st.lists(st.sampled_from(["a", 1, None]), max_size=2),
                   st.dictionaries(st.sampled_from(["min", "max"]), st.integers(0, 3),
                                   max_size=2))


@st.composite
def bodies(draw: st.DrawFn) -> tuple[Kind, dict[str, Any]]:
    kind = draw(st.sampled_from(KIND_ORDER))
    known = sorted(KEYS[kind])
    keys = draw(st.lists(st.sampled_from([*known, "_private", "unknown_key"]), unique=True))
    return kind, {key: draw(VALUES) for key in keys}


@settings(max_examples=1500, deadline=None)
@given(bodies())
def test_the_one_pass_check_agrees_with_the_long_way(case: tuple[Kind, dict[str, Any]]) -> None:
    kind, body = case
    long_way = key_issues(kind, body, "f.yaml", {})
    assert _clean(kind, body) == (long_way == [])
    assert check_keys(kind, body, "f.yaml", {}) == long_way


def test_a_valid_check_and_a_wrong_one() -> None:
    body = {"rule_type": "notNull", "container": "orders", "fields": ["id"], "coverage": 1,
            "tags": [], "status": "Active", "_qualytics_uid": "x"}
    assert check_keys("check", body, "f.yaml", {}) == []
    wrong = {**body, "coverage": True, "fields": ["id", 3], "colour": "red"}
    assert [i.message for i in check_keys("check", wrong, "f.yaml", {"coverage": 4})] == [
        "'coverage' must be a number, not bool", "unknown key 'colour' (kept as is)",
        "'fields' must be a list of names"]
