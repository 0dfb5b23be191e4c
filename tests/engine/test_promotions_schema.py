"""`schema --kind promotion`: the JSON Schema of promotions.yaml, generated from the table
validate reads, accepts what validate accepts and refuses the file-shape mistakes."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from qualytics_ci.folder.jsonschema import schema

from .test_promotions_file import ALL_FOUR


def validator() -> Draft202012Validator:
    doc = schema("promotion")
    Draft202012Validator.check_schema(doc)
    return Draft202012Validator(doc)


def test_a_file_declaring_all_four_types_passes() -> None:
    assert list(validator().iter_errors(yaml.safe_load(ALL_FOUR))) == []


BASE: dict[str, Any] = {"name": "p", "type": "checks", "from": "dev/orders", "to": "prod/orders"}


@pytest.mark.parametrize(("change", "why"), [
    ({"addtional_tags": ["x"]}, "a misspelt key"),
    ({"type": "field"}, "an unknown promote type"),
    ({"tags": ["a"], "ids": [1]}, "tags and ids together"),
    ({"ids": ["one"]}, "ids that are not numbers"),
    ({"active": "yes"}, "active that is not true or false"),
    ({"type": "tables", "from": "dev", "to": "prod", "active": True}, "active on tables"),
    ({"type": "files", "from": "lake-dev", "to": "lake-prod"}, "files without mappings"),
    ({"type": "checks", "mappings": {"a": "b"}}, "mappings on checks"),
    ({"name": ""}, "an empty name"),
])
def test_a_file_shape_mistake_fails(change: dict[str, Any], why: str) -> None:
    assert list(validator().iter_errors([{**BASE, **change}])), why


def test_a_missing_required_key_fails() -> None:
    entry = dict(BASE)
    del entry["to"]
    assert list(validator().iter_errors([entry]))
    assert list(validator().iter_errors({"name": "not a list"}))
