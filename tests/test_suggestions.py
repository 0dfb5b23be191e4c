"""A misspelt name gets the nearest right one: rule types, --include kinds, datastore
names (the same helper promote uses for its --from and --to)."""

from __future__ import annotations

import pytest

from qualytics_ci.engine.target import select_datastores
from qualytics_ci.errors import QualyticsCIError, close_matches, did_you_mean
from qualytics_ci.folder.model import Check, parse_kinds
from qualytics_ci.folder.validate import check_issues


def test_did_you_mean_names_the_nearest_or_nothing() -> None:
    assert did_you_mean("chekcs", ["checks", "connections"]) == "did you mean 'checks'?"
    assert did_you_mean("--prnue", ["--prune", "--quiet"], quote=False) == \
        "did you mean --prune?"
    assert did_you_mean("NOTNULL", ["notNull", "isType"]) == "did you mean 'notNull'?"
    assert did_you_mean("zzz", ["checks", "connections"]) is None
    assert close_matches("wharehouse-dev", ["warehouse-dev", "warehouse-prod", "lake-dev"],
                         n=2) == ["warehouse-dev", "warehouse-prod"]


def test_an_unknown_rule_type_suggests_the_rule_meant() -> None:
    check = Check("x", {"rule_type": "betwen", "fields": ["a"]}, "wh", "orders", uid="u",
                  file="c.yaml")
    [issue] = check_issues(check)
    assert issue.message == "unknown rule type 'betwen' (did you mean 'between'?)"
    far = Check("x", {"rule_type": "isPurple"}, "wh", "orders", uid="u", file="c.yaml")
    assert check_issues(far)[0].message == "unknown rule type 'isPurple'"


def test_an_unknown_include_kind_suggests_the_kind_meant() -> None:
    with pytest.raises(QualyticsCIError) as exc:
        parse_kinds("datastores,chekcs")
    assert exc.value.message == "unknown kind 'chekcs' in --include (did you mean 'checks'?)"
    assert "connections, datastores, containers, computed_fields, checks" in (
        exc.value.hint or "")


def test_an_unknown_datastore_suggests_one_the_target_or_folder_has() -> None:
    listed = [{"id": 1, "name": "warehouse-dev"}, {"id": 2, "name": "lake-dev"}]
    with pytest.raises(QualyticsCIError) as exc:
        select_datastores(listed, ["warehouse-dve"])
    assert exc.value.message == ("datastore 'warehouse-dve' not found on the target "
                                 "(did you mean 'warehouse-dev'?)")
    with pytest.raises(QualyticsCIError) as new:
        select_datastores(listed, ["warehouse-qa"], new=["warehouse-qa1"])
    assert "did you mean 'warehouse-qa1'?" in new.value.message
