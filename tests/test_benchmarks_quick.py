"""The benchmark harness still runs end to end (no timing asserted): a smoke run
of ``python -m benchmarks --quick`` on 1,000 checks without latency (the write
scenarios on 200), with qualytics-cli too when its venv is already installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import folders, other_cli
from benchmarks.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[1]


def row(markdown: str, header_start: str, row_start: str) -> dict[str, str]:
    """The cells of the first line starting with ``row_start`` in the table whose
    header starts with ``header_start``, by column name."""
    lines = markdown.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    header = [c.strip() for c in lines[top].strip("|").split("|")]
    found = next(line for line in lines[top:] if line.startswith(row_start))
    return dict(zip(header, [c.strip() for c in found.strip("|").split("|")], strict=True))


@pytest.mark.bench_smoke
@pytest.mark.timeout(240)
def test_quick_benchmark_runs_every_scenario(tmp_path: Path) -> None:
    tools = "qualytics-ci"
    if other_cli.installed_version() == other_cli.VERSION:
        tools += ",qualytics-cli"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-plot", "--sizes", "1000",
         "--latency-ms", "0", "--tools", tools, "--no-install", "--output-dir", str(tmp_path),
         "--workdir", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=230, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    assert next((tmp_path / "work").rglob("_datastore.yaml"), None)  # the folders are kept
    assert not list((tmp_path / "work").rglob(folders.SET_ASIDE))  # removed at the end
    results: list[dict[str, Any]] = json.loads((tmp_path / "results.json").read_text())[
        "results"]
    mine = [r for r in results if r["tool"] == "qualytics-ci"]
    assert {r["scenario"] for r in mine} == set(SCENARIOS)
    assert all(r["ok"] for r in mine), [r for r in mine if not r["ok"]]
    ours = {r["scenario"]: r for r in mine}
    assert ours["reimport"]["requests"]["by_method"].get("GET", 0) > 0
    for r in mine:  # the tool's own process: it used CPU and memory
        assert r["cpu_s"] > 0 and r["peak_rss_kb"] > 0, r
        assert r["cpu_s"] == pytest.approx(r["cpu_user_s"] + r["cpu_sys_s"], abs=0.002)
        assert sum(r["requests"]["by_status"].values()) == r["requests"]["total"]
    markdown = (tmp_path / "RESULTS.md").read_text()
    assert "| re-import of an unchanged folder | qualytics-ci |" in markdown
    assert "| client CPU s | CPU s / 1,000 checks | peak RSS MB | KB / check |" in markdown
    assert " s CPU " in done.stderr  # every run's line on stderr carries its CPU

    # the sweep (--quick: 8 and the default, 25 ms): each point creates the 200 checks
    sweep = {r["concurrency"]: r for r in mine if r["scenario"] == "concurrency_sweep"}
    assert set(sweep) == {8, None}
    for point in sweep.values():
        assert (point["n"], point["latency_ms"], point["failures"]) == (200, 25.0, 0)
        assert point["requests"]["by_method"]["POST"] == 200
    eight = row(markdown, "| latency ms | --concurrency |", "| 25 | 8 |")
    assert eight["speed-up over 8"] == "1.00x"
    assert row(markdown, "| latency ms |", "| 25 | default |")["speed-up over 8"].endswith("x")

    # the rate-limited import: no check lost, the refused requests counted and shown
    limited = ours["rate_limited"]
    assert (limited["rate_limit"], limited["failures"]) == (100.0, 0)
    refused = limited["requests"]["by_status"].get("429", 0)
    assert limited["requests"]["by_status"].get("201", 0) + \
        limited["requests"]["by_status"].get("200", 0) + refused == limited["requests"]["total"]
    shown = row(markdown, "| tool | wall s | requests | 429 answers |", "| qualytics-ci |")
    assert (shown["429 answers"], shown["failures"]) == (str(refused), "0")
    targets = row(markdown, "| target |", "| import under a 100 requests/s limit")
    assert f"0 failures, {refused} answers 429" in targets["measured"]
    assert targets["verdict"] in {"holds", "**does not hold**"}
    assert row(markdown, "| target |", "| default first import of 200 checks")[
        "verdict"] in {"holds", "**does not hold**"}
