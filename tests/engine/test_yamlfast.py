"""The reader of export's YAML subset gives exactly what libyaml gives, or leaves the
file to libyaml.

``yamlio.load_with_libyaml`` is the reference. Whatever ``yamlio._QUICK.load`` returns
must be the reference's data and key lines, with the same types (``1`` is not ``True``,
``'1'`` is not ``1``); where the reference refuses a file, the quick reader must not
accept it. Checked on generated documents as export writes them, on those documents
mutated character by character and line by line, and on every YAML file of the tests'
data.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import yamlfast, yamlio
from qualytics_ci.folder.validate import validate_folder

from .test_emitter import ALPHABET, LOOKALIKES, documents

DATA = Path(__file__).parent.parent / "data"
PROPERTY = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


READS = yamlfast.BUILD_AFTER + 1  # the last through the shape's builder, when it is short


def reference(text: str) -> tuple[Any, dict[str, int]] | None:
    try:
        return yamlio.load_with_libyaml(text, "f.yaml")
    except QualyticsCIError:
        return None


def same_as_libyaml(text: str) -> bool:
    """True when the quick reader took the file (and then gave libyaml's answer).

    Without the key lines, a fresh reader reads it until its shape has a builder (walked
    BUILD_AFTER times), then through the builder; each read gives the same answer."""
    quick = yamlio._QUICK.load(text)
    fresh = yamlfast.Reader(yamlio._plain_scalar)
    unlined = [fresh.load(text, with_lines=False) for _ in range(READS)]
    if quick is None:
        assert unlined == [None] * READS, text
        return False
    want = reference(text)
    assert want is not None, f"libyaml refuses what the quick reader took:\n{text}"
    assert repr(quick) == repr(want), text  # repr: True and 1, 1 and 1.0 differ
    assert [repr(u) for u in unlined] == [repr((want[0], {}))] * READS, text
    return True


@PROPERTY
@given(documents)
def test_what_export_writes_is_read_as_libyaml_reads_it(data: Any) -> None:
    text = yamlio.dump(data)
    event("quick" if same_as_libyaml(text) else "libyaml")


MUTATIONS = [*ALPHABET, *LOOKALIKES, ": ", "- ", "  ", "\n  ", "\n- ", "'", "''", "[]", "{}"]

# Documents of printable ASCII, as export writes checks: most of them take the quick
# reader, so its edges are where the edits below land.
def mostly(safe: st.SearchStrategy[Any], risky: st.SearchStrategy[Any],
           one_in: int) -> st.SearchStrategy[Any]:
    """``risky`` once in ``one_in`` draws, else ``safe``."""
    return st.integers(1, one_in).flatmap(lambda i: risky if i == 1 else safe)


SAFE_TEXT = ["select a from t where x = 'y'", "it's", "x:y", "http://h/p", "${DB_PASSWORD}",
             "-x", "-1.5", ".5", "1:30", "0x1F", "a, b", "a - b", "a'b", "Active", "bench",
             "a" * 60]
RISKY_TEXT = [w for w in LOOKALIKES if w.isascii()] + ["a: b", "[x]", "{x}", "'", "''",
                                                        '"q"', "k" * 90, "a  b", "x "]
ascii_scalars = mostly(st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.sampled_from(SAFE_TEXT), st.text("abc_01 ", max_size=8)), st.one_of(
    st.sampled_from(RISKY_TEXT), st.text("ab -_:'.01", max_size=8)), 12)
SAFE_KEYS = st.text("abc_", min_size=1, max_size=6) | st.sampled_from(
    ["rule_type", "fields", "min", "max", "a b", "x.y", "$k", "_m", "k-1", "a/b"])
RISKY_KEYS = st.sampled_from(["1", "true", "null", "a:", "k'", "-k", "on", "a ", "~"])


ascii_keys = mostly(SAFE_KEYS, RISKY_KEYS, 25)
ascii_documents = st.dictionaries(ascii_keys, st.recursive(
    ascii_scalars, lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(ascii_keys, inner, max_size=4), max_leaves=12), min_size=1, max_size=8)
ASCII_EDITS = [*" -:'\"[]{},?*&!|>%@`#~\n\t0a.", ": ", "- ", "  ", "\n  ", "\n- ", "''",
               "[]", "{}", "---", "...", "null", "true", "1"]


@st.composite
def mutated(draw: st.DrawFn, source: st.SearchStrategy[Any] = documents,
            edits: list[str] = MUTATIONS) -> str:
    """An exported document with a few edits: text put in, taken out, lines moved."""
    text = yamlio.dump(draw(source))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "delete", "replace", "indent", "swap"]))
        piece = draw(st.sampled_from(edits))
        if how == "insert":
            text = text[:at] + piece + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 3)):]
        elif how == "replace":
            text = text[:at] + piece + text[at + len(piece):]
        else:
            lines = text.split("\n")
            i = at % len(lines)
            if how == "indent":
                lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
            elif i + 1 < len(lines):
                lines[i], lines[i + 1] = lines[i + 1], lines[i]
            text = "\n".join(lines)
    return text


@PROPERTY
@given(mutated())
def test_an_edited_file_is_read_as_libyaml_reads_it_or_left_to_it(text: str) -> None:
    event("quick" if same_as_libyaml(text) else "libyaml")


@PROPERTY
@given(ascii_documents)
def test_an_ascii_document_is_read_as_libyaml_reads_it(data: Any) -> None:
    event("quick" if same_as_libyaml(yamlio.dump(data)) else "libyaml")


@settings(PROPERTY, max_examples=1500)
@given(mutated(ascii_documents, ASCII_EDITS))
def test_an_edited_ascii_document_is_read_as_libyaml_reads_it_or_left_to_it(
        text: str) -> None:
    event("quick" if same_as_libyaml(text) else "libyaml")


def revalued(draw: st.DrawFn, data: Any) -> Any:
    """``data`` with each scalar drawn again: the same keys, lists and nesting."""
    if isinstance(data, dict):
        return {key: revalued(draw, value) for key, value in data.items()}
    if isinstance(data, list):
        return [revalued(draw, value) for value in data]
    return draw(ascii_scalars)


@st.composite
def same_shaped(draw: st.DrawFn) -> tuple[str, str]:
    """Two documents of one structure (most often one shape), differing in values."""
    data = draw(ascii_documents)
    return yamlio.dump(data), yamlio.dump(revalued(draw, data))


@settings(PROPERTY, max_examples=800)
@given(same_shaped())
def test_a_file_read_through_another_files_builder_is_read_as_libyaml_reads_it(
        pair: tuple[str, str]) -> None:
    """The builder made from one file's shape (once BUILD_AFTER of its files were walked)
    reads every other file of that shape as a walk of its own tokens does."""
    first, second = pair
    shared = yamlfast.Reader(yamlio._plain_scalar)
    for _ in range(yamlfast.BUILD_AFTER):
        shared.load(first, with_lines=False)
    through = shared.load(second, with_lines=False)
    walked = yamlfast.Reader(yamlio._plain_scalar).load(second, with_lines=False)
    assert repr(through) == repr(walked), pair
    event("quick" if same_as_libyaml(second) else "libyaml")
    event("one shape" if any(callable(b) for b in shared._shapes.values())
          and len(shared._shapes) == 1 else "two shapes, or a long one")


def test_a_shape_seen_often_gets_a_builder_and_each_file_its_own_objects() -> None:
    reader = yamlfast.Reader(yamlio._plain_scalar)
    other = CHECK.replace("bench check 10", "bench check 11").replace("max: 10000",
                                                                       "max: 20000")
    walked = [reader.load(text, with_lines=False) for text in (CHECK, other)]
    assert list(reader._shapes.values()) == [2]  # two files of the shape walked
    for _ in range(yamlfast.BUILD_AFTER - 2):
        reader.load(CHECK, with_lines=False)
    assert [callable(b) for b in reader._shapes.values()] == [True]
    built = [reader.load(text, with_lines=False) for text in (CHECK, other, CHECK)]
    assert built[:2] == walked and built[1] is not None and built[0] is not None
    assert built[1][0]["properties"]["max"] == 20000
    built[0][0]["tags"].append("changed")  # a caller may change what it was given
    assert built[2] is not None and built[2][0]["tags"] == ["bench"]


def test_a_long_shape_is_walked_each_time() -> None:
    """A builder of many keys is no faster than the walk, and costs about 18 us a token
    to compile: such a shape never gets one."""
    reader = yamlfast.Reader(yamlio._plain_scalar)
    text = "".join(f"key_{i}: {i}\n" for i in range(yamlfast.BUILDER_TOKENS + 1))
    read = [reader.load(text, with_lines=False) for _ in range(yamlfast.BUILD_AFTER + 5)]
    assert reader._shapes == {}  # nor remembered: its key would be as long as the file
    assert read[-1] is not None and read[-1][0]["key_100"] == 100


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.y*ml")),
                         ids=lambda p: str(p.relative_to(DATA)))
def test_the_test_data_is_read_as_libyaml_reads_it(path: Path) -> None:
    same_as_libyaml(path.read_text(encoding="utf-8", errors="replace"))


CHECK = """\
rule_type: between
description: bench check 10
container: table_0001
fields:
- amount
coverage: null
filter: amount > 0 and status = 'open'
anomaly_message_field: null
properties:
  min: 0
  max: 10000
  inclusive_min: true
  inclusive_max: true
tags:
- bench
status: Active
additional_metadata:
  _qualytics_check_uid: table_0001__between__10
"""


def test_an_exported_check_takes_the_quick_reader() -> None:
    assert same_as_libyaml(CHECK)
    data, lines = yamlio.load(CHECK, "c.yaml")
    assert data["properties"] == {"min": 0, "max": 10000, "inclusive_min": True,
                                  "inclusive_max": True}
    assert lines["properties.max"] == 11 and lines["additional_metadata"] == 17


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",  # a key twice: libyaml's error names both lines
    "true: x\n",  # a key that is not text
    "a: .nan\n",  # NaN
    "a: &x 1\nb: *x\n",  # an alias
    "a: !!binary aGk=\n",  # a tag
    "a: |\n  text\n",  # a block scalar
    "a: b\n  c\n",  # a plain scalar on two lines
    "a: 'b\n  c'\n",  # a quoted one
    "a: [1, 2]\n",  # a flow list
    "a: b # note\n",  # a comment
    "a: b\n\nc: d\n",  # a blank line
    "a:\tb\n",  # a tab
    "a: caf\u00e9\n",  # beyond ASCII
    "a: 1\n...\n",  # the document's end
    "- a\nb: c\n",  # a line it cannot place
])
def test_what_is_outside_the_subset_goes_to_libyaml(text: str) -> None:
    assert yamlio._QUICK.load(text) is None
    same_as_libyaml(text)  # and the answer is libyaml's, error or data


def test_key_lines_are_worked_out_only_for_a_file_with_a_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid folder is validated without any file's key lines; a check with an
    unknown rule gets its line in the message, and only its file's lines are made."""
    folder = tmp_path / "cfg"
    shutil.copytree(DATA / "official-format", folder)
    asked: list[str] = []
    real = yamlfast.Reader.load

    def counted(self: yamlfast.Reader, text: str, *, with_lines: bool = True) -> Any:
        if with_lines:
            asked.append(text)
        return real(self, text, with_lines=with_lines)

    monkeypatch.setattr(yamlfast.Reader, "load", counted)
    env = {"WAREHOUSE_PROD_DB_PASSWORD": "x"}
    _, issues = validate_folder(folder, env)
    assert [i for i in issues if i.level == "error"] == [] and asked == []

    check = folder / "datastores/warehouse-prod/checks/orders/between__total_amount.yaml"
    check.write_text(check.read_text().replace("between\n", "betwen\n", 1))
    _, issues = validate_folder(folder, env)
    (error,) = [i for i in issues if i.level == "error"]
    assert "unknown rule type 'betwen'" in error.message and error.line == 1
    assert asked == [check.read_text()]
