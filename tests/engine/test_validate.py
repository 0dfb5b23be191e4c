"""Offline validation: rule shapes, container shapes, references, variables."""

from __future__ import annotations

from typing import Any

import pytest

from qualytics_ci import secrets
from qualytics_ci.folder.model import Check, Config, Connection, Container, Datastore
from qualytics_ci.folder.validate import check_issues, container_issues, validate_config
from qualytics_ci.folder.variables import known_fields, required, resolve
from qualytics_ci.results.config import FieldChange


def check(**body: Any) -> Check:
    base = {"rule_type": "notNull", "container": "orders", "fields": ["id"]}
    base.update(body)
    return Check("x", base, "wh", "orders", uid="u", file="c.yaml")


def messages(c: Check) -> list[str]:
    return [i.message for i in check_issues(c)]


def test_a_well_formed_check_has_no_issue() -> None:
    assert messages(check()) == []
    assert messages(check(rule_type="between", properties={"min": 0, "max": 1})) == []


@pytest.mark.parametrize(("body", "expected"), [
    ({"rule_type": "notARule"}, "unknown rule type 'notARule'"),
    ({"rule_type": "between", "properties": {"min": 0}}, "needs property 'max'"),
    ({"fields": []}, "needs at least one field"),
    ({"rule_type": "volumetric", "properties": {"comparison": "x"}}, "takes no fields"),
    ({"rule_type": "freshness", "fields": [], "filter": "a > 1"}, "does not take a filter"),
    ({"rule_type": "metric", "properties": {"comparison": "x"}, "coverage": 0.5},
     "does not take a coverage"),
    ({"coverage": 1.5}, "coverage must be greater than 0"),
    ({"status": "Archived"}, "status must be Active or Draft"),
    ({"rule_type": "existsIn", "properties": {"field_name": "id"}},
     "needs property 'ref_container_name'"),
    ({"rule_type": "isType", "properties": {"field_type": "Float"}}, "isType field_type"),
])
def test_rule_shape_errors(body: dict[str, Any], expected: str) -> None:
    assert any(expected in m for m in messages(check(**body)))


def test_computed_container_needs_its_type_keys() -> None:
    join = Container("j", {"container_type": "computed_join", "name": "j",
                           "left_container_name": "a"}, "wh")
    assert {i.message for i in container_issues(join)} >= {"computed_join needs "
                                                           "'right_container_name'"}
    bad = Container("t", {"container_type": "table", "name": "t"}, "wh")
    assert "container_type must be one of" in container_issues(bad)[0].message


def test_connection_missing_from_folder_is_only_a_warning_offline() -> None:
    config = Config.of([Datastore("wh", {"name": "wh", "connection_name": "elsewhere"},
                                  file="d.yaml")])
    (issue,) = validate_config(config, {})
    assert issue.level == "warning" and "'elsewhere'" in issue.message


def test_unset_variable_is_a_warning_naming_variable_and_file() -> None:
    conn = Connection("db", {"name": "db", "type": "postgresql",
                             "password": "${DB_PASSWORD}"}, file="connections/db.yaml")
    (issue,) = validate_config(Config.of([conn]), {})
    assert issue.level == "warning" and issue.code == "unset_variable"
    assert issue.message == "variable DB_PASSWORD not set: needed at import (environment or .env)"
    assert issue.file == "connections/db.yaml"
    (empty,) = validate_config(Config.of([conn]), {"DB_PASSWORD": ""})
    assert empty.message == issue.message  # empty, as a missing CI secret expands, is unset
    (error,) = required([conn], {})
    assert error.level == "error" and error.message.startswith(
        "variable DB_PASSWORD not set (environment or .env)")


def test_resolved_values_are_registered_as_secrets() -> None:
    conn = Connection("db", {"name": "db", "host": "${HOST}:1", "password": "${PW}"})
    resolved, unset = resolve(Config.of([conn]), {"HOST": "db.internal", "PW": "hunter22"})
    assert unset == frozenset()
    assert resolved[conn.key]["host"] == "db.internal:1"
    assert secrets.redact("pw is hunter22") == "pw is ***"


def test_unset_variables_are_left_as_written_and_their_values_not_compared() -> None:
    conn = Connection("db", {"name": "db", "host": "${HOST}", "port": 5432,
                             "parameters": {"role": "${ROLE}", "warehouse": "wh"}})
    resolved, unset = resolve(Config.of([conn]), {"HOST": "db.internal"})
    assert unset == frozenset({"ROLE"})
    assert resolved[conn.key]["parameters"] == {"role": "${ROLE}", "warehouse": "wh"}
    fields = (FieldChange("host", "old", "${HOST}"), FieldChange("parameters.role", "r", "${ROLE}"),
              FieldChange("parameters.warehouse", "x", "wh"))
    assert known_fields(fields, conn.body, unset) == (fields[0], fields[2])
