"""Counts of HTTP requests by method and path template, for reports and benchmarks."""

from __future__ import annotations

import threading
from collections import Counter

from qualytics_ci.api.errors import path_template


class RequestCounter:
    """Thread-safe tally keyed ``"GET /quality-checks/{id}"`` (ids and query removed).

    Every attempt that is sent counts, retries included, so the figures match
    what the server saw.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, method: str, path: str) -> None:
        key = f"{method.upper()} {path_template(path)}"
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        """A copy of the counts, sorted by key."""
        with self._lock:
            return dict(sorted(self._counts.items()))

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def by_method(self) -> dict[str, int]:
        """Counts per HTTP method, sorted by method."""
        totals: Counter[str] = Counter()
        for key, count in self.snapshot().items():
            totals[key.split(" ", 1)[0]] += count
        return dict(sorted(totals.items()))

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
