"""RESULTS.md, results.json and the plot, from the measurements."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import floor
from benchmarks.scenarios import SCENARIOS, Measurement
from benchmarks.tools import OTHER, OURS


def machine() -> dict[str, str]:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "cores": str(os.cpu_count()),
        "memory": mem,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _find(results: Sequence[Measurement], scenario: str, tool: str,
          n: int) -> Measurement | None:
    for m in results:
        if m.scenario == scenario and m.tool == tool and m.n == n and m.exit_code >= 0:
            return m
    return None


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "—"


def _methods(m: Measurement) -> str:
    by = m.requests.get("by_method", {})
    return " ".join(f"{k} {v}" for k, v in sorted(by.items())) or "—"


def table(results: Sequence[Measurement], n: int) -> list[str]:
    rows = ["| scenario | tool | wall s | requests | by method | floor req | req / floor "
            "| floor s | time / floor | other / ours (req, time) | outcome |",
            "|---|---|---:|---:|---|---:|---:|---:|---:|---|---|"]
    for scenario, title in SCENARIOS.items():
        for tool in (OURS, OTHER):
            m = _find(results, scenario, tool, n)
            if m is None:
                continue
            vs = ""
            if tool == OURS:
                o = _find(results, scenario, OTHER, n)
                if o is not None:
                    vs = f"{_ratio(o.total, m.total)}, {_ratio(o.wall_s, m.wall_s)}"
            outcome = m.check if m.ok else f"**failed** {m.check} {m.note}".strip()
            rows.append(
                f"| {title} | {tool} | {m.wall_s:.2f} | {m.total} | {_methods(m)} "
                f"| {m.floor_requests} | {_ratio(m.total, m.floor_requests)} "
                f"| {m.floor_s:.2f} | {_ratio(m.wall_s, m.floor_s)} | {vs} "
                f"| {outcome.replace('|', '/')} |")
    return rows


def targets(results: Sequence[Measurement], n: int) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for the product's targets at size ``n``."""
    out: list[tuple[str, str, str]] = []

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("holds" if ok else "**does not hold**")

    def floor_target(scenario: str, label: str) -> None:
        m = _find(results, scenario, OURS, n)
        ok = None if m is None or not m.ok else m.total <= 1.2 * m.floor_requests
        got = "—" if m is None else f"{m.total} requests, floor {m.floor_requests}"
        out.append((f"{label} within 1.2x the floor's requests", got, verdict(ok)))

    def versus(scenario: str, label: str, factor: float, key: str) -> None:
        mine, theirs = _find(results, scenario, OURS, n), _find(results, scenario, OTHER, n)
        if mine is None or theirs is None or not mine.ok:
            out.append((label, "—", verdict(None)))
            return
        a, b = (theirs.total, mine.total) if key == "requests" else (theirs.wall_s, mine.wall_s)
        out.append((label, _ratio(a, b), verdict(a >= factor * b)))

    floor_target("reimport", f"re-import of an unchanged {n}-check folder")
    versus("reimport", "re-import: >= 20x fewer requests than qualytics-cli", 20, "requests")
    versus("reimport", "re-import: >= 10x less wall time than qualytics-cli", 10, "time")
    versus("first_import", "first import >= 6x faster than qualytics-cli", 6, "time")
    floor_target("export", "export")
    floor_target("plan", "plan of an unchanged folder")
    floor_target("plan_edited", "plan with 1% edited")
    return out


def write_markdown(path: Path, results: Sequence[Measurement], *, sizes: Sequence[int],
                   main_n: int, latency_ms: float, command: str, info: dict[str, str],
                   plot: Path | None, notes: Sequence[str]) -> None:
    lines = [
        "# Benchmark results",
        "",
        "qualytics-ci against the platform's own CLI (qualytics-cli 1.2.2), both pointed at",
        "the same sandbox (`bench:N` seed), which is reset to the seed before every",
        "measured run. Requests are counted by the sandbox (`/_sandbox/stats`, diffed",
        "around each run); wall time is that of the whole command, process start included.",
        "The floor is defined in `benchmarks/floor.py` (list pages that must be read +",
        "writes that must happen; floor time = floor requests x latency / "
        f"{floor.CONCURRENCY}, qualytics-ci's",
        "default concurrency). Async operations finish at once in the sandbox",
        "(`--operation-seconds 0`), which spares qualytics-cli its 10 s poll interval.",
        "",
        f"- command: `{command}`",
        f"- date: {info['date']}",
        f"- machine: {info['cores']} cores, {info['memory']} memory, {info['system']}, "
        f"Python {info['python']}",
        f"- latency injected by the sandbox: {latency_ms:g} ms per request",
        "",
    ]
    lines += [f"## Targets (N = {main_n:,})", "",
              "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in targets(results, main_n)]
    for n in sorted(sizes, reverse=True):
        lines += ["", f"## N = {n:,}", "", *table(results, n)]
    if plot is not None:
        lines += ["", "## Wall time against N", "", f"![wall time against N]({plot.name})"]
    if notes:
        lines += ["", "## Notes", "", *[f"- {note}" for note in notes]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_json(path: Path, results: Sequence[Measurement], meta: dict[str, Any]) -> None:
    doc = {"meta": meta, "results": [m.to_json() for m in results]}
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def read_json(path: Path) -> tuple[list[Measurement], dict[str, Any]]:
    """The measurements and meta data that :func:`write_json` wrote."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [Measurement(**item) for item in doc["results"]], dict(doc["meta"])


def plot(path: Path, results: Sequence[Measurement], sizes: Sequence[int]) -> Path | None:
    """Wall time against N for both tools, one panel per scenario."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing (pip install -e '.[bench]'); no plot", file=sys.stderr)
        return None
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    for ax, (scenario, title) in zip(axes.flat, SCENARIOS.items(), strict=False):
        for tool, style in ((OURS, "o-"), (OTHER, "s--")):
            points = [(n, m.wall_s) for n in sorted(sizes)
                      if (m := _find(results, scenario, tool, n)) is not None and m.ok]
            if points:
                xs, ys = zip(*points, strict=True)
                ax.plot(xs, ys, style, label=tool)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("N checks")
        ax.set_ylabel("wall time (s)")
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
