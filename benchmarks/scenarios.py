"""The scenarios, each measured for every tool on a freshly reset sandbox: the six
run at every size N, and (in :mod:`benchmarks.writes`) the write scenarios."""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import floor, folders, usage
from benchmarks import instructions as counts
from benchmarks.floor import Floor
from benchmarks.sandbox import Sandbox, Stats, tool_env
from benchmarks.tools import OURS, Tool

SOURCE = "bench"
TWIN = "bench-twin"
PROMOTE_TABLES = 10
COMMAND_TIMEOUT = 3600.0

PER_SIZE = {  # run at every size N
    "export": "export of N checks",
    "plan": "plan / dry-run of an unchanged folder",
    "reimport": "re-import of an unchanged folder",
    "first_import": "first import (create) into the empty twin",
    "plan_edited": "plan with 1% of the checks edited",
    "promote": "promote 1,000 checks (10 tables x 100)",
}
WRITES = {  # run once, with --write-checks checks, whatever N
    "concurrency_sweep": "first import at each --concurrency and latency (qualytics-ci)",
    "rate_limited": "first import under a rate limit",
}
SCENARIOS = {**PER_SIZE, **WRITES}


@dataclass
class Measurement:
    """One tool's run of one scenario at one size."""

    scenario: str
    tool: str
    n: int
    latency_ms: float
    wall_s: float
    exit_code: int
    ok: bool
    requests: dict[str, Any]
    floor_requests: int
    floor_s: float
    check: str = ""
    note: str = ""
    commands: list[str] = field(default_factory=list)
    # the tool's own process (summed over a scenario's commands; RSS: the largest);
    # None in results recorded before they were measured
    cpu_s: float | None = None
    cpu_user_s: float | None = None
    cpu_sys_s: float | None = None
    peak_rss_kb: int | None = None
    checks: int = 0  # checks the scenario handles; 0: n
    concurrency: int | None = None  # the --concurrency given; None: the tool's default
    rate_limit: float = 0.0  # requests a second the sandbox allowed; 0: no limit
    failures: int | None = None  # checks not created (or created twice), where counted
    cpu_runs: list[float] = field(default_factory=list)  # client CPU of each repeat, in order
    instructions: int | None = None  # one more run's, counted by valgrind (benchmarks.instructions)

    @property
    def total(self) -> int:
        return int(self.requests.get("total", 0))

    @property
    def throttled(self) -> int:
        """Requests the sandbox refused with 429 (0 when not recorded)."""
        return int(self.requests.get("by_status", {}).get("429", 0))

    @property
    def check_count(self) -> int:
        if self.checks:
            return self.checks
        return min(self.n, 100 * PROMOTE_TABLES) if self.scenario == "promote" else self.n

    @property
    def cpu_per_1000(self) -> float | None:
        """Client CPU seconds per 1,000 checks handled."""
        if self.cpu_s is None or not self.check_count:
            return None
        return self.cpu_s * 1000 / self.check_count

    @property
    def kb_per_check(self) -> float | None:
        if self.peak_rss_kb is None or not self.check_count:
            return None
        return self.peak_rss_kb / self.check_count

    @property
    def instructions_per_1000(self) -> float | None:
        """Millions of instructions per 1,000 checks handled."""
        if self.instructions is None or not self.check_count:
            return None
        return self.instructions / 1e6 * 1000 / self.check_count

    def add_check(self, text: str) -> None:
        self.check = f"{self.check}; {text}" if self.check else text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _headline(path: Path) -> str:
    """qualytics-ci's summary line (``Plan: ...`` / ``Import: ...``), if it printed one."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    found = [line.strip() for line in lines if line.startswith(("Plan:", "Import:", "Exported"))]
    text = " ".join(found)
    return re.sub(r"Exported to \S+:", "Exported:", text)[-300:]


def _tail(path: Path, lines: int = 6) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return " | ".join(line.strip() for line in text[-lines:])[-600:]


class Bench:
    """Runs scenarios for a set of tools against one sandbox at one size."""

    def __init__(self, sandbox: Sandbox, tools: list[Tool], workdir: Path, n: int,
                 repeats: int = 1, count_instructions: bool = False) -> None:
        self.sandbox = sandbox
        self.repeats = repeats  # runs of our plan and export (the CPU targets' cells)
        self.count_instructions = count_instructions  # ... and one more under valgrind
        self.tools = tools
        self.workdir = workdir
        self.n = n
        self.results: list[Measurement] = []
        self.source_id = sandbox.datastore_id(SOURCE)
        self.twin_id = sandbox.datastore_id(TWIN)
        self.exported: dict[str, Path] = {}

    # -- one measured window ----------------------------------------------------
    def measure(self, scenario: str, tool: Tool, commands: list[list[str]], fl: Floor,
                folder: Path | None = None, *, latency_ms: float | None = None,
                rate_limit: float = 0.0, concurrency: int | None = None, repeats: int = 1,
                before_each: Callable[[], None] | None = None,
                instructions: bool = False) -> Measurement:
        """Reset the sandbox (its latency: the run's or ``latency_ms``; ``rate_limit``),
        run ``commands`` and record what they sent and cost. The harness's look-ups
        afterwards run without injected latency or limit.

        ``repeats`` > 1 (scenarios that change nothing on the target; ``before_each``
        runs first each time): the run of median CPU is recorded, with every run's CPU,
        since one run's CPU varies by a fifth on a shared machine. ``instructions``: one
        more run under valgrind counts them."""
        latency = self.sandbox.latency_ms if latency_ms is None else latency_ms
        self.sandbox.reset(latency, rate_limit)
        extra = {}
        if folder is not None and folder.exists():
            extra = {name: f"bench-{name.lower()}" for name in folders.placeholders(folder)}
        env = tool_env(self.sandbox, extra, self.workdir / "home")
        label = scenario if concurrency is None else f"{scenario}-c{concurrency}"
        if latency_ms is not None:
            label += f"-{latency:g}ms"
        log = self.workdir / "logs" / f"{self.n}-{label}-{tool.name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        print(f"  [{self.n}] {label:26} {tool.name:13} ...", end="", file=sys.stderr,
              flush=True)
        runs = []
        for _ in range(max(1, repeats)):
            if before_each is not None:
                before_each()
            before = self.sandbox.stats()
            spent = usage.NOTHING
            with log.open("w") as out:
                for argv in commands:
                    spent += usage.run(argv, env=env, out=out,
                                       result=log.with_suffix(".usage.json"),
                                       timeout=COMMAND_TIMEOUT)
            runs.append((spent, self.sandbox.stats().minus(before),
                         self.sandbox.statuses(before.last_seq)))
            if spent.exit_code:
                break
        spent, used, statuses = sorted(runs, key=lambda r: r[0].cpu_s)[(len(runs) - 1) // 2]
        self.sandbox.faults(0.0)
        code = spent.exit_code
        m = Measurement(
            scenario=scenario, tool=tool.name, n=self.n,
            latency_ms=latency, wall_s=round(spent.wall_s, 3),
            exit_code=code, ok=code == 0, requests={**_stats_json(used), "by_status": statuses},
            floor_requests=fl.requests,
            floor_s=round(fl.seconds(latency, concurrency, rate_limit), 3),
            commands=[" ".join(a[-6:]) for a in commands[:1]],
            cpu_s=round(spent.cpu_s, 3), cpu_user_s=round(spent.user_s, 3),
            cpu_sys_s=round(spent.sys_s, 3), peak_rss_kb=spent.peak_rss_kb,
            concurrency=concurrency, rate_limit=rate_limit,
            cpu_runs=[round(r[0].cpu_s, 3) for r in runs] if len(runs) > 1 else [],
        )
        if code:
            m.note = _tail(log)
        elif tool.name == OURS:
            m.check = _headline(log)
        if instructions and not code:
            if before_each is not None:
                before_each()
            m.instructions = counts.run(commands, env, log, timeout=COMMAND_TIMEOUT)
        print(f" {m.wall_s:8.2f} s {used.total:7d} requests {spent.cpu_s:7.2f} s CPU "
              f"{spent.peak_rss_kb / 1024:6.1f} MB{'' if m.ok else f'  exit {code}'}",
              file=sys.stderr)
        self.results.append(m)
        return m

    def verify_checks(self, m: Measurement, datastore_id: int, expected: int) -> None:
        """Count the checks the target ends with, and their distinct uids."""
        uids = self.sandbox.check_uids(datastore_id)
        dupes = sum(c - 1 for c in Counter(uids).values() if c > 1)
        m.add_check(f"{len(uids)} checks, {len(set(uids))} distinct uids")
        m.failures = max(0, expected - len(set(uids))) + dupes
        if len(uids) != expected or dupes:
            m.ok = False
            m.note = (m.note + f" expected {expected} checks, found {len(uids)} "
                      f"({dupes} duplicated)").strip()

    # -- the scenarios -----------------------------------------------------------
    def run_all(self, scenarios: list[str]) -> list[Measurement]:
        """Every scenario in order, each for every tool (promote: ours only)."""
        steps = {"export": self.export, "plan": self.plan, "reimport": self.reimport,
                 "first_import": self.first_import, "plan_edited": self.plan_edited,
                 "promote": self.promote}
        wanted = set(scenarios) | ({"export"} if len(set(scenarios) - {"promote"}) else set())
        for scenario, step in steps.items():
            if scenario not in wanted:
                continue
            for tool in self.tools:
                if scenario != "promote" or tool.name == OURS:
                    step(tool)
        self.results = [m for m in self.results if m.scenario in scenarios]
        return self.results

    def _repeats(self, tool: Tool) -> int:
        return self.repeats if tool.name == OURS else 1

    def _counted(self, tool: Tool) -> bool:
        return self.count_instructions and tool.name == OURS

    def _folder(self, tool: Tool, name: str) -> Path:
        return self.workdir / "folders" / str(self.n) / tool.name / name

    def export(self, tool: Tool) -> None:
        out = self._folder(tool, "export")
        m = self.measure("export", tool, [tool.export(out, SOURCE, self.source_id)],
                         floor.export(self.n), repeats=self._repeats(tool),
                         before_each=lambda: folders.set_aside(out),
                         instructions=self._counted(tool))
        files = folders.check_files(out)
        m.add_check(f"{len(files)} check files")
        if len(files) != self.n:
            m.ok = False
            m.note = (m.note + f" expected {self.n} check files").strip()
        if m.exit_code == 0 and files:
            self.exported[tool.name] = out

    def _needs_export(self, tool: Tool, scenario: str) -> Path | None:
        src = self.exported.get(tool.name)
        if src is None:
            self.results.append(Measurement(
                scenario=scenario, tool=tool.name, n=self.n,
                latency_ms=self.sandbox.latency_ms, wall_s=0.0, exit_code=-1, ok=False,
                requests={}, floor_requests=0, floor_s=0.0,
                note="not run: this tool's export failed"))
        return src

    def plan(self, tool: Tool) -> None:
        src = self._needs_export(tool, "plan")
        if src is not None:
            self.measure("plan", tool, [tool.plan(src)], floor.plan(self.n), src,
                         repeats=self._repeats(tool), instructions=self._counted(tool))

    def reimport(self, tool: Tool) -> None:
        src = self._needs_export(tool, "reimport")
        if src is None:
            return
        folder = folders.copy(src, self._folder(tool, "reimport"))
        m = self.measure("reimport", tool, [tool.apply(folder)],
                         floor.reimport_unchanged(self.n), folder)
        self.verify_checks(m, self.source_id, self.n)

    def first_import(self, tool: Tool) -> None:
        src = self._needs_export(tool, "first_import")
        if src is None:
            return
        folder = folders.copy(src, self._folder(tool, "twin"))
        folders.retarget(folder, SOURCE, TWIN)
        m = self.measure("first_import", tool, [tool.apply(folder)],
                         floor.first_import(self.n), folder)
        self.verify_checks(m, self.twin_id, self.n)

    def plan_edited(self, tool: Tool) -> None:
        src = self._needs_export(tool, "plan_edited")
        if src is None:
            return
        folder = folders.copy(src, self._folder(tool, "edited"))
        edited = folders.edit_descriptions(folder, 0.01)
        m = self.measure("plan_edited", tool, [tool.plan(folder)], floor.plan_edited(self.n),
                         folder)
        m.add_check(f"{edited} check files edited")

    def promote(self, tool: Tool) -> None:
        self.sandbox.reset()
        tables = sorted(c["name"] for c in self.sandbox.containers(self.source_id)
                        if c.get("container_type") == "table")[:PROMOTE_TABLES]
        commands = [tool.promote(f"{SOURCE}/{t}", f"{TWIN}/{t}") for t in tables]
        expected = min(self.n, 100 * len(tables))
        m = self.measure("promote", tool, commands, floor.promote(len(tables)))
        self.verify_checks(m, self.twin_id, expected)


def _stats_json(stats: Stats) -> dict[str, Any]:
    return {"total": stats.total, "by_method": stats.by_method,
            "by_template": stats.by_template}
