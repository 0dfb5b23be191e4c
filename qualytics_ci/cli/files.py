"""The JSON files a command writes (``--json``, ``--report``): checked before any
work, and a failure to write one is a one-line error, never a traceback.

``-`` for a file means standard output: the JSON is then all that goes there, and the
text the command would print on it goes to stderr (``plan --json - | jq``)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.render.json import json_text, write_json

STDOUT = "-"
OPTIONS = (("json_file", "--json"), ("report", "--report"))
_json_out: list[TextIO] = []  # the real stdout while the command's text goes to stderr


@contextlib.contextmanager
def json_on_stdout(options: object) -> Iterator[None]:
    """While a command runs whose ``--json`` or ``--report`` is ``-``, its text goes to
    stderr, and that JSON alone to stdout; two of them cannot share it."""
    given = [flag for name, flag in OPTIONS if getattr(options, name, None) == STDOUT]
    if not given:
        yield
        return
    if len(given) > 1:
        raise QualyticsCIError(f"{' and '.join(given)} are both -: only one can go to stdout",
                               hint="give the other a file path")
    _json_out.append(sys.stdout)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        _json_out.pop()


def _hint(option: str) -> str:
    return f"give {option} the path of a file in a folder you can write to"


def check_output_file(path: str | None, option: str) -> None:
    """Refuse, before anything is read or sent, a ``path`` that cannot become a file:
    an existing folder, a path under a file, a folder that is not writable."""
    if not path or path == STDOUT:
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
    says what already happened, e.g. that an import was applied); ``-``: to stdout."""
    if path == STDOUT:
        out = _json_out[-1] if _json_out else sys.stdout
        out.write(json_text(data))
        out.flush()
        return
    guarded(lambda: write_json(path, data), path, option, done=done)


def guarded(write: Callable[[], object], path: str, option: str, *, done: str = "") -> None:
    """Run ``write``; an :class:`OSError` becomes a one-line user error naming ``option``."""
    try:
        write()
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise QualyticsCIError(f"cannot write {option} {path}: {why}" + done,
                               hint=_hint(option)) from None
