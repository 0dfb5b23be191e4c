"""RESULTS.md from measurements: the client's CPU and memory beside requests and wall
time, and results.json files recorded before those were measured still render."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks import report, run
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
