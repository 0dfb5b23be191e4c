"""RESULTS.md from measurements: the client's CPU and memory beside requests and wall
time, and results.json files recorded before those were measured still render."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks import calibrate, report, report_writes, run
from benchmarks.scenarios import Measurement

META = {"command": "python -m benchmarks", "sizes": [1000], "n": 1000, "latency_ms": 25.0,
        "machine": {"cores": "2", "memory": "8 GiB", "python": "3.11.7",
                    "system": "Linux", "date": "2026-01-01 00:00 UTC"},
        "notes": []}


def old_result(scenario: str, tool: str, wall: float, total: int) -> dict[str, Any]:
    """One measurement as results.json held it before CPU and memory were measured."""
    return {"scenario": scenario, "tool": tool, "n": 1000, "latency_ms": 25.0,
            "wall_s": wall, "exit_code": 0, "ok": True,
            "requests": {"total": total, "by_method": {"GET": total}, "by_template": {}},
            "floor_requests": 13, "floor_s": 0.041, "check": "1000 check files", "note": "",
            "commands": ["--quiet export"]}


def rows(markdown: str, prefix: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")]
            for line in markdown.splitlines() if line.startswith(prefix)]


def test_render_only_reads_a_results_json_without_cpu_or_memory(tmp_path: Path) -> None:
    doc = {"meta": META, "results": [old_result("export", "qualytics-ci", 1.38, 13),
                                     old_result("export", "qualytics-cli", 7.16, 23)]}
    (tmp_path / "results.json").write_text(json.dumps(doc))
    assert run.main(["--render-only", "--no-plot", "--output-dir", str(tmp_path)]) == 0
    markdown = (tmp_path / "RESULTS.md").read_text()
    header = rows(markdown, "| scenario |")[0]
    ours = dict(zip(header, rows(markdown, "| export of N checks | qualytics-ci |")[0],
                    strict=True))
    assert ours["wall s"] == "1.38" and ours["requests"] == "13"
    for column in ("client CPU s", "CPU s / 1,000 checks", "peak RSS MB", "KB / check"):
        assert ours[column] == "—"
    assert ours["other / ours (req, time, CPU)"] == "1.77x, 5.19x, —"
    again = json.loads((tmp_path / "results.json").read_text())["results"]
    assert again[0]["cpu_s"] is None and again[0]["wall_s"] == 1.38


def test_cpu_and_memory_are_shown_per_1000_checks_and_per_check() -> None:
    ours = Measurement(**{**old_result("plan", "qualytics-ci", 2.0, 14), "n": 5000},
                       cpu_s=1.5, peak_rss_kb=40_000)
    theirs = Measurement(**{**old_result("plan", "qualytics-cli", 9.0, 14), "n": 5000},
                         cpu_s=6.0, peak_rss_kb=120_000)
    promote = Measurement(**{**old_result("promote", "qualytics-ci", 4.0, 70), "n": 5000},
                          cpu_s=2.0, peak_rss_kb=30_720)
    lines = report.table([ours, theirs, promote], 5000)
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    got = {(r[0], r[1]): dict(zip(header, r, strict=True))
           for r in ([c.strip() for c in line.strip("|").split("|")] for line in lines[2:])}
    mine = got[("plan / dry-run of an unchanged folder", "qualytics-ci")]
    assert (mine["client CPU s"], mine["CPU s / 1,000 checks"]) == ("1.50", "0.300")
    assert (mine["peak RSS MB"], mine["KB / check"]) == ("39.1", "8.0")
    assert mine["other / ours (req, time, CPU)"] == "1.00x, 4.50x, 4.00x"
    other = got[("plan / dry-run of an unchanged folder", "qualytics-cli")]
    assert other["CPU s / 1,000 checks"] == "1.200"
    # promote handles 1,000 checks (10 tables x 100) whatever N is
    moved = got[("promote 1,000 checks (10 tables x 100)", "qualytics-ci")]
    assert (moved["CPU s / 1,000 checks"], moved["KB / check"]) == ("2.000", "30.7")


def measured(scenario: str, *, n: int = 2000, wall: float = 1.0, cpu: float | None = None,
             ok: bool = True, **fields: Any) -> Measurement:
    base = {**old_result(scenario, "qualytics-ci", wall, 2004), "n": n, "ok": ok,
            "exit_code": 0 if ok else 1, "floor_requests": 2004}
    return Measurement(**{**base, **fields}, cpu_s=cpu, peak_rss_kb=50_000)


def verdicts(results: list[Measurement], sizes: tuple[int, ...] = (1000, 5000, 10000)
             ) -> dict[str, tuple[str, str]]:
    return {t: (m, v) for t, m, v in report.targets(results, 10000, sizes)}


PLAN_CPU = "plan of an unchanged folder: <= 0.15 s client CPU per 1,000 checks at N = 5,000"
EXPORT_CPU = "export: <= 0.12 s client CPU per 1,000 checks at N = 5,000"
SPEEDUP = ("default first import of 2,000 checks >= 1.8x faster than `--concurrency 8` "
           "at 25 ms")
LIMITED = "import under a 100 requests/s limit within 1.3x its floor, 0 failures"


def test_cpu_targets_are_judged_per_1000_checks_at_5000() -> None:
    got = verdicts([measured("plan", n=5000, cpu=0.70), measured("export", n=5000, cpu=0.65),
                    measured("plan", n=10000, cpu=9.0)])
    assert got[PLAN_CPU] == ("0.140 s", "holds")
    assert got[EXPORT_CPU] == ("0.130 s", "**does not hold**")
    failed = verdicts([measured("plan", n=5000, cpu=0.1, ok=False)])
    assert failed[PLAN_CPU] == ("failed", "**does not hold**")
    assert failed[EXPORT_CPU] == ("—", "not measured")
    # a run without N = 5,000 is judged at its largest N, and says so
    small = {t: v for t, _, v in report.targets([measured("plan", n=1000, cpu=0.1)], 1000,
                                                (1000,))}
    assert small["plan of an unchanged folder: <= 0.15 s client CPU per 1,000 checks "
                 "at N = 1,000"] == "holds"


def test_a_cpu_target_shows_the_tools_part_and_the_kernels() -> None:
    got = verdicts([measured("export", n=5000, cpu=0.80, cpu_user_s=0.55, cpu_sys_s=0.25)])
    assert got[EXPORT_CPU][0] == "0.160 s (user 0.110 + sys 0.050)"


def test_a_cpu_target_from_repeated_runs_shows_each_run() -> None:
    got = verdicts([measured("plan", n=5000, cpu=0.80, cpu_runs=[0.90, 0.80, 0.75])])
    assert got[PLAN_CPU] == ("0.160 s (median of 3 runs: 0.180, 0.160, 0.150)",
                             "**does not hold**")


def sweep(concurrency: int | None, wall: float, latency: float = 25.0,
          ok: bool = True) -> Measurement:
    return measured("concurrency_sweep", wall=wall, latency_ms=latency,
                    concurrency=concurrency, ok=ok, failures=0 if ok else 5)


def test_the_default_import_is_judged_against_concurrency_8_at_25_ms() -> None:
    points = [sweep(8, 8.4), sweep(32, 3.9), sweep(8, 27.8, 100.0), sweep(None, 8.0, 100.0)]
    assert verdicts([*points, sweep(None, 4.2)])[SPEEDUP] == (
        "2.00x (4.20 s against 8.40 s)", "holds")
    assert verdicts([*points, sweep(None, 8.2)])[SPEEDUP] == (
        "1.02x (8.20 s against 8.40 s)", "**does not hold**")
    assert verdicts([*points, sweep(None, 1.0, ok=False)])[SPEEDUP] == (
        "failed", "**does not hold**")
    # without the default's point at 25 ms there is nothing to judge
    assert verdicts(points)[SPEEDUP] == ("—", "not measured")
    table = "\n".join(report_writes.sweep_table([*points, sweep(None, 4.2)]))
    assert "| 25 | default | 4.20 |" in table and "| 2.00x |" in table
    assert "| 100 | default | 8.00 |" in table and "| 3.48x |" in table


def limited(wall: float, failures: int, throttled: int = 40, ok: bool = True) -> Measurement:
    return measured("rate_limited", wall=wall, rate_limit=100.0, failures=failures, ok=ok,
                    floor_s=20.04, requests={"total": 2004 + throttled,
                                             "by_status": {"201": 2000, "200": 4,
                                                           "429": throttled}})


def test_the_rate_limited_import_must_stay_near_the_limit_and_lose_nothing() -> None:
    assert verdicts([limited(24.0, 0)])[LIMITED] == (
        "1.20x (24.00 s, floor 20.04 s), 0 failures, 40 answers 429", "holds")
    assert verdicts([limited(30.0, 0)])[LIMITED][1] == "**does not hold**"
    assert verdicts([limited(21.0, 3, ok=False)])[LIMITED] == (
        "1.05x (21.00 s, floor 20.04 s), 3 failures, 40 answers 429, exit 1",
        "**does not hold**")
    assert verdicts([])[LIMITED] == ("—", "not measured")
    table = "\n".join(report_writes.rate_table([limited(24.0, 0, throttled=7)]))
    assert "| qualytics-ci | 24.00 | 2011 | 7 | 2004 | 20.04 | 1.20x |" in table


def test_the_machines_speed_is_given_when_it_was_measured(tmp_path: Path) -> None:
    doc = {"meta": META, "results": [old_result("export", "qualytics-ci", 1.38, 13)]}
    (tmp_path / "results.json").write_text(json.dumps(doc))
    assert run.main(["--render-only", "--no-plot", "--output-dir", str(tmp_path)]) == 0
    assert "speed" not in (tmp_path / "RESULTS.md").read_text()  # recorded before it was

    timed = {**META, "machine": {**META["machine"],
                                 "reference_cpu": calibrate.described(0.1154, 0.1311)}}
    (tmp_path / "results.json").write_text(json.dumps({**doc, "meta": timed}))
    assert run.main(["--render-only", "--no-plot", "--output-dir", str(tmp_path)]) == 0
    line = next(s for s in (tmp_path / "RESULTS.md").read_text().splitlines()
                if "speed" in s)
    assert "0.115 s before the first scenario, 0.131 s after the last" in line
    assert calibrate.REFERENCE in line


def test_the_reference_cpu_is_the_imports_less_an_empty_interpreter() -> None:
    spent = calibrate.reference_cpu(runs=3)
    assert 0.0 < spent < 5.0  # requests and yaml cost something; an empty one is taken off


def test_a_cpu_target_counted_under_valgrind_shows_instructions_per_1000() -> None:
    got = verdicts([measured("plan", n=5000, cpu=0.70, instructions=3_355_000_000)])
    assert got[PLAN_CPU] == ("0.140 s; 671M instructions per 1,000 (valgrind)", "holds")
    # the verdict is the seconds': the count says what the code did, not how fast
    slow = verdicts([measured("plan", n=5000, cpu=0.80, instructions=1_000_000)])
    assert slow[PLAN_CPU][1] == "**does not hold**"
