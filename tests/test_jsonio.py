"""JSON in and out on the hot paths: orjson, and the standard library for what orjson
refuses, in the same form."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qualytics_ci import jsonio


def stdlib_canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


@pytest.mark.parametrize("value", [
    {"b": [1, 2.5, None, True], "a": {"z": "ü", "y": "line\nbreak \"quoted\""}},
    [{"rule_type": "between", "properties": {"max": 10000, "min": 0}}, "check", ""],
    {"emoji": "\U0001F600", "control": "\x01\x1f"},
])
def test_canonical_is_sorted_spaceless_utf8_json(value: Any) -> None:
    assert jsonio.canonical(value) == stdlib_canonical(value)
    assert json.loads(jsonio.canonical(value)) == value


def test_key_order_does_not_change_the_canonical_text() -> None:
    assert jsonio.canonical({"a": 1, "b": {"c": 2, "d": 3}}) == \
        jsonio.canonical({"b": {"d": 3, "c": 2}, "a": 1})


@pytest.mark.parametrize("value", [
    {"value": 10 ** 30},  # beyond 64 bits: orjson refuses it
    {1: "a key that is a number"},
])
def test_what_orjson_refuses_is_written_by_the_standard_library(value: Any) -> None:
    assert jsonio.canonical(value) == stdlib_canonical(value)


def test_a_value_json_has_no_type_for_is_its_text() -> None:
    class Odd:
        def __str__(self) -> str:
            return "odd"

    assert jsonio.canonical({"x": Odd()}) == b'{"x":"odd"}'


@pytest.mark.parametrize("text", [b'{"a": [1, "b"]}',
                                  b'{"big": 100000000000000000000000}', b'{"n": NaN}',
                                  b'{"max": 18446744073709551615, "min": -9223372036854775809}',
                                  b'{"a": 1, "a": 2}', b'"\\ud800"',
                                  '{"a": 1}'.encode("utf-16")])
def test_loads_reads_what_the_standard_library_reads(text: bytes) -> None:
    got, want = jsonio.loads(text), json.loads(text)
    assert repr(got) == repr(want)  # NaN != NaN: compare the spelling


@pytest.mark.parametrize("text", [b"<html>", b"", b'{"a": ', b"\xff\xfe\x00"])
def test_loads_refuses_what_is_not_json_with_a_value_error(text: bytes) -> None:
    with pytest.raises(ValueError):
        jsonio.loads(text)
