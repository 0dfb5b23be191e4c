"""The folder's YAML written directly, without PyYAML's representer and events: for the
data the files hold, the very bytes :func:`~qualytics_ci.folder.yamlio.dump_yaml` writes
(PyYAML's ``safe_dump``, through libyaml's emitter there).

:func:`emit` covers mappings and lists of strings, integers, floats, booleans and null in
block style (keys in insertion order, two-space indents, lists inside mappings not
indented, empty collections as ``{}`` and ``[]``), with the emitter's own choice of
plain, single- or double-quoted text and its folding of long lines past column 80. It
returns None for anything it is not sure to write the same way: a character that is
not printable (but the line feed) or lies beyond the BMP, a key that is empty,
multi-line or long, an object listed twice (PyYAML writes an anchor), a type it does
not know. :func:`~qualytics_ci.folder.yamlio.dump` then writes that document with
PyYAML, so the output never depends on what this module covers.
"""

from __future__ import annotations

import re
from typing import Any

from qualytics_ci.folder import scalars

_WIDTH = 80  # PyYAML's best_width
_LEADING = frozenset("#,[]{}&*!|>'\"%@`")  # indicators that keep a text from being plain
_KEY_MAX = 123  # PyYAML counts '!!str' into a simple key's 128, libyaml counts bytes
_CACHE_CAP = 8192

PLAIN, SINGLE, DOUBLE = 0, 1, 2
_styles: dict[str, int] = {}


class _Unsure(Exception):
    """The document holds something :func:`emit` leaves to PyYAML."""


def _resolved(text: str) -> str | None:
    """The tag a plain ``text`` would read as (None: a string): :mod:`scalars` tells for
    almost every text, PyYAML's resolvers for the rest (:mod:`libyaml`, loaded then)."""
    tag = scalars.tag(text)
    if tag is None:
        from qualytics_ci.folder import libyaml

        return libyaml.dumper_tag(text)
    return None if tag == scalars.STR else tag


def style(text: str) -> int:
    """How the emitter writes ``text`` in block context (PLAIN, SINGLE or DOUBLE), as
    its analysis decides; raises :class:`_Unsure` for a character not covered."""
    found = _styles.get(text)
    if found is not None:
        return found
    if not (text.isprintable() or text.replace("\n", "").isprintable()) or (
            not text.isascii() and max(text) > "\uffff"):
        raise _Unsure  # libyaml escapes what is beyond the BMP, PyYAML does not
    if not text:
        found = SINGLE  # '' reads as null when plain
    elif "\n" in text:
        found = DOUBLE if (" \n" in text or "\n " in text) else SINGLE
    elif (text[0] == " " or text[-1] == " " or text[0] in _LEADING
          or text.startswith(("---", "...", "- ", "? ", ": ")) or text in ("-", "?", ":")
          or ": " in text or " #" in text or text[-1] == ":" or _resolved(text) is not None):
        found = SINGLE
    else:
        found = PLAIN
    if len(_styles) >= _CACHE_CAP:
        _styles.clear()
    _styles[text] = found
    return found


def _plain(text: str, column: int, indent: int) -> str:
    """`` text`` after ``column``, folded at single spaces past the width (its
    continuation lines at ``indent``)."""
    if column + 1 + len(text) <= _WIDTH or " " not in text:
        return " " + text
    out = [" "]
    column += 1
    for i, part in enumerate(_SPACES.split(text)):
        if i % 2 == 0:
            out.append(part)
            column += len(part)
        elif len(part) == 1 and column > _WIDTH:
            out.append("\n" + " " * indent)
            column = indent
        else:
            out.append(part)
            column += len(part)
    return "".join(out)


_SPACES = re.compile(r"( +)")
_RUNS = re.compile(r"( +|\n+)")


def _single(text: str, column: int, indent: int) -> str:
    """`` 'text'`` after ``column``: quotes doubled, a run of line feeds written with one
    more (then the indent), folded at a single space past the width but the first or
    the last character."""
    body = text.replace("'", "''")
    if "\n" not in text and (" " not in text or column + 3 + len(body) <= _WIDTH):
        return " '" + body + "'"
    out = [" '"]
    column += 2
    position = 0
    for i, part in enumerate(_RUNS.split(text)):
        end = position + len(part)
        if i % 2 == 0:
            quoted = part.replace("'", "''")
            out.append(quoted)
            column += len(quoted)
        elif part[0] == "\n":
            out.append("\n" * (len(part) + 1) + " " * indent)
            column = indent
        elif len(part) == 1 and column > _WIDTH and position != 0 and end != len(text):
            out.append("\n" + " " * indent)
            column = indent
        else:
            out.append(part)
            column += len(part)
        position = end
    out.append("'")
    return "".join(out)


_ESCAPES = {"\n": "\\n", '"': '\\"', "\\": "\\\\"}
_TO_ESCAPE = re.compile(r'[\n"\\]')


def _escape(match: re.Match[str]) -> str:
    return _ESCAPES[match.group()]


def _double(text: str, column: int, indent: int) -> str:
    """`` "text"`` with escapes after ``column``, folded the way libyaml folds it (PyYAML
    differs): at the first space of a run past the width but the first or the last
    character, the space dropped and a ``\\`` kept before a space that follows it."""
    body = _TO_ESCAPE.sub(_escape, text)
    if column + 3 + len(body) <= _WIDTH or " " not in text:
        return ' "' + body + '"'
    out = [' "']
    column += 2
    spaces = False
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch == " ":
            if not spaces and column > _WIDTH and 0 < i < last:
                out.append("\n" + " " * indent + ("\\" if text[i + 1] == " " else ""))
                column = len(out[-1]) - 1
            else:
                out.append(" ")
                column += 1
            spaces = True
            continue
        data = _ESCAPES.get(ch, ch)
        out.append(data)
        column += len(data)
        spaces = False
    out.append('"')
    return "".join(out)


_keys: dict[str, str] = {}  # key -> the key and its colon as written


def _key(key: Any) -> str:
    """A simple key as written at the start of its line, with its colon."""
    if type(key) is not str or not key or "\n" in key or len(key.encode()) >= _KEY_MAX:
        raise _Unsure
    text = (key if style(key) == PLAIN else "'" + key.replace("'", "''") + "'") + ":"
    if len(_keys) >= _CACHE_CAP:
        _keys.clear()
    _keys[key] = text
    return text


def _float(value: float) -> str:
    """PyYAML's text of a float (``.nan``, ``.inf``, ``1.0e+17``), with its space."""
    if value != value:
        text = ".nan"
    elif value in (float("inf"), float("-inf")):
        text = ".inf" if value > 0 else "-.inf"
    else:
        text = repr(value).lower()
        if "." not in text and "e" in text:
            text = text.replace("e", ".0e", 1)
    if _resolved(text) != scalars.FLOAT:
        raise _Unsure
    return " " + text


def _text(value: str, column: int, indent: int) -> str:
    """A string value after ``column``, its continuation lines at ``indent``."""
    how = _styles.get(value)
    if how is None:
        how = style(value)
    if how == PLAIN:
        if column + len(value) < _WIDTH or " " not in value:
            return " " + value
        return _plain(value, column, indent)
    if how == SINGLE:
        return _single(value, column, indent)
    return _double(value, column, indent)


def _scalar(value: Any, kind: type) -> str:
    """A value that is neither text nor a collection, with its leading space."""
    if value is None:
        return " null"
    if kind is bool:
        return " true" if value else " false"
    if kind is int:
        return " " + str(value)
    if kind is float:
        return _float(value)
    raise _Unsure


def _mapping(node: dict[Any, Any], indent: int, inline: bool, out: list[str],
             seen: set[int]) -> None:
    """The keys of ``node`` at ``indent``; ``inline``: the first one right after a
    ``-`` (PyYAML writes an anchor for an object met twice: unsure)."""
    if id(node) in seen:
        raise _Unsure
    seen.add(id(node))
    lead = "\n" + " " * indent
    sep = " " if inline else lead
    for key, value in node.items():
        text = _keys.get(key) if type(key) is str else None
        if text is None:
            text = _key(key)
        kind = type(value)
        if kind is str:
            column = indent + len(text)
            if _styles.get(value) == PLAIN and (column + len(value) < _WIDTH
                                                or " " not in value):
                out.append(sep + text + " " + value)  # the most common line, inline
            else:
                out.append(sep + text + _text(value, column, indent + 2))
        elif kind is dict or kind is list:
            out.append(sep + text)
            _collection(value, indent, True, out, seen)
        else:
            out.append(sep + text + _scalar(value, kind))
        sep = lead


def _sequence(node: list[Any], indent: int, inline: bool, out: list[str],
              seen: set[int]) -> None:
    """The items of ``node``, their ``-`` at ``indent``; ``inline``: the first one right
    after a ``-``."""
    if id(node) in seen:
        raise _Unsure
    seen.add(id(node))
    lead = "\n" + " " * indent + "-"
    sep = " -" if inline else lead
    for item in node:
        kind = type(item)
        if kind is str:
            out.append(sep + _text(item, indent + 1, indent + 2))
        elif kind is dict or kind is list:
            out.append(sep)
            _collection(item, indent, False, out, seen)
        else:
            out.append(sep + _scalar(item, kind))
        sep = lead


def _collection(node: dict[Any, Any] | list[Any], indent: int, in_mapping: bool,
                out: list[str], seen: set[int]) -> None:
    """A mapping or list after a key's colon (``in_mapping``) or a ``-``, in a collection
    at ``indent``: block style under a key (a list not indented), ``{}`` or ``[]``."""
    if not node:
        if id(node) in seen:
            raise _Unsure
        seen.add(id(node))
        out.append(" {}" if type(node) is dict else " []")
    elif isinstance(node, dict):
        _mapping(node, indent + 2, not in_mapping, out, seen)
    else:
        _sequence(node, indent if in_mapping else indent + 2, not in_mapping, out, seen)


def emit(data: Any) -> str | None:
    """``data`` (a mapping or a list) as PyYAML's block-style ``safe_dump`` with
    ``allow_unicode`` writes it, or None when not sure to (see the module)."""
    kind = type(data)
    if kind is not dict and kind is not list:
        return None
    if not data:
        return "{}\n" if kind is dict else "[]\n"
    out: list[str] = []
    try:
        if kind is dict:
            _mapping(data, 0, False, out, set())
        else:
            _sequence(data, 0, False, out, set())
    except _Unsure:
        return None
    return "".join(out)[1:] + "\n"
