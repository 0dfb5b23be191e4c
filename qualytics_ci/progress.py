"""Progress for long work, on stderr only.

On a terminal a single live line is redrawn; elsewhere (CI logs) a plain line is
printed only for phases worth reading about: every few seconds while a phase runs
longer than that, and once at the end of a phase of more than one unit (or of a
phase that already printed), so a tiny scope leaves the log quiet. With
``--quiet`` nothing at all. Progress never goes to stdout, so JSON written there
or to files stays clean.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

CI_INTERVAL_S = 5.0
LIVE_INTERVAL_S = 0.1  # a terminal's line is redrawn at most this often (and at the end)


class Progress:
    """Counts done out of total for one phase and reports it on ``stream``."""

    def __init__(
        self,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        interval: float = CI_INTERVAL_S,
    ) -> None:
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.interval = interval
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._lock = threading.Lock()
        self._phase = ""
        self._done = 0
        self._total = 0
        self._last = 0.0
        self._last_draw = float("-inf")
        self._drawn = False
        self._printed = ""

    def start(self, phase: str, total: int) -> None:
        """Begin a phase of ``total`` units of work."""
        with self._lock:
            self._finish_line()
            self._phase, self._done, self._total = phase, 0, total
            self._last = self.clock()
            self._last_draw = float("-inf")
            self._printed = ""
            self._emit(force=False)

    def advance(self, n: int = 1) -> None:
        """Record ``n`` more units done (thread-safe)."""
        with self._lock:
            self._done += n
            self._emit(force=False)

    def finish(self) -> None:
        """End the current phase with a final line."""
        with self._lock:
            if self._phase:
                self._emit(force=self.live or self._total > 1 or bool(self._printed))
                self._finish_line()
            self._phase = ""

    def note(self, text: str) -> None:
        """One line of news (e.g. a retry) on the stream, unless quiet; on a terminal the
        live line is drawn again below it. Thread-safe; usable as a client's notifier."""
        with self._lock:
            if self.quiet:
                return
            if self._drawn:
                self.stream.write("\r\x1b[K")
                self._drawn = False
            self.stream.write(text + "\n")
            if self.live and self._phase:
                self._emit(force=True)
            self.stream.flush()

    def _emit(self, *, force: bool) -> None:
        """The phase's line, when one is due (the line is made only then: this runs for
        every unit of work, thousands of files)."""
        if self.quiet or not self._phase:
            return
        now = self.clock()
        if self.live:
            if force or now - self._last_draw >= LIVE_INTERVAL_S:
                self.stream.write(f"\r\x1b[K{self._phase}: {self._done}/{self._total}")
                self._drawn, self._last_draw = True, now
                self.stream.flush()
        elif force or now - self._last >= self.interval:
            text = f"{self._phase}: {self._done}/{self._total}"
            if text != self._printed:
                self.stream.write(text + "\n")
                self.stream.flush()
                self._last, self._printed = now, text

    def _finish_line(self) -> None:
        if self._drawn and not self.quiet:
            self.stream.write("\n")
            self.stream.flush()
        self._drawn = False


SILENT = Progress(quiet=True)


class Later(Progress):
    """The progress of work running in the background, held back until :meth:`release`
    hands it to the progress on screen, so that two phases never share one line: calls
    made before are replayed there in order, later ones are passed on."""

    def __init__(self) -> None:
        super().__init__(quiet=True)
        self._hold = threading.Lock()
        self._calls: list[tuple[str, tuple[object, ...]]] = []
        self._shown: Progress | None = None

    def start(self, phase: str, total: int) -> None:
        self._pass("start", phase, total)

    def advance(self, n: int = 1) -> None:
        self._pass("advance", n)

    def finish(self) -> None:
        self._pass("finish")

    def note(self, text: str) -> None:
        self._pass("note", text)

    def release(self, shown: Progress) -> None:
        """From now on, report on ``shown`` (what happened so far first)."""
        with self._hold:
            self._shown = shown
            for name, args in self._calls:
                getattr(shown, name)(*args)
            self._calls.clear()

    def _pass(self, name: str, *args: object) -> None:
        with self._hold:
            if self._shown is None:
                self._calls.append((name, args))
            else:
                getattr(self._shown, name)(*args)
