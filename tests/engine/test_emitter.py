"""The direct emitter writes the bytes PyYAML writes, or leaves the document to PyYAML.

``yamlio.dump_yaml`` is the reference: PyYAML's ``safe_dump`` (through libyaml where
that is byte-identical), the way every file was written before the emitter. Whatever
``emitter.emit`` returns must be exactly that text; where it is not sure it returns
None and ``yamlio.dump`` falls back to the reference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualytics_ci.folder import emitter, yamlio

from .e2e import DEV, Cli

OFFICIAL = Path(__file__).parent.parent / "data" / "official-format"

# Characters that change how a text is written: indicators, quotes, spaces, line breaks
# (U+0085 and U+2028 read as breaks too), control characters, unicode beyond ASCII and
# beyond the BMP, a byte order mark, a zero-width space.
ALPHABET = [*"abcXYZ019 _-.:#'\"?,[]{}&*!|>%@`=~<\\/\n\t\r\x00\x07\x1b\x7f",
            "\x85", "\xa0", "\xad", "é", "ß", "☕", "中", "\u2028", "\u2029", "\ufeff",
            "\ufffd", "\ue000", "\u200b", "😀", "\U0010fffd"]
# Texts that read as something else when written plain.
LOOKALIKES = ["yes", "no", "Yes", "NO", "on", "Off", "y", "n", "true", "False", "null",
              "Null", "~", "", "1e3", "1.5", "-1", "+1", "0x1", "0o17", "017", "1_000",
              ".inf", "-.inf", ".nan", "12:30", "1:20:30", "2024-01-15",
              "2024-01-15 10:30:00", "<<", "=", "---", "...", "--- a", "- a", "-", "? b",
              "?", ": c", ":", "a:", "a: b", "#x", "a #b", "a#b", "'q'", '"q"', " lead",
              "trail ", "@at", "`tick", "%pct", "!bang", "&amp", "*star", "|pipe", ">gt"]
WORDS = ["select", "a", "from", "t", "where", "x", "=", "'y'", "it's", "é", "über",
         "x:", "#c", "a#b", ":", "-", "'", '"', "\\", "yes", "1e3", "null", "a" * 30,
         "w" * 85]
SEPARATORS = [" "] * 8 + ["  ", "   ", "\n", "\n\n", " \n", "\n ", "\n  "]


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """Words and separators: long lines that fold, SQL-like multi-line text."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=24))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words) - 1,
                         max_size=len(words) - 1))
    text = words[0] + "".join(sep + word for sep, word in zip(seps, words[1:], strict=True))
    return draw(st.sampled_from(["", " ", "\n"])) + text + draw(
        st.sampled_from(["", "", " ", "\n", ":"]))


texts = (st.text(st.sampled_from(ALPHABET), max_size=24) | st.sampled_from(LOOKALIKES)
         | sentences() | st.text(max_size=12))
keys = texts | st.text("kéy_ ", min_size=110, max_size=130)
scalars = (st.none() | st.booleans() | st.integers() | texts
           | st.floats() | st.sampled_from([1e17, -0.0, 1e-7, 3.0, 2.5e300]))


def collections(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5)


values = st.recursive(scalars, collections, max_leaves=24)
documents = st.dictionaries(keys, values, max_size=8) | st.lists(values, max_size=5)

PROPERTY = settings(max_examples=250, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(documents)
def test_every_document_is_written_as_pyyaml_writes_it(data: Any) -> None:
    fast = emitter.emit(data)
    assert fast is None or fast == yamlio.dump_yaml(data)
    assert yamlio.dump(data) == yamlio.dump_yaml(data)


# Printable text of the BMP and line feeds: what entity bodies hold.
PRINTABLE = [c for c in ALPHABET if c == "\n" or (c.isprintable() and c <= "\uffff")]
printable = (st.text(st.sampled_from(PRINTABLE), max_size=30) | st.sampled_from(LOOKALIKES)
             | sentences())
simple_keys = (st.text(st.sampled_from([c for c in PRINTABLE if c != "\n"]), min_size=1,
                       max_size=40) | st.sampled_from([k for k in LOOKALIKES if k]))
covered = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | printable,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(simple_keys, inner,
                                                                max_size=5),
    max_leaves=16)


@PROPERTY
@given(st.dictionaries(simple_keys, covered, max_size=8))
def test_printable_text_is_written_by_the_emitter_itself(data: dict[str, Any]) -> None:
    assert emitter.emit(data) == yamlio.dump_yaml(data)


DESCRIPTION = ("Orders placed before the warehouse migration carry a total in cents, not "
               "in dollars; this check keeps the new ones in range")
SQL = "select o.id,\n  o.total\nfrom orders o\nwhere o.status = 'shipped'"


@pytest.mark.parametrize(("data", "text"), [
    ({"description": DESCRIPTION},
     "description: Orders placed before the warehouse migration carry a total in cents,\n"
     "  not in dollars; this check keeps the new ones in range\n"),
    ({"query": "select *\nfrom orders\nwhere total > 0"},
     "query: 'select *\n\n  from orders\n\n  where total > 0'\n"),
    ({"query": SQL},
     'query: "select o.id,\\n  o.total\\nfrom orders o\\nwhere o.status = \'shipped\'"\n'),
    ({"tags": [], "properties": {}, "fields": ["id"], "filter": None, "min": 0.0,
      "max": float("inf"), "inclusive": True, "yes": "no", "1e3": "0x1"},
     "tags: []\nproperties: {}\nfields:\n- id\nfilter: null\nmin: 0.0\nmax: .inf\n"
     "inclusive: true\n'yes': 'no'\n1e3: '0x1'\n"),
    ([{"a": [{"b": 1}], "c": [[1, "x"]]}],
     "- a:\n  - b: 1\n  c:\n  - - 1\n    - x\n"),
])
def test_the_layout_of_the_files(data: Any, text: str) -> None:
    assert emitter.emit(data) == text == yamlio.dump_yaml(data)


def test_what_the_emitter_is_not_sure_of_goes_to_pyyaml() -> None:
    shared = ["a"]
    for data in ({"emoji": "ship it 🚀"}, {"tab": "a\tb"}, {"next line": "a\x85b"},
                 {"": "empty key"}, {"k" * 130: "a long key"}, {"multi\nline": 1},
                 {"first": shared, "again": shared}, {"t": (1, 2)}, "a scalar"):
        assert emitter.emit(data) is None, data
    assert yamlio.dump({"first": shared, "again": shared}) == (
        "first: &id001\n- a\nagain: *id001\n")


def test_the_official_format_files_are_written_as_they_were(  # by the emitter itself
        ) -> None:
    files = sorted(OFFICIAL.rglob("*.yaml"))
    assert len(files) == 8
    for path in files:
        data, _lines = yamlio.load(path.read_text(), str(path))
        assert emitter.emit(data) == yamlio.dump_yaml(data), path


def test_an_export_of_the_demo_is_byte_for_byte_the_pyyaml_one(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    emitted: list[str | None] = []

    def counted(data: Any) -> str | None:
        emitted.append(emitter.emit(data))
        return emitted[-1]

    monkeypatch.setattr(yamlio, "emit", counted)
    assert cli.run("export").code == 0
    fast = snapshot(cli.folder)
    assert len(fast) == len(emitted) > 20 and None not in emitted
    assert cli.run("export", *DEV).code == 0  # a second export, one datastore
    assert snapshot(cli.folder) == fast
    monkeypatch.setattr(yamlio, "emit", lambda data: None)
    cli.folder = cli.folder.with_name("config-pyyaml")
    assert cli.run("export").code == 0
    assert snapshot(cli.folder) == fast


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
