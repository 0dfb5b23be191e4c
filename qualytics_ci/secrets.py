"""Secret values known to this process, so that nothing we print carries them.

Every resolved ``${VAR}`` value and the API token are registered here as soon as
they are known. Renderers and the Action pass text through :func:`redact`
before it leaves the process; the Action also masks each value with the runner.

A value can reach text in another spelling than its own: a server that echoes a
request body answers JSON (a backslash or a quote in the value arrives escaped),
an error message may hold a ``repr`` of that answer, and a value sent in a query
string or a form is percent-encoded. :func:`forms` lists those spellings, and
:func:`redact` masks every one of them.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from urllib.parse import quote, quote_plus

_lock = threading.Lock()
_secrets: set[str] = set()
_forms: dict[str, tuple[str, ...]] = {}
_ordered: list[str] = []  # every spelling of every secret, longest first
_listeners: list[Callable[[str], None]] = []

MASK = "***"
MIN_LENGTH = 4
_HEX = re.compile(r"%[0-9A-F]{2}")


def _json(value: str) -> str:
    return json.dumps(value)[1:-1]


def _json_unicode(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _json_slashes(value: str) -> str:
    """JSON as some servers write it, with ``/`` escaped as ``\\/``."""
    return _json(value).replace("/", "\\/")


def _repr_quoted(value: str) -> str:
    """The value inside a Python ``repr`` whose quotes are ``'`` (escaped inside)."""
    return repr("'\"" + value)[4:-1]


def _repr_plain(value: str) -> str:
    """The value inside a Python ``repr`` quoted with ``"`` (``'`` left as it is)."""
    return _repr_quoted(value).replace("\\'", "'")


ESCAPES: tuple[Callable[[str], str], ...] = (_json, _json_unicode, _json_slashes,
                                             _repr_quoted, _repr_plain)


def _percent(value: str) -> set[str]:
    encoded = {quote(value, safe=""), quote(value, safe="/"), quote_plus(value, safe=""),
               quote_plus(value, safe="/")}
    return encoded | {_HEX.sub(lambda m: m.group(0).lower(), e) for e in encoded}


def forms(value: str) -> tuple[str, ...]:
    """``value`` and the spellings it takes in text: JSON-escaped (ASCII or not, ``/``
    escaped or not), inside a Python ``repr``, one escape inside another (a JSON answer
    quoted in an error message that is written to a JSON report), and percent-encoded
    (``%20`` or ``+`` for a space, upper- or lower-case hex). Longest first, the value
    itself first among equals."""
    found = {value}
    for escape in ESCAPES:
        once = escape(value)
        found.add(once)
        found.update(again(once) for again in ESCAPES)
    for encoded in _percent(value):
        found.add(encoded)
        found.update(escape(encoded) for escape in ESCAPES)
    others = sorted((f for f in found if f != value and len(f) >= MIN_LENGTH),
                    key=lambda f: (-len(f), f))
    return (value, *others)


def register(value: str | None) -> None:
    """Remember a secret value (values shorter than 4 characters are ignored:
    masking them would mangle ordinary text)."""
    if not value or len(value) < MIN_LENGTH:
        return
    spellings = forms(value)
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        _forms[value] = spellings
        every = {s for known_forms in _forms.values() for s in known_forms}
        _ordered[:] = sorted(every, key=len, reverse=True)
        listeners = list(_listeners)
    for listener in listeners:
        for spelling in spellings:
            listener(spelling)


def on_register(callback: Callable[[str], None]) -> None:
    """Call ``callback(spelling)`` for every spelling of every secret, past and future
    (the Action uses it to emit ``::add-mask::`` before anything else is printed);
    each secret's own value comes first."""
    with _lock:
        _listeners.append(callback)
        already = [_forms[v] for v in sorted(_secrets)]
    for spellings in already:
        for spelling in spellings:
            callback(spelling)


def known() -> list[str]:
    """The registered secrets, longest first (so overlapping values mask fully)."""
    with _lock:
        return sorted(_secrets, key=len, reverse=True)


def redact(text: str) -> str:
    """``text`` with every registered secret, in any of its :func:`forms`, replaced by
    ``***``."""
    with _lock:
        spellings = list(_ordered)
    for spelling in spellings:
        if spelling in text:
            text = text.replace(spelling, MASK)
    return text


def clear() -> None:
    """Forget every secret and listener (tests only)."""
    with _lock:
        _secrets.clear()
        _forms.clear()
        _ordered.clear()
        _listeners.clear()
