"""The plain scalars typed without PyYAML (folder.scalars) read as PyYAML's safe loader
reads them, and resolve as its dumper resolves them, on its own tables and on generated
text: the rules hold for the PyYAML that is installed, or these tests say which fails."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import libyaml, scalars, yamlio

LOADER = libyaml.Loader.yaml_implicit_resolvers
DUMPER = yaml.SafeDumper.yaml_implicit_resolvers


def pyyaml(text: str) -> Any:
    """What the loader reads plain ``text`` as (LookupError: not a value the format takes)."""
    return libyaml.plain_scalar(text, False)


def same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a)
                                              and math.isnan(b)))


def test_the_first_characters_are_those_of_pyyaml_resolvers() -> None:
    for table in (LOADER, DUMPER):
        assert None not in table  # no resolver for every first character
        assert frozenset(k for k in table if k) == scalars.RESOLVER_FIRST


def test_the_letters_are_taken_by_the_boolean_and_null_words_only() -> None:
    for table in (LOADER, DUMPER):
        for first in scalars.WORDS_ONLY:
            assert {tag for tag, _ in table[first]} <= {scalars.BOOL, scalars.NULL}, first


def test_each_word_reads_as_pyyaml_reads_it() -> None:
    for word, value in scalars.WORDS.items():
        assert same(pyyaml(word), value), word
        assert scalars.tag(word) == libyaml.Loader("").resolve(yaml.ScalarNode, word,
                                                               (True, False))


KNOWN = ["", "0", "0.95", "-0.0", "12.50", "1.0e-05", "1.0E+5", "1.e5", "01.5", "-0", "7",
         "10000", "-42", "orders", "notNull", "table_0001", "nO", "yEs", "TRUE", "Off", "~",
         "007", "+1", "0x1F", "0o17", "0b101", "1_000", "1:30", "1.5", ".inf", "-.INF",
         ".nan", "1e5", "1.0e+5", "2024-01-15", "<<", "=", "- a", "-a", ".hidden", "8080:80",
         "0.0.1", "9999999999999999999999", "1.0000000000000001e+311", "-2.5e+400"]
TEXT = st.text(alphabet="0123456789-+._:eEoxbOXBnNuUlLtTrRfFaAsSyY ~<=/a", max_size=12)


def check(text: str) -> None:
    value = scalars.typed(text)
    if value is not scalars.UNSURE:
        assert same(value, pyyaml(text)), (text, value)
    tag = scalars.tag(text)
    if tag is not None:
        dumped = libyaml.dumper_tag(text)
        assert (dumped or scalars.STR) == tag, (text, tag, dumped)


def test_known_scalars() -> None:
    for text in KNOWN:
        check(text)
    assert [scalars.typed(t) for t in ("orders", "null", "true", "Off", "10000", "-0")] == [
        "orders", None, True, False, 10000, 0]
    assert [scalars.typed(t) for t in ("1.5", "-0.25", "1.0e+5")] == [1.5, -0.25, 100000.0]
    assert all(scalars.typed(t) is scalars.UNSURE for t in ("1e5", ".5", "007", "0x1F", "<<",
                                                             "1.0e+311", "-9.9e+999"))


@settings(max_examples=3000, deadline=None)
@given(TEXT)
def test_generated_scalars(text: str) -> None:
    check(text)


def test_a_number_beyond_a_floats_range_is_refused_at_its_line_as_before() -> None:
    """It would read as infinity: the line reader leaves the file to libyaml's path, whose
    error names the line (found by the reader's comparison on an edited document)."""
    text = "min: 1.3510798882110238e+16\nmax:\n- - 'yes'\n  - 1.0000000000000001e+311\n"
    assert yamlio._QUICK.load(text) is None
    with pytest.raises(QualyticsCIError) as caught:
        yamlio.load(text, "f.yaml")
    assert caught.value.line == 4
    assert "is not a number the API accepts" in caught.value.message
