"""The write scenarios, at one size whatever the run's N: the first import of
``checks`` new checks (``bench`` exported, retargeted to the empty twin) at each
``--concurrency`` and latency of a sweep, and under a rate limit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from benchmarks import floor, folders
from benchmarks.scenarios import SOURCE, TWIN, WRITES, Bench, Measurement
from benchmarks.tools import OURS, Tool

DEFAULT = None  # the sweep's point without --concurrency


@dataclass(frozen=True)
class WriteOptions:
    """What the write scenarios run: how many checks, the sweep's points, the limit."""

    checks: int = 2000
    concurrency: tuple[int | None, ...] = (4, 8, 16, 32, 64, DEFAULT)
    latencies: tuple[float, ...] = (25.0, 100.0)
    rate_limit: float = 100.0


def parse_concurrency(text: str) -> tuple[int | None, ...]:
    """``"8,default"`` -> ``(8, None)``; raises ValueError on anything else."""
    points: list[int | None] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item == "default":
            points.append(DEFAULT)
        elif item.isdigit() and int(item) > 0:
            points.append(int(item))
        else:
            raise ValueError(f"{item!r} is neither a positive number nor 'default'")
    return tuple(points)


def reported_failures(headline: str) -> int:
    """The ``N failed`` of qualytics-ci's ``Import:`` line (0 when it printed none)."""
    found = re.search(r"Import:.*?(\d+) failed", headline)
    return int(found.group(1)) if found else 0


class WriteBench(Bench):
    """The write scenarios against one ``bench:checks`` sandbox."""

    def run_writes(self, scenarios: list[str], options: WriteOptions) -> list[Measurement]:
        for tool in self.tools:
            self.export(tool)  # not a result of its own here: the folders to import
        if "concurrency_sweep" in scenarios:
            ours = [t for t in self.tools if t.name == OURS]
            for tool in ours:
                for latency in options.latencies:
                    for concurrency in options.concurrency:
                        self.first_import_at(tool, "concurrency_sweep", latency_ms=latency,
                                             concurrency=concurrency)
        if "rate_limited" in scenarios:
            for tool in self.tools:
                self.first_import_at(tool, "rate_limited", rate_limit=options.rate_limit)
        self.results = [m for m in self.results if m.scenario in WRITES]
        return self.results

    def first_import_at(self, tool: Tool, scenario: str, *, latency_ms: float | None = None,
                        concurrency: int | None = None, rate_limit: float = 0.0) -> None:
        src = self._needs_export(tool, scenario)
        if src is None:
            return
        folder = folders.copy(src, self._folder(tool, "twin"))
        folders.retarget(folder, SOURCE, TWIN)
        m = self.measure(scenario, tool, [tool.apply(folder, concurrency)],
                         floor.first_import(self.n), folder, latency_ms=latency_ms,
                         rate_limit=rate_limit, concurrency=concurrency)
        self.verify_checks(m, self.twin_id, self.n)
        m.failures = max(m.failures or 0, reported_failures(m.check))
        if m.failures:
            m.ok = False
