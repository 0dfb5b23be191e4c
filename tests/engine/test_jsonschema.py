"""The editor's JSON Schemas say what validate says: the same files pass, the same mistakes
fail (a property or key of the wrong type, an unknown rule type, a missing required
property, a malformed placeholder), and an unknown key the platform may add is allowed."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import jsonschema, variables
from qualytics_ci.folder.rules import COMPARISONS, RULES
from qualytics_ci.results.config import Kind

from .schemas import folder_files, kind_of, load, schema_errors, validate_errors

DATA = Path(__file__).resolve().parents[1] / "data"
OFFICIAL = DATA / "official-format"
BAD = DATA / "bad"
CHECK = "datastores/warehouse_dev/checks/orders/check.yaml"
BETWEEN = {"rule_type": "between", "description": "Order total in range", "container": "orders",
           "fields": ["total_amount"], "coverage": None, "filter": "status <> 'void'",
           "anomaly_message_field": None,
           "properties": {"min": 0, "max": 100000, "inclusive_min": True,
                          "inclusive_max": True},
           "tags": ["finance"], "status": "Active",
           "additional_metadata": {"_qualytics_check_uid": "orders__between__total_amount"}}


def both(kind: Kind, rel: str, data: Any) -> tuple[list[str], list[str]]:
    """(the schema's errors, validate's errors) for one file."""
    return schema_errors(kind, data), validate_errors(rel, data)


@pytest.mark.parametrize("kind", jsonschema.KINDS)
def test_each_schema_is_a_valid_draft_2020_12_schema(kind: Kind) -> None:
    doc = jsonschema.schema(kind)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(doc)


# Keywords draft-07 has too: VS Code's YAML extension (yaml-language-server) validates with
# a draft-07 validator unless it supports the newer drafts; `$defs` is only reached through
# `$ref`'s JSON pointer, which draft-07 resolves the same. patternErrorMessage is the
# message VS Code and yaml-language-server show for a pattern (others ignore it).
DRAFT_07 = frozenset({"$schema", "$comment", "$ref", "$defs", "title", "description", "type",
                      "required", "properties", "additionalProperties", "items", "enum",
                      "const", "if", "then", "else", "allOf", "anyOf", "not", "minLength",
                      "minItems", "maxItems", "pattern", "exclusiveMinimum", "maximum",
                      "patternErrorMessage"})


def keywords(node: Any) -> set[str]:
    if not isinstance(node, dict):
        return set()
    if "$ref" in node:
        assert set(node) == {"$ref"}, f"$ref with siblings (draft-07 ignores them): {node}"
    found = set(node)
    for key, value in node.items():
        if key in ("properties", "$defs"):
            for sub in value.values():
                found |= keywords(sub)
        elif isinstance(value, list) and key in ("allOf", "anyOf"):
            for sub in value:
                found |= keywords(sub)
        elif isinstance(value, dict):
            found |= keywords(value)
    return found


@pytest.mark.parametrize("kind", jsonschema.KINDS)
def test_the_schemas_use_only_keywords_draft_07_editors_apply(kind: Kind) -> None:
    assert keywords(jsonschema.schema(kind)) <= DRAFT_07


@pytest.mark.parametrize("kind", jsonschema.KINDS)
def test_the_text_is_the_schema_and_the_same_every_time(kind: Kind) -> None:
    text = jsonschema.schema_text(kind)
    assert yaml.safe_load(text) == jsonschema.schema(kind)
    assert text == jsonschema.schema_text(kind) and text.endswith("}\n")


def test_every_file_of_the_official_format_validates() -> None:
    files = folder_files(OFFICIAL)
    kinds = set()
    for rel, path in files:
        kind = kind_of(rel)
        assert kind is not None, rel
        kinds.add(kind)
        assert schema_errors(kind, load(path, rel)) == [], rel
    assert kinds == set(jsonschema.KINDS) - {"promotion"}  # the platform has no promotions.yaml


def mutated(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(BETWEEN)
    for key, value in changes.items():
        if key == "props":
            body["properties"].update(value)
            body["properties"] = {k: v for k, v in body["properties"].items() if v is not ...}
        elif value is ...:
            body.pop(key)
        else:
            body[key] = value
    return body


def test_the_starting_check_passes_both() -> None:
    assert both("check", CHECK, BETWEEN) == ([], [])


@pytest.mark.parametrize(("body", "where"), [
    (mutated(props={"max": "lots"}), "$.properties.max: 'lots' is not of type 'number'"),
    (mutated(props={"max": [1, 2]}), "$.properties.max: [1, 2] is not of type 'number'"),
    (mutated(rule_type="isPurple"), "$.rule_type: 'isPurple' is not one of"),
    (mutated(rule_type="betwen"), "$.rule_type: 'betwen' is not one of"),
    (mutated(props={"max": ...}), "$.properties: 'max' is a required property"),
    (mutated(props={"max": None}), "$.properties.max: None is not of type 'number'"),
    (mutated(fields="total_amount"), "$.fields: 'total_amount' is not of type 'array'"),
    (mutated(fields=[]), "$.fields: [] should be non-empty"),
    (mutated(tags="finance"), "$.tags: 'finance' is not of type 'array', 'null'"),
    (mutated(tags=[1]), "$.tags[0]: 1 is not of type 'string'"),
    (mutated(coverage="high"), "$.coverage: 'high' is not of type 'number', 'null'"),
    (mutated(coverage=0), "$.coverage: 0 is less than or equal to the minimum of 0"),
    (mutated(status="Paused"), "$.status: 'Paused' is not one of ['Active', 'Draft', None]"),
    (mutated(container=""), "$.container: '' should be non-empty"),
    (mutated(container=...), "$: 'container' is a required property"),
    (mutated(properties=[]), "$.properties: [] is not of type 'object', 'null'"),
    (mutated(rule_type="volumetric", fields=["x"], filter=None,
             properties={"comparison": "Absolute Value"}),
     "$.fields: ['x'] is expected to be empty"),
    (mutated(rule_type="fieldCount", fields=None, filter="x > 1", properties={"value": 3}),
     "$.filter: 'x > 1' is not one of [None, '']"),
    (mutated(rule_type="metric", coverage=0.5, properties={"comparison": "Absolute Value"}),
     "$.coverage: 0.5 is not one of [None, 1]"),
    (mutated(rule_type="existsIn", properties={"field_name": "id"}),
     "$.properties: {'field_name': 'id'} is not valid under any of the given schemas"),
    (mutated(rule_type="distinctCount", properties={"value": 2.5}),
     "$.properties.value: 2.5 is not of type 'integer'"),
    (mutated(rule_type="isType", properties={"field_type": "Text"}),
     "$.properties.field_type: 'Text' is not one of"),
], ids=lambda v: v.split(":")[0] if isinstance(v, str) else None)
def test_a_mistake_fails_the_schema_where_validate_fails_it(body: dict[str, Any],
                                                            where: str) -> None:
    errors, problems = both("check", CHECK, body)
    assert any(e.startswith(where) for e in errors), errors
    assert problems, "validate must refuse it too"


@pytest.mark.parametrize("body", [
    mutated(owner_team="finance"),  # a key the platform may add: validate warns
    mutated(props={"tolerance": "any value"}),  # a property not in the rule table
    mutated(id=12, created="2024-01-15"),  # keys the server manages: dropped, warned
    mutated(props={"min": 0.5, "inclusive_min": None}),
    mutated(coverage=1.0, filter=None, tags=None, fields=["a", "b"]),
    mutated(rule_type="distinctCount", coverage=1, properties={"value": 20.0,
                                                                "comparison": COMPARISONS[6]}),
    mutated(rule_type="isReplicaOf", fields=None, properties={"ref_container_id": 7}),
    mutated(rule_type="expectedSchema", fields=[], filter="", properties={"list": ["a"]}),
])
def test_what_validate_accepts_the_schema_accepts(body: dict[str, Any]) -> None:
    assert both("check", CHECK, body) == ([], [])


# -- the same verdict on any check ------------------------------------------------------------

VALUES = [None, 0, 1, 2.5, 20.0, -3, "lots", "", "Absolute Value", "lt", "Integral", True,
          False, [], ["a"], [1, "a", True], [None], {}]
MUTATIONS = {
    "rule_type": ["isPurple", "", None, "notNull", "volumetric", "between"],
    "container": ["", None, 5],
    "fields": [None, [], ["order_id"], ["a", "b"], "order_id", [1]],
    "coverage": [None, 0, 0.5, 1, 1.0, 2, "high", True],
    "filter": [None, "", "x > 1", 5],
    "status": [None, "Active", "Draft", "Paused", 3],
    "tags": [None, [], ["finance"], [1], "finance"],
    "properties": [None, {}, [], "x"],
}
GOOD = {"number": 1.5, "integer": 2, "string": "x", "boolean": True}


def good_check(rule_type: str) -> dict[str, Any]:
    """A check of ``rule_type`` that validate accepts (its required properties set)."""
    rule = RULES[rule_type]
    props: dict[str, Any] = {}
    for name in (*rule.properties, *(group[0] for group in rule.one_of)):
        prop = rule.types.get(name)
        if prop is None:
            props[name] = "x"
        elif prop.type == "enum":
            props[name] = prop.values[0]
        elif prop.type == "list":
            props[name] = ["a"]
        else:
            props[name] = GOOD[prop.type]
    body = {"rule_type": rule_type, "container": "orders", "properties": props}
    if rule.fields == "required":
        body["fields"] = ["order_id"]
    return body


@st.composite
def checks(draw: st.DrawFn) -> dict[str, Any]:
    """A valid check of any rule type with a few keys or properties changed or dropped."""
    rule_type = draw(st.sampled_from(sorted(RULES)))
    body = good_check(rule_type)
    rule = RULES[rule_type]
    names = sorted({*rule.types, *rule.properties, "other"})
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from([*MUTATIONS, "a property", "a property"]))
        if key == "a property" and isinstance(body.get("properties"), dict):
            name = draw(st.sampled_from(names))
            if draw(st.booleans()):
                body["properties"][name] = draw(st.sampled_from(VALUES))
            else:
                body["properties"].pop(name, None)
        elif key in MUTATIONS:
            if draw(st.integers(0, 4)) == 0:
                body.pop(key, None)
            else:
                body[key] = draw(st.sampled_from(MUTATIONS[key]))
    return body


@settings(max_examples=600, deadline=None)
@given(checks())
def test_the_schema_and_validate_agree_on_any_check(body: dict[str, Any]) -> None:
    errors, problems = both("check", CHECK, body)
    assert bool(errors) == bool(problems), (errors, problems)


@pytest.mark.parametrize("rule_type", sorted(RULES))
def test_a_good_check_of_every_rule_type_passes_both(rule_type: str) -> None:
    assert both("check", CHECK, good_check(rule_type)) == ([], [])


# -- computed containers, datastores, computed fields ----------------------------------------

CONTAINER = "datastores/warehouse_dev/containers/big_orders/_container.yaml"
TABLE = {"container_type": "computed_table", "name": "big_orders",
         "query": "select * from orders where total > 100"}
JOIN = {"container_type": "computed_join", "name": "joined", "left_container_name": "orders",
        "right_container_name": "customers", "left_join_field_name": "customer_id",
        "right_join_field_name": "id", "select_clause": "*", "join_type": "inner"}


@pytest.mark.parametrize(("body", "fails"), [
    (TABLE, False),
    ({**TABLE, "query": ""}, True),
    ({**TABLE, "query": None}, True),
    ({"container_type": "computed_table", "name": "t"}, True),
    ({**TABLE, "container_type": "computed_view"}, True),
    ({**TABLE, "container_type": None}, True),
    ({**TABLE, "tags": "x"}, True),
    ({**TABLE, "owner": "me"}, False),
    ({"container_type": "computed_file", "name": "f", "source_container_name": "raw",
      "select_clause": "a, b"}, False),
    ({"container_type": "computed_file", "name": "f", "source_container_name": "raw"}, True),
    (JOIN, False),
    ({k: v for k, v in JOIN.items() if k != "select_clause"}, True),
    ({"container_type": "computed_join", "name": "j", "sources": [{"name": "a"}],
      "query": "select 1"}, False),
    ({"container_type": "computed_join", "name": "j", "sources": [{"name": "a"}]}, True),
    ({"container_type": "computed_join", "name": "j", "sources": [], "query": "select 1"},
     True),
])
def test_a_computed_container_needs_the_keys_of_its_type(body: dict[str, Any],
                                                         fails: bool) -> None:
    errors, problems = both("container", CONTAINER, body)
    assert (bool(errors), bool(problems)) == (fails, fails), (errors, problems)


@pytest.mark.parametrize(("body", "fails"), [
    ({"name": "dw", "connection_name": "db", "database": "analytics"}, False),
    ({"name": "dw", "connection_id": 4}, False),
    ({"name": "dw", "connection_name": None, "connection_id": 4}, False),
    ({"name": "dw", "database": "analytics"}, True),
    ({"name": "dw", "connection_name": None}, True),
    ({"name": "dw", "connection_name": "db", "enrichment_only": "yes"}, True),
    ({"name": "dw", "connection_name": "db", "teams": [3]}, True),
    ({"name": "", "connection_name": "db"}, True),
])
def test_a_datastore_names_its_connection_and_types_its_keys(body: dict[str, Any],
                                                             fails: bool) -> None:
    errors, problems = both("datastore", "datastores/dw/_datastore.yaml", body)
    assert (bool(errors), bool(problems)) == (fails, fails), (errors, problems)


@pytest.mark.parametrize(("body", "fails"), [
    ({"name": "full_name", "transformation": "concat", "source_fields": ["first", "last"]},
     False),
    ({"name": "full_name", "transformation": "concat", "source_fields": "first"}, True),
    ({"name": "full_name"}, True),
    ({"name": "full_name", "transformation": "cast", "properties": ["x"]}, True),
])
def test_a_computed_field_types_its_keys(body: dict[str, Any], fails: bool) -> None:
    rel = "datastores/dw/containers/customers/computed_fields/full_name.yaml"
    errors, problems = both("computed_field", rel, body)
    assert (bool(errors), bool(problems)) == (fails, fails), (errors, problems)


# -- placeholders in connection files --------------------------------------------------------

DB = "connections/db.yaml"


@pytest.mark.parametrize(("changes", "fails"), [
    ({"password": "${DB_PASSWORD}"}, False),
    ({"host": "${DB_HOST:-db.internal}", "port": "${DB_PORT}"}, False),
    ({"password": "pa$$word", "username": "DOMAIN\\svc$"}, False),
    ({"name": "$weird${name"}, False),  # the name is the identity, taken as written
    ({"password": "$DB_PASSWORD"}, True),
    ({"password": "${DB_PASSWORD"}, True),
    ({"port": "${1PORT}"}, True),
    ({"parameters": {"ssl": {"cert": "${CERT"}}}, True),
    ({"parameters": {"hosts": ["a", "$B"]}}, True),
    ({"extra_option": "${A:-${B}}"}, True),  # an unknown key is still a connection's value
    ({"extra_option": {"nested": "${OK}"}}, False),
    ({"jdbc_fetch_size": "many"}, True),
])
def test_connection_values_are_in_the_placeholder_syntax(changes: dict[str, Any],
                                                         fails: bool) -> None:
    body = {"name": "db", "type": "postgresql", "host": "db.internal", **changes}
    errors, problems = both("connection", DB, body)
    assert (bool(errors), bool(problems)) == (fails, fails), (errors, problems)


def parses(text: str) -> bool:
    try:
        variables.parse(text)
    except QualyticsCIError:
        return False
    return True


PIECES = st.sampled_from(["$", "$$", "${", "{", "}", ":-", ":", "-", "A", "_", "b1", "1", "é",
                          " ", "\n", "#"])


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.lists(PIECES, max_size=8).map("".join),
                 st.text(alphabet="${}:-_aZ1é \n", max_size=12)))
@example("${A:-$}")
@example("${A:-${B}}")
@example("$_x")
@example("$é")
@example("${A:-}")
@example("${A-x}")
@example("${A:-a}b}")
@example("$$${A}")
@example("a$")
@example("${1A}")
def test_the_placeholder_pattern_is_the_parser(text: str) -> None:
    matched = re.search(jsonschema.placeholder_pattern(), text) is not None
    assert matched == parses(text)


# -- the bad-input corpus ---------------------------------------------------------------------

CASES: dict[str, dict[str, Any]] = yaml.safe_load((BAD / "cases.yaml").read_text())
# Each case whose problem is the shape of one file: its file fails its schema.
SHAPE = {"wrong_types", "unknown_rule_type", "misspelt_rule_type",
         "missing_required_property", "property_wrong_type", "property_list_for_number",
         "unclosed_placeholder", "bare_dollar_variable"}
# What a schema of one file's values cannot see.
READER = {  # the YAML itself: the reader refuses the file before its values are looked at
    "malformed_yaml", "billion_laughs",  # not YAML / an alias (an editor's parser reports)
    "non_string_key", "boolean_key",  # every key of JSON is text: 123 and on look the same
    "property_nan", "nan_in_request_body",  # JSON has no NaN
}
BYTES = {"huge_file", "non_utf8", "symlink_out_of_folder"}  # the file's size, encoding, link
ELSEWHERE = {  # the file is well-formed; another file, the target or the path decides
    "duplicate_uid", "two_files_one_entity",  # two files
    "dangling_container", "dangling_connection", "dangling_datastore",  # the target
    "unresolved_variable",  # the environment
    "path_traversal_container", "container_typo",  # the directory the file is in
}
COMMAND_LINE = {"misspelt_flag", "misspelt_include_kind", "misspelt_datastore",
                "concurrency_zero", "json_into_a_folder", "report_into_a_folder",
                "url_not_the_base"}


def case_files(name: str) -> list[tuple[str, Path]]:
    directory = BAD / str(CASES[name].get("folder", name))
    return folder_files(directory) if directory.is_dir() else []


def test_every_case_of_the_corpus_is_sorted_once() -> None:
    groups = [SHAPE, READER, BYTES, ELSEWHERE, COMMAND_LINE]
    assert sum(len(g) for g in groups) == len(set().union(*groups))
    assert set().union(*groups) == set(CASES)


@pytest.mark.parametrize("name", sorted(SHAPE))
def test_a_file_of_the_wrong_shape_fails_its_schema(name: str) -> None:
    files = case_files(name)
    assert files
    for rel, path in files:
        kind = kind_of(rel)
        assert kind is not None, rel
        data = load(path, rel)
        assert schema_errors(kind, data), f"{name}: {rel} passes its schema"
        assert validate_errors(rel, data), f"{name}: validate accepts {rel}"


@pytest.mark.parametrize("name", sorted(READER))
def test_what_the_reader_refuses_never_reaches_a_schema(name: str) -> None:
    for rel, path in case_files(name):
        with pytest.raises(QualyticsCIError):
            load(path, rel)


@pytest.mark.parametrize("name", sorted(ELSEWHERE))
def test_a_well_formed_file_passes_its_schema_whatever_else_is_wrong(name: str) -> None:
    files = case_files(name)
    assert files
    for rel, path in files:
        kind = kind_of(rel)
        assert kind is not None, rel
        assert schema_errors(kind, load(path, rel)) == [], rel
