"""The block YAML export writes, read without a node object per value.

A config file as ``qualytics-ci export`` or ``qualytics config export`` writes it is a
small subset of YAML: block mappings and lists, one ``key: value`` per line, plain
scalars, single-line quoted text, ``[]`` and ``{}``, in printable ASCII. Most of its
lines (``status: Active``, ``coverage: null``, ``- bench``) recur from file to file, so
each distinct line is read once and remembered.

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
MAX_DEPTH = 100  # as yamlio's: deeper goes to libyaml, which refuses it

Token = tuple[int, int, str | None, Any]  # indent, kind, key, value
Scalar = Callable[[str, bool], Any]


class _Unsure(Exception):
    """Outside the subset: libyaml reads the file."""


class Reader:
    """Reads the subset; ``scalar(text, is_key)`` types a plain scalar as the loader
    does (None for a key that is text) and raises LookupError for what it leaves to
    libyaml. Lines are remembered across files (immutable tokens; ``[]`` and ``{}`` as
    the types that make them)."""

    def __init__(self, scalar: Scalar) -> None:
        self._scalar = scalar
        self._lines: dict[str, tuple[Token, ...]] = {}

    def load(self, text: str, *, with_lines: bool = True) -> tuple[Any, dict[str, int]] | None:
        """``(data, {dotted key path: line})``, or None: not in the subset. Without
        ``with_lines`` the mapping is left empty (the data and the verdict are the same)."""
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        known = self._lines
        tokens: list[Token] = []  # the remembered tokens themselves, no copy per file
        numbers: list[int] = []  # each token's line, only when the lines are wanted
        try:
            for number, line in enumerate(lines, 1):
                parsed = known.get(line)
                if parsed is None:
                    parsed = self._line(line)
                    if len(known) < _CACHE_LINES:
                        known[line] = parsed
                tokens += parsed
                if with_lines:
                    numbers += [number] * len(parsed)
            if not tokens or tokens[0][0] != 0 or tokens[0][1] == _SCALAR:
                return None
            build = _Build(tokens, numbers)
            data = build.node(0, "" if with_lines else None)
        except _Unsure:
            return None
        return (data, build.lines) if build.at == len(tokens) else None

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
        key, value = m.group(1), m.group(2)
        try:
            if self._scalar(key, True) is not None:
                raise _Unsure
        except LookupError:
            raise _Unsure from None
        out.append((indent, _KEY_KIND, key, _NONE if value is None else self._value(value)))
        return tuple(out)

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
