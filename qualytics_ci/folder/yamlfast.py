"""The block YAML export writes, read without a node object per value.

A config file as ``qualytics-ci export`` or ``qualytics config export`` writes it is a
small subset of YAML: block mappings and lists, one ``key: value`` per line, plain
scalars, single-line quoted text, ``[]`` and ``{}``, in printable ASCII. Most of its
lines (``status: Active``, ``coverage: null``, ``- bench``) recur from file to file, so
each distinct line is read once and remembered, and files that differ only in their
values are built by one function made for their shape (:class:`Reader`).

:meth:`Reader.load` gives what :func:`qualytics_ci.folder.yamlio.load` gives for such a
file: the same data, each plain scalar typed by the loader's own resolver and
constructors, and the same key lines. For anything else it returns None, and the file
goes to libyaml, which also reports what is wrong with it: blank lines, comments,
anchors, tags, block scalars, escapes, multi-line or flow values, tabs, characters
outside printable ASCII, a key that is not text, a key written twice, a line it cannot
place. tests/engine/test_yamlfast.py compares the two on generated and mutated files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

_KEY = re.compile(r"([A-Za-z0-9_$][\w.$/\-]*(?: [\w.$/\-]+)*):(?: +(.*))?$")
# what may start a plain scalar: no indicator, "-" only before a word character
_PLAIN_START = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@`.]|-[\w.]|\.[\w]")
_OUTSIDE = re.compile(r"[^ -~]|[#&]| $")  # on a line: left to libyaml
_EMPTY: dict[str, type] = {"[]": list, "{}": dict}
_NONE = object()  # a key with nothing after its colon
_DASH, _KEY_KIND, _SCALAR = 0, 1, 2
_CACHE_LINES = 20_000
_CACHE_SHAPES = 2_000
# Compiling a builder costs about 18 us per token, and a built file saves about 0.25 us
# per token over its walk: a shape gets one once BUILD_AFTER of its files were walked
# (then a folder's shapes cost at most about twice their walks, whatever their number),
# and only a short one (a builder of many keys is no faster than the walk).
BUILD_AFTER = 32
BUILDER_TOKENS = 100
_OUTSIDE_SUBSET = -1  # in _shapes: a shape whose files libyaml reads; else files walked
MAX_DEPTH = 100  # as yamlio's: deeper goes to libyaml, which refuses it

Token = tuple[int, int, str | None, Any]  # indent, kind, key, value
Scalar = Callable[[str, bool], Any]
_Line = tuple[tuple[Token, ...], int, tuple[Any, ...]]  # tokens, form id, its value


class _Unsure(Exception):
    """Outside the subset: libyaml reads the file."""


class Reader:
    """Reads the subset; ``scalar(text, is_key)`` types a plain scalar as the loader
    does (None for a key that is text) and raises LookupError for what it leaves to
    libyaml. Lines are remembered across files (immutable tokens; ``[]`` and ``{}`` as
    the types that make them).

    Files that differ only in their values (the checks of one rule, as export writes
    them) have one *shape*: the same keys at the same places. Whether a file is in the
    subset, and how its data nests, depends on its shape alone, so a short shape seen
    often gets a builder: one function that makes the file's dicts and lists straight
    from its lines' values (:func:`_builder`), instead of a walk over its tokens."""

    def __init__(self, scalar: Scalar) -> None:
        self._scalar = scalar
        self._lines: dict[str, _Line] = {}
        self._forms: dict[tuple[Token, ...], int] = {}  # a line's tokens without values
        self._keys: dict[str, bool] = {}  # whether a key reads as text
        self._shapes: dict[tuple[int, ...], Callable[[list[_Line]], Any] | int] = {}

    def load(self, text: str, *, with_lines: bool = True) -> tuple[Any, dict[str, int]] | None:
        """``(data, {dotted key path: line})``, or None: not in the subset. Without
        ``with_lines`` the mapping is left empty (the data and the verdict are the same)."""
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        known, remember = self._lines, self._remember
        try:
            parts = [known.get(line) or remember(line) for line in lines]
        except _Unsure:
            return None
        shape: tuple[int, ...] = ()
        if not with_lines:
            shape = tuple([part[1] for part in parts])
            seen = self._shapes.get(shape, 0)
            if callable(seen):
                return seen(parts), {}
            if seen == _OUTSIDE_SUBSET:
                return None
        tokens = [token for part in parts for token in part[0]]
        numbers = [n for n, part in enumerate(parts, 1) for _ in part[0]] if with_lines else []
        found = _built(tokens, numbers, with_lines)
        if not with_lines:
            self._learn(shape, parts, found is not None)
        return found

    def _learn(self, shape: tuple[int, ...], parts: list[_Line], in_subset: bool) -> None:
        """What a walk found for a short shape: outside the subset, one more file walked,
        or (BUILD_AFTER files walked) its builder."""
        shapes = self._shapes
        if sum(len(part[0]) for part in parts) > BUILDER_TOKENS:
            return  # a long shape is not remembered: its key would be as long as its file
        if shape not in shapes and len(shapes) >= _CACHE_SHAPES:
            return
        walked = shapes.get(shape, 0)
        if not in_subset:
            shapes[shape] = _OUTSIDE_SUBSET
        elif not isinstance(walked, int):
            return
        elif walked + 1 < BUILD_AFTER:
            shapes[shape] = walked + 1
        else:
            shapes[shape] = _builder(parts)

    def _remember(self, line: str) -> _Line:
        tokens = self._line(line)
        indent, kind, key, value = tokens[-1]  # the only token that may hold a value
        values: tuple[Any, ...] = ()
        form = tokens
        if not _is_form(kind, value):
            form, values = (*tokens[:-1], (indent, kind, key, None)), (value,)
        part = (tokens, self._forms.setdefault(form, len(self._forms)), values)
        if len(self._lines) < _CACHE_LINES:
            self._lines[line] = part
        return part

    def _line(self, line: str) -> tuple[Token, ...]:
        if not line or _OUTSIDE.search(line) is not None:
            raise _Unsure
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        out: list[Token] = []
        while content[:2] == "- " or content == "-":
            out.append((indent, _DASH, None, None))
            rest = content[1:].lstrip(" ")
            indent += len(content) - len(rest)
            content = rest
            if not content:
                return tuple(out)
        m = _KEY.match(content)
        if m is None:
            out.append((indent, _SCALAR, None, self._value(content)))
            return tuple(out)
        key, value = m.groups()
        if not self._is_text_key(key):
            raise _Unsure
        out.append((indent, _KEY_KIND, key, _NONE if value is None else self._value(value)))
        return tuple(out)

    def _is_text_key(self, key: str) -> bool:
        """Whether ``key`` reads as text (a folder's keys are few: each is typed once)."""
        known = self._keys.get(key)
        if known is None:
            try:
                known = self._scalar(key, True) is None
            except LookupError:
                known = False
            if len(self._keys) < _CACHE_LINES:
                self._keys[key] = known
        return known

    def _value(self, text: str) -> Any:
        first = text[0]
        if first == "'":
            inner = text[1:-1]
            if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
                raise _Unsure
            return inner.replace("''", "'")
        if first == '"':
            inner = text[1:-1]
            if len(text) < 2 or text[-1] != '"' or '"' in inner or "\\" in inner:
                raise _Unsure
            return inner
        empty = _EMPTY.get(text)
        if empty is not None:
            return empty
        if _PLAIN_START.match(text) is None or ": " in text or text[-1] == ":":
            raise _Unsure
        try:
            return self._scalar(text, False)
        except LookupError:
            raise _Unsure from None


def _is_form(kind: int, value: Any) -> bool:
    """Whether a token's value belongs to the line's form (a dash, nothing after a key's
    colon, ``[]`` or ``{}``) rather than being one of its values."""
    return kind == _DASH or value is _NONE or type(value) is type


def _built(tokens: list[Token], numbers: list[int],
           with_lines: bool) -> tuple[Any, dict[str, int]] | None:
    """The data of one file's tokens, walked; None: not in the subset."""
    if not tokens or tokens[0][0] != 0 or tokens[0][1] == _SCALAR:
        return None
    build = _Build(tokens, numbers)
    try:
        data = build.node(0, "" if with_lines else None)
    except _Unsure:
        return None
    return (data, build.lines) if build.at == len(tokens) else None


class _Slot:
    """Where a builder takes a value: from line number ``line`` (of the file's lines, from
    0), which has one value (a line holds at most one)."""

    __slots__ = ("text",)

    def __init__(self, line: int) -> None:
        self.text = f"p[{line}][2][0]"


def _builder(parts: list[_Line]) -> Callable[[list[_Line]], Any]:
    """The function that makes the data of any file of these lines' shape from its lines.

    The file's tokens, each value replaced by the place it is read from, are walked as
    any file's are; the walk's result is then written as one Python expression (dict
    and list displays, keys as literals), compiled once. Each call builds new dicts and
    lists; the values are immutable scalars."""
    tokens = [(indent, kind, key, value if _is_form(kind, value) else _Slot(n))
              for n, (line_tokens, _, _) in enumerate(parts)
              for indent, kind, key, value in line_tokens]
    found = _built(tokens, [], False)
    assert found is not None  # the file's verdict was taken from the same shape
    function: Callable[[list[_Line]], Any] = eval(  # our own text: literals and subscripts
        compile(f"lambda p: {_source(found[0])}", "<yamlfast shape>", "eval"))
    return function


def _source(value: Any) -> str:
    if isinstance(value, _Slot):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key!r}: {_source(v)}" for key, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_source(v) for v in value) + "]"
    assert value is None, value  # a key with nothing under it, or a bare dash
    return "None"


class _Build:
    """The tokens of one file -> data, by indentation (a list may sit at its key's)."""

    def __init__(self, tokens: list[Token], numbers: list[int]) -> None:
        self.tokens = tokens
        self.numbers = numbers  # the line of each token (read only for the key lines)
        self.count = len(tokens)
        self.at = 0
        self.lines: dict[str, int] = {}

    def node(self, depth: int, prefix: str | None) -> Any:
        if depth >= MAX_DEPTH:
            raise _Unsure
        indent, kind, _, value = self.tokens[self.at]
        if kind == _KEY_KIND:
            return self.mapping(indent, prefix, depth)
        if kind == _DASH:
            return self.sequence(indent, depth)
        self.at += 1  # a scalar on a line of its own: nothing may continue it
        if self.at < self.count and self.tokens[self.at][0] >= indent:
            raise _Unsure
        return value() if type(value) is type else value

    def mapping(self, indent: int, prefix: str | None, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        tokens, count, lines = self.tokens, self.count, self.lines
        at = self.at
        while at < count:
            at_indent, _, key, value = tokens[at]
            if at_indent < indent:
                break
            if at_indent > indent or key is None or key in out:
                raise _Unsure
            if prefix is not None:
                lines[prefix + key] = self.numbers[at]
            at += 1
            if value is not _NONE:  # on the key's line: nothing deeper may continue it
                if at < count and tokens[at][0] > indent:
                    raise _Unsure
                out[key] = value() if type(value) is type else value
                continue
            following = tokens[at] if at < count else None
            if following is None or following[0] < indent or (
                    following[0] == indent and following[1] != _DASH):
                out[key] = None
                continue
            self.at = at  # deeper, or a list at the key's indent
            out[key] = self.node(depth + 1, None if prefix is None else prefix + key + ".")
            at = self.at
        self.at = at
        return out

    def sequence(self, indent: int, depth: int) -> list[Any]:
        out: list[Any] = []
        tokens, count = self.tokens, self.count
        while self.at < count:
            at_indent, kind, _, _ = tokens[self.at]
            if at_indent < indent or (at_indent == indent and kind == _KEY_KIND):
                break  # a list under a key at its indent ends at the key's sibling
            if at_indent > indent or kind != _DASH:
                raise _Unsure
            self.at += 1
            if self.at >= count or tokens[self.at][0] <= indent:
                out.append(None)
            else:
                out.append(self.node(depth + 1, None))
        return out


class Lines(Mapping[str, int]):
    """The line of each (dotted) key of a file ``reader`` took, worked out the first time
    one is asked for: only a file with a problem needs them. A plan of 5,000 valid
    check files then builds none of their 65,000 key paths (its parse took a tenth less
    CPU, and its peak memory was 3 MB less)."""

    __slots__ = ("_found", "_reader", "_text")

    def __init__(self, reader: Reader, text: str) -> None:
        self._reader, self._text = reader, text
        self._found: dict[str, int] | None = None

    def _lines(self) -> dict[str, int]:
        if self._found is None:  # the same text: the same verdict, now with lines
            again = self._reader.load(self._text)
            self._found = {} if again is None else again[1]
        return self._found

    def __getitem__(self, key: str) -> int:
        return self._lines()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines())

    def __len__(self) -> int:
        return len(self._lines())

    def __repr__(self) -> str:
        return f"Lines({self._lines()!r})"
