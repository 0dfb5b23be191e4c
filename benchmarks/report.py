"""RESULTS.md, results.json and the plot, from the measurements."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from benchmarks import floor
from benchmarks import report_writes as writes
from benchmarks.scenarios import PER_SIZE, Measurement
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


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _mb(kb: float | None) -> str:
    return "—" if kb is None else f"{kb / 1024:.1f}"


def _cpu_ratio(a: Measurement, b: Measurement) -> str:
    return "—" if a.cpu_s is None or b.cpu_s is None else _ratio(a.cpu_s, b.cpu_s)


def usage_cells(m: Measurement) -> str:
    """``client CPU s | CPU s / 1,000 checks | peak RSS MB | KB / check`` of one run."""
    return (f"{_num(m.cpu_s)} | {_num(m.cpu_per_1000, 3)} | {_mb(m.peak_rss_kb)} "
            f"| {_num(m.kb_per_check, 1)}")


USAGE_HEADER = "client CPU s | CPU s / 1,000 checks | peak RSS MB | KB / check"


def table(results: Sequence[Measurement], n: int) -> list[str]:
    rows = ["| scenario | tool | wall s | requests | by method | floor req | req / floor "
            f"| floor s | time / floor | {USAGE_HEADER} "
            "| other / ours (req, time, CPU) | outcome |",
            "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for scenario, title in PER_SIZE.items():
        for tool in (OURS, OTHER):
            m = _find(results, scenario, tool, n)
            if m is None:
                continue
            vs = ""
            if tool == OURS:
                o = _find(results, scenario, OTHER, n)
                if o is not None:
                    vs = (f"{_ratio(o.total, m.total)}, {_ratio(o.wall_s, m.wall_s)}, "
                          f"{_cpu_ratio(o, m)}")
            outcome = m.check if m.ok else f"**failed** {m.check} {m.note}".strip()
            rows.append(
                f"| {title} | {tool} | {m.wall_s:.2f} | {m.total} | {_methods(m)} "
                f"| {m.floor_requests} | {_ratio(m.total, m.floor_requests)} "
                f"| {m.floor_s:.2f} | {_ratio(m.wall_s, m.floor_s)} | {usage_cells(m)} | {vs} "
                f"| {outcome.replace('|', '/')} |")
    return rows


def targets(results: Sequence[Measurement], n: int,
            sizes: Sequence[int] = ()) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for the product's targets at size ``n`` (client CPU:
    at N = 5,000 when among ``sizes``), and for the write scenarios."""
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
    run = sorted(set(sizes) | {n})
    out.append(writes.cpu_target(results, "plan", "plan of an unchanged folder",
                                 writes.PLAN_CPU_PER_1000, run))
    out.append(writes.cpu_target(results, "export", "export", writes.EXPORT_CPU_PER_1000, run))
    out += writes.write_targets(results)
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
        "Client CPU (user + sys) and peak RSS are the tool's own process's, from `wait4` on",
        "that one process (`benchmarks/launch.py` starts it, so that the harness's memory is",
        "not counted); a scenario of several commands adds their CPU and keeps the largest",
        "peak. Per 1,000 checks and per check divide by the checks the scenario handles.",
        "The floor is defined in `benchmarks/floor.py`: the list pages that must be read",
        "and the writes that must happen (see below for each scenario). Async operations",
        "finish at once in the sandbox (`--operation-seconds 0`), which spares qualytics-cli",
        "its 10 s poll interval.",
        "",
        f"- command: `{command}`",
        f"- date: {info['date']}",
        f"- machine: {info['cores']} cores, {info['memory']} memory, {info['system']}, "
        f"Python {info['python']}",
        *([f"- the machine's speed, as the CPU of a reference: {info['reference_cpu']}"]
          if info.get("reference_cpu") else []),
        *([f"- instructions (valgrind) of the same reference: "
           f"{info['reference_instructions']}"] if info.get("reference_instructions") else []),
        f"- latency injected by the sandbox: {latency_ms:g} ms per request",
        "",
        "The floor of each scenario:",
        "",
        *[f"- {line}" for line in floor.explained()],
        "",
    ]
    lines += [f"## Targets (N = {main_n:,})", "",
              "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in targets(results, main_n, sizes)]
    for n in sorted(sizes, reverse=True):
        rows = table(results, n)
        if len(rows) > 2:
            lines += ["", f"## N = {n:,}", "", *rows]
    for section in (writes.sweep_table(results), writes.rate_table(results)):
        if section:
            lines += ["", *section]
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
    known = {f.name for f in fields(Measurement)}
    return ([Measurement(**{k: v for k, v in item.items() if k in known})
             for item in doc["results"]], dict(doc["meta"]))


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
    for ax, (scenario, title) in zip(axes.flat, PER_SIZE.items(), strict=False):
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
