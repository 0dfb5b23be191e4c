"""The JSON files a command writes (``--json``, ``--report``): checked before any
work, and a failure to write one is a one-line error, never a traceback."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.render.json import write_json


def _hint(option: str) -> str:
    return f"give {option} the path of a file in a folder you can write to"


def check_output_file(path: str | None, option: str) -> None:
    """Refuse, before anything is read or sent, a ``path`` that cannot become a file:
    an existing folder, a path under a file, a folder that is not writable."""
    if not path:
        return
    try:
        _check(path, option)
    except OSError as exc:  # e.g. a name longer than the file system allows
        raise QualyticsCIError(f"cannot write {option} {path}: {exc.strerror or exc}",
                               hint=_hint(option)) from None


def _check(path: str, option: str) -> None:
    target = Path(path)
    if target.is_dir():
        raise QualyticsCIError(f"{option} {path} is a folder, not a file",
                               hint=f"give {option} a file path, e.g. "
                                    f"{(target / 'report.json').as_posix()}")
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise QualyticsCIError(f"{option} {path}: {parent} is a file, not a folder",
                               hint=_hint(option))
    writable = os.access(target, os.W_OK) if target.exists() else os.access(parent, os.W_OK)
    if not writable:
        raise QualyticsCIError(f"{option} {path}: permission denied", hint=_hint(option))


def check_output_files(pairs: Iterable[tuple[str | None, str]]) -> None:
    for path, option in pairs:
        check_output_file(path, option)


def write_output(path: str, data: Any, option: str, *, done: str = "") -> None:
    """Write ``data`` as JSON to ``path``; an OS error becomes a user error (``done``
    says what already happened, e.g. that an import was applied)."""
    guarded(lambda: write_json(path, data), path, option, done=done)


def guarded(write: Callable[[], object], path: str, option: str, *, done: str = "") -> None:
    """Run ``write``; an :class:`OSError` becomes a one-line user error naming ``option``."""
    try:
        write()
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise QualyticsCIError(f"cannot write {option} {path}: {why}" + done,
                               hint=_hint(option)) from None
