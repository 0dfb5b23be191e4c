"""Reading YAML: the same values PyYAML's safe constructor gives, the line of every key."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import libyaml, yamlio


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types (1 is not True, NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def pyyaml(text: str) -> Any:
    return yaml.load(text, Loader=libyaml.Loader)


DOCUMENTS = {
    "scalars": "a: 1\nb: -0x1F\nc: 0o17\nd: 1_000\ne: 1.5\nf: '.inf'\ng: -1.5e-3\nh: '.nan'\n"
               "i: 1e3\nj: yes\nk: Off\nl: ~\nm:\nn: 'quoted'\no: \"7\"\np: 2024-01-15\n"
               "q: 12:30:00\nr: !!str 123\ns: !!float 3\n",
    "nested": "name: c\nproperties:\n  min: 0\n  inner:\n    deep: [1, two, {x: y}]\n"
              "tags:\n- a\n- b: c\n  d: e\n",
    "empty collections": "a: {}\nb: []\nc: ''\n",
    "block text": "query: |\n  select *\n  from t\nnote: >\n  folded\n  line\n",
    "quoted keys": "'1': one\n'2.5': half\n'true': yes\n'null': nothing\n'on': x\n",
    "an anchor never used": "base: &b {x: 1}\nquery: select a && b\n",
    "top-level list": "- a\n- {b: c}\n",
    "top-level scalar": "just text\n",
    "unicode": "name: café ☕\n\"quoted key\": x\n",
}


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=list(DOCUMENTS))
def test_values_are_pyyamls(text: str) -> None:
    data, _ = yamlio.load(text, "f.yaml")
    assert same(data, pyyaml(text))


def test_dates_and_times_stay_text() -> None:
    data, _ = yamlio.load(DOCUMENTS["scalars"], "f.yaml")
    assert data["p"] == "2024-01-15" and data["r"] == "123" and data["s"] == 3.0


LAUGHS = "".join(
    ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)])


@pytest.mark.parametrize(("text", "message", "line"), [
    (LAUGHS, "YAML alias *a0 is not allowed in config files", 2),
    ("base: &b {x: 1}\nderived:\n  <<: *b\n", "YAML alias *b is not allowed", 3),
    ("a: &s text\nb: *s\n", "YAML alias *s is not allowed", 2),
    ("derived:\n  <<: {x: 1}\n", "merge keys (<<) are not allowed", 2),
    ("blob: !!binary aGVsbG8=\n", "tag !!binary is not allowed in config files", 1),
    ("s: !!set {a, b}\n", "tag !!set is not allowed", 1),
    ("o: !!omap [a: 1]\n", "tag !!omap is not allowed", 1),
    ("when: !!timestamp 2024-01-15\n", "tag !!timestamp is not allowed", 1),
    ("x: !custom 1\n", "tag !custom is not allowed", 1),
    ("123: x\n", "key 123 is read as a number, not as text; quote it: '123'", 1),
    ("name: a\non: x\n", "key on is read as the boolean true, not as text; quote it: 'on'", 2),
    ("~: x\n", "key ~ is read as null", 1),
    ("p:\n  q:\n    null: x\n", "key null is read as null", 3),
    ("l:\n- 1.5: x\n", "key 1.5 is read as a number", 2),
    ("? [a, b]\n: x\n", "a key must be a plain string, not a list or a mapping", 1),
    ("min: .nan\n", ".nan is not a number the API accepts", 1),
    ("p:\n  max: -.inf\n", "-.inf is not a number the API accepts", 2),
    ("a: " + "[" * 150 + "]" * 150 + "\n", "nested more than 100 levels deep", 1),
])
def test_what_the_format_never_contains_is_refused_with_its_line(text: str, message: str,
                                                                 line: int) -> None:
    with pytest.raises(QualyticsCIError) as caught:
        yamlio.load(text, "f.yaml")
    assert caught.value.message.startswith(message), caught.value.message
    assert (caught.value.file, caught.value.line) == ("f.yaml", line)


def test_a_billion_laughs_is_refused_before_any_expansion() -> None:
    """Ten levels of nine aliases would expand to 9**10 values; the refusal reads the
    text once (a timing is not asserted: the expansion would never finish)."""
    assert len(LAUGHS) < 1024
    with pytest.raises(QualyticsCIError, match=r"alias \*a0"):
        yamlio.load(LAUGHS, "laughs.yaml")


def test_every_key_reached_through_mappings_has_its_line() -> None:
    _, lines = yamlio.load(DOCUMENTS["nested"], "f.yaml")
    assert lines == {"name": 1, "properties": 2, "properties.min": 3, "properties.inner": 4,
                     "properties.inner.deep": 5, "tags": 6}


@pytest.mark.parametrize(("text", "message", "line"), [
    ("a: 1\nb: 2\na: 3\n", "key 'a' appears twice (lines 1 and 3)", 3),
    ("p:\n  x: 1\n  x: 2\n", "key 'p.x' appears twice (lines 2 and 3)", 3),
    ("l:\n- k: 1\n  k: 2\n", "key 'k' appears twice (lines 2 and 3)", 3),
])
def test_a_key_twice_is_an_error_with_its_lines(text: str, message: str, line: int) -> None:
    with pytest.raises(QualyticsCIError) as caught:
        yamlio.load(text, "dup.yaml")
    assert caught.value.message == message
    assert (caught.value.file, caught.value.line) == ("dup.yaml", line)


def test_invalid_yaml_names_file_and_line() -> None:
    with pytest.raises(QualyticsCIError) as caught:
        yamlio.load("a: [1, 2\nb: 3\n", "bad.yaml")
    assert caught.value.file == "bad.yaml" and caught.value.line is not None
    assert caught.value.message.startswith("invalid YAML")


def test_an_empty_document_is_none() -> None:
    assert yamlio.load("# nothing\n", "f.yaml") == (None, {})


scalars = (st.none() | st.booleans() | st.integers()
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4),
                      max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=6))
def test_anything_the_writer_writes_reads_back_as_pyyaml_reads_it(data: dict[str, Any]) -> None:
    text = yamlio.dump(data)
    loaded, _ = yamlio.load(text, "f.yaml")
    assert same(loaded, pyyaml(text))
