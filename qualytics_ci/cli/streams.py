"""stdout and stderr that stop quietly when their reader goes away.

``qualytics-ci plan | head -1`` closes the pipe after one line. That is not an
error: the command goes on (a ``--json`` file is still written), what it would
have printed is dropped, and it exits with its own code. This follows Python's
documented handling of SIGPIPE (the ``signal`` module's "Note on SIGPIPE"): on
:class:`BrokenPipeError` the stream's file descriptor is pointed at ``os.devnull``,
so that no later write or the interpreter's final flush fails again.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast


class PipeSafe:
    """A text stream wrapper whose writes become no-ops once the pipe is broken."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner
        self.broken = False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                return self._inner.write(text)
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._inner.flush()
            except BrokenPipeError:
                self._gone()

    def _gone(self) -> None:
        self.broken = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
        except OSError:
            return
        try:
            os.dup2(devnull, self._inner.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            pass  # not a real file (a test's capture): nothing more to do
        finally:
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@contextmanager
def pipe_safe() -> Iterator[None]:
    """Within the block, ``sys.stdout`` and ``sys.stderr`` never raise BrokenPipeError."""
    saved = sys.stdout, sys.stderr
    wrapped = [PipeSafe(s) if s is not None and not isinstance(s, PipeSafe) else s
               for s in saved]
    sys.stdout, sys.stderr = (cast(TextIO, w) for w in wrapped)
    try:
        yield
    finally:
        for stream in wrapped:
            if stream is not None:
                stream.flush()
        sys.stdout, sys.stderr = saved
