"""Secret values known to this process, so that nothing we print carries them.

Every resolved ``${VAR}`` value and the API token are registered here as soon as
they are known. Renderers and the Action pass text through :func:`redact`
before it leaves the process; the Action also masks each value with the runner.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_lock = threading.Lock()
_secrets: set[str] = set()
_listeners: list[Callable[[str], None]] = []

MASK = "***"



def register(value: str | None) -> None:
    """Remember a secret value (values shorter than 4 characters are ignored:
    masking them would mangle ordinary text)."""
    if not value or len(value) < 4:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        listeners = list(_listeners)
    for listener in listeners:
        listener(value)


def on_register(callback: Callable[[str], None]) -> None:
    """Call ``callback(value)`` for every secret, past and future (the Action
    uses it to emit ``::add-mask::`` before anything else is printed)."""
    with _lock:
        _listeners.append(callback)
        already = sorted(_secrets)
    for value in already:
        callback(value)


def known() -> list[str]:
    """The registered secrets, longest first (so overlapping values mask fully)."""
    with _lock:
        return sorted(_secrets, key=len, reverse=True)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for value in known():
        if value in text:
            text = text.replace(value, MASK)
    return text


def clear() -> None:
    """Forget every secret and listener (tests only)."""
    with _lock:
        _secrets.clear()
        _listeners.clear()
