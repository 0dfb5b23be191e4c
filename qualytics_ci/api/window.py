"""How many writes are in flight at once: an adaptive window (AIMD) shared by every
write a client sends (docs/http-client.md, "Concurrent writes").

A write takes a slot before it is sent and gives it back with its answer:

- the window starts at :data:`START` (or the maximum, if lower);
- each answered write adds ``1 / window``, so the window grows by one slot for
  every window's worth of answers (additive increase), up to the maximum;
- a 429 or a 503 halves it, never below 1 (multiplicative decrease). Writes that
  were already on their way when the window was last halved saw the same
  overload, so their 429s do not halve it again;
- a ``Retry-After`` on such an answer closes the window until then: no write is
  sent before it, not only the one that was refused.

The maximum is :data:`DEFAULT_CONCURRENCY` unless ``--concurrency N`` sets it.
Why 32: at 25 ms of latency 32 writes in flight carry about 1,300 writes a second,
which is already about what one client process can prepare and send (about half a
millisecond of CPU each, under one interpreter lock), so more slots would add
threads and load on the deployment rather than speed; at 100 ms it carries about
320 a second, four times the old fixed 8. The window starts at half of it, so a
server that cannot take that many says so (429, 503) before the window is full.

:class:`Window` is the arithmetic, with the clock passed in (tested without
threads); :class:`Slots` shares one window between threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_CONCURRENCY = 32  # the most writes in flight at once (--concurrency)
START = 16  # the window's size before any answer
THROTTLE_STATUSES = frozenset({429, 503})  # "too much": the window is halved


@dataclass(frozen=True)
class Slot:
    """A taken slot; ``epoch`` counts the window's decreases before it was taken."""

    epoch: int


@dataclass(frozen=True)
class Wait:
    """No slot now: wait ``seconds`` (until clock time ``until``); 0 seconds means the
    window is full, and a slot given back is the thing to wait for."""

    seconds: float
    until: float


class Window:
    """The window's arithmetic; every method takes the clock's ``now`` where it needs it."""

    def __init__(self, maximum: int = DEFAULT_CONCURRENCY, *, start: int = START) -> None:
        if maximum < 1 or start < 1:
            raise ValueError("a window holds at least one write")
        self.maximum = maximum
        self.size = float(min(start, maximum))
        self.in_flight = 0
        self.closed_until = 0.0  # no write is sent before this (a Retry-After)
        self._epoch = 0

    @property
    def limit(self) -> int:
        """How many writes may be in flight now."""
        return max(1, int(self.size))

    def take(self, now: float, waited_until: float = 0.0) -> Slot | Wait:
        """A slot, or how to wait for one. ``waited_until``: a time the caller has
        already waited for (it slept that long), so that wait is not asked again."""
        if self.closed_until > now and self.closed_until > waited_until:
            return Wait(self.closed_until - now, self.closed_until)
        if self.in_flight >= self.limit:
            return Wait(0.0, now)
        self.in_flight += 1
        return Slot(self._epoch)

    def answered(self, slot: Slot) -> None:
        """The write was answered (not throttled): one more step of additive increase."""
        self._give_back()
        self.size = min(float(self.maximum), self.size + 1.0 / self.size)

    def throttled(self, slot: Slot, now: float, retry_after: float | None) -> float:
        """The write was answered 429 or 503: halve the window (once per window), and
        close it for ``retry_after`` seconds. Returns when this answer lets writes go
        again (``now`` without a Retry-After)."""
        self._give_back()
        if slot.epoch == self._epoch:
            self.size = max(1.0, self.size / 2.0)
            self._epoch += 1
        if retry_after is None or retry_after <= 0:
            return now
        self.closed_until = max(self.closed_until, now + retry_after)
        return now + retry_after

    def failed(self, slot: Slot) -> None:
        """No answer, or one that says nothing about load (a 500): the window stays."""
        self._give_back()

    def narrow(self, maximum: int) -> None:
        """Never more than ``maximum`` in flight from now on."""
        self.maximum = max(1, min(self.maximum, maximum))
        self.size = min(self.size, float(self.maximum))

    @property
    def free(self) -> int:
        return max(0, self.limit - self.in_flight)

    def _give_back(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)


class Slots:
    """One :class:`Window` shared by threads: :meth:`take` blocks until a write may go.

    ``sleep`` waits out a closed window (the client passes its own, so a test that
    fakes sleeping fakes this too); a full window is waited for on a condition."""

    def __init__(self, window: Window, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()

    @property
    def maximum(self) -> int:
        return self.window.maximum

    @property
    def limit(self) -> int:
        """How many writes may be in flight now."""
        return self.window.limit

    def take(self, waited_until: float = 0.0) -> Slot:
        while True:
            with self._cond:
                while True:
                    got = self.window.take(self._clock(), waited_until)
                    if isinstance(got, Slot):
                        return got
                    if got.seconds > 0:
                        break
                    self._cond.wait()
            self._sleep(got.seconds)  # outside the lock: answers keep coming back
            waited_until = got.until

    def answered(self, slot: Slot) -> None:
        with self._cond:
            self.window.answered(slot)
            self._cond.notify(self.window.free)

    def throttled(self, slot: Slot, retry_after: float | None) -> float:
        """See :meth:`Window.throttled`; the time is this object's clock."""
        with self._cond:
            until = self.window.throttled(slot, self._clock(), retry_after)
            self._cond.notify(self.window.free)
            return until

    def failed(self, slot: Slot) -> None:
        with self._cond:
            self.window.failed(slot)
            self._cond.notify(self.window.free)

    def narrow(self, maximum: int) -> None:
        with self._cond:
            self.window.narrow(maximum)


class SlowDownNotes:
    """What the user is told when the API says it is overloaded (429 or 503): one line,
    not one per refused request. The first refusal is told at once; later ones are
    counted and told at most once every ``interval`` seconds, with their number and
    how many writes may be in flight now. A refused request is sent again after the
    wait, so these lines are news, not errors."""

    def __init__(self, notify: Callable[[str], None], *, interval: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._notify = notify
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._told_at: float | None = None
        self._untold = 0

    def refused(self, status: int, delay: float, method: str, path: str,
                in_flight: int | None) -> None:
        """One refusal (``in_flight``: the writes' window now, None for a read)."""
        with self._lock:
            self._untold += 1
            now = self._clock()
            if self._told_at is not None and now - self._told_at < self._interval:
                return
            first = self._told_at is None
            count, self._untold, self._told_at = self._untold, 0, now
        what = "rate limit" if status == 429 else "overloaded"
        since = "" if first else f" in the last {self._interval:g} s"
        then = "" if in_flight is None else f", then at most {in_flight} writes in flight"
        self._notify(f"slowing down: the API answered {status} ({what}) to {count} "
                     f"request{'s' if count != 1 else ''}{since}, last {method} {path}; "
                     f"waiting {delay:.1f} s{then} (refused requests are sent again)")
