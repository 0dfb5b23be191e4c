"""RESULTS.md's parts for the write scenarios and the targets on client CPU and writes.

Every verdict is computed from the measurements passed in: a target is "not measured"
when its runs are missing, and does not hold when they failed.
"""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks import floor
from benchmarks.scenarios import Measurement
from benchmarks.tools import OTHER, OURS

Target = tuple[str, str, str]  # (target, measured, verdict)

# the product's goals (issue "Speed where users feel it")
PLAN_CPU_PER_1000 = 0.15
EXPORT_CPU_PER_1000 = 0.12
CPU_TARGET_N = 5000
DEFAULT_SPEEDUP = 1.8
SPEEDUP_LATENCY_MS = 25.0
RATE_LIMITED_FACTOR = 1.3


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("holds" if ok else "**does not hold**")


def _ran(m: Measurement | None) -> Measurement | None:
    """``m`` unless it is missing or was not run (its export failed)."""
    return m if m is not None and m.exit_code >= 0 else None


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _mb(kb: float | None) -> str:
    return "—" if kb is None else f"{kb / 1024:.1f}"


def _outcome(m: Measurement) -> str:
    text = m.check if m.ok else f"**failed** {m.check} {m.note}".strip()
    return text.replace("|", "/")


def _label(concurrency: int | None) -> str:
    return "default" if concurrency is None else str(concurrency)


def sweep_point(results: Sequence[Measurement], latency_ms: float,
                concurrency: int | None) -> Measurement | None:
    return _ran(next((m for m in results if m.scenario == "concurrency_sweep"
                      and m.tool == OURS and m.latency_ms == latency_ms
                      and m.concurrency == concurrency), None))


def rate_limited(results: Sequence[Measurement], tool: str) -> Measurement | None:
    return _ran(next((m for m in results if m.scenario == "rate_limited" and m.tool == tool),
                     None))


def sweep_table(results: Sequence[Measurement]) -> list[str]:
    """One row per (latency, --concurrency) point, with its speed-up over 8 at that latency."""
    points = [m for m in results if m.scenario == "concurrency_sweep" and m.tool == OURS]
    if not points:
        return []
    n = points[0].n
    rows = [f"## Concurrency sweep: first import of {n:,} checks (qualytics-ci)", "",
            f"{OTHER} sends one request at a time and has no concurrency setting, so the "
            "sweep is qualytics-ci's only. The floor time of a point is at its "
            f"`--concurrency` (default: {floor.CONCURRENCY}).", "",
            "| latency ms | --concurrency | wall s | requests | floor s | time / floor "
            "| client CPU s | CPU s / 1,000 checks | peak RSS MB | speed-up over 8 | outcome |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for m in sorted(points, key=lambda p: (p.latency_ms, p.concurrency or 10**9)):
        base = sweep_point(results, m.latency_ms, 8)
        speedup = (f"{base.wall_s / m.wall_s:.2f}x"
                   if base is not None and base.ok and m.ok and m.wall_s else "—")
        rows.append(
            f"| {m.latency_ms:g} | {_label(m.concurrency)} | {m.wall_s:.2f} | {m.total} "
            f"| {m.floor_s:.2f} | {_ratio(m.wall_s, m.floor_s)} | {_num(m.cpu_s)} "
            f"| {_num(m.cpu_per_1000, 3)} | {_mb(m.peak_rss_kb)} | {speedup} | {_outcome(m)} |")
    return rows


def rate_table(results: Sequence[Measurement]) -> list[str]:
    """Each tool's import under the limit: wall against the limit's floor, 429s, failures."""
    runs = [m for m in results if m.scenario == "rate_limited"]
    if not runs:
        return []
    n, limit = runs[0].n, runs[0].rate_limit
    rows = [f"## Rate-limited import: first import of {n:,} checks at {limit:g} requests/s",
            "", "The sandbox answers 429 with `Retry-After` above the limit (token bucket, "
            "burst = the limit). Floor time: floor requests / the limit. Requests count the "
            "refused ones; failures are checks missing or duplicated afterwards, or reported "
            "failed by the tool.", "",
            "| tool | wall s | requests | 429 answers | floor req | floor s | time / floor "
            "| client CPU s | peak RSS MB | failures | outcome |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for tool in (OURS, OTHER):
        for m in (r for r in runs if r.tool == tool):
            failures = "—" if m.failures is None else str(m.failures)
            rows.append(
                f"| {tool} | {m.wall_s:.2f} | {m.total} | {m.throttled} | {m.floor_requests} "
                f"| {m.floor_s:.2f} | {_ratio(m.wall_s, m.floor_s)} | {_num(m.cpu_s)} "
                f"| {_mb(m.peak_rss_kb)} | {failures} | {_outcome(m)} |")
    return rows


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "—"


def cpu_target_n(sizes: Sequence[int]) -> int:
    """The size the CPU targets are judged at: 5,000, or the largest run when 5,000 was not."""
    return CPU_TARGET_N if CPU_TARGET_N in sizes else max(sizes, default=CPU_TARGET_N)


def cpu_target(results: Sequence[Measurement], scenario: str, label: str, limit: float,
               sizes: Sequence[int]) -> Target:
    """Client CPU per 1,000 checks at :func:`cpu_target_n`."""
    n = cpu_target_n(sizes)
    name = f"{label}: <= {limit:g} s client CPU per 1,000 checks at N = {n:,}"
    m = _ran(next((r for r in results if r.scenario == scenario and r.tool == OURS
                   and r.n == n), None))
    if m is None or m.cpu_per_1000 is None:
        return name, "—", verdict(None)
    if not m.ok:
        return name, "failed", verdict(False)
    measured = f"{m.cpu_per_1000:.3f} s"
    if m.cpu_user_s is not None and m.cpu_sys_s is not None and m.check_count:
        # the kernel's part (creating or reading files, the network) apart from the tool's
        per = 1000 / m.check_count
        measured += f" (user {m.cpu_user_s * per:.3f} + sys {m.cpu_sys_s * per:.3f})"
    if len(m.cpu_runs) > 1:  # the median run; each run's CPU per 1,000 checks
        runs = ", ".join(f"{c * 1000 / m.check_count:.3f}" for c in m.cpu_runs)
        measured += f" (median of {len(m.cpu_runs)} runs: {runs})"
    if m.instructions_per_1000 is not None:  # the same code's count, whatever the machine
        measured += f"; {m.instructions_per_1000:,.0f}M instructions per 1,000 (valgrind)"
    return name, measured, verdict(m.cpu_per_1000 <= limit)


def write_targets(results: Sequence[Measurement]) -> list[Target]:
    out: list[Target] = []
    default = sweep_point(results, SPEEDUP_LATENCY_MS, None)
    eight = sweep_point(results, SPEEDUP_LATENCY_MS, 8)
    n = default.n if default is not None else 2000
    name = (f"default first import of {n:,} checks >= {DEFAULT_SPEEDUP:g}x faster than "
            f"`--concurrency 8` at {SPEEDUP_LATENCY_MS:g} ms")
    if default is None or eight is None:
        out.append((name, "—", verdict(None)))
    elif not (default.ok and eight.ok):
        out.append((name, "failed", verdict(False)))
    else:
        got = eight.wall_s / default.wall_s if default.wall_s else 0.0
        out.append((name, f"{got:.2f}x ({default.wall_s:.2f} s against {eight.wall_s:.2f} s)",
                    verdict(got >= DEFAULT_SPEEDUP)))
    m = rate_limited(results, OURS)
    limit = f"{m.rate_limit:g}" if m is not None else "100"
    name = (f"import under a {limit} requests/s limit within {RATE_LIMITED_FACTOR:g}x "
            "its floor, 0 failures")
    if m is None:
        out.append((name, "—", verdict(None)))
    else:
        ratio = m.wall_s / m.floor_s if m.floor_s else float("inf")
        ok = m.exit_code == 0 and m.failures == 0 and ratio <= RATE_LIMITED_FACTOR
        failures = "?" if m.failures is None else str(m.failures)
        out.append((name, f"{ratio:.2f}x ({m.wall_s:.2f} s, floor {m.floor_s:.2f} s), "
                    f"{failures} failures, {m.throttled} answers 429"
                    f"{'' if m.exit_code == 0 else f', exit {m.exit_code}'}", verdict(ok)))
    return out
