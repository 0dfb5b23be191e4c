"""The benchmark harness still runs end to end (no timing asserted): a smoke run
of ``python -m benchmarks --quick`` on 1,000 checks without latency, with
qualytics-cli too when its venv is already installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import other_cli
from benchmarks.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.bench_smoke
@pytest.mark.timeout(240)
def test_quick_benchmark_runs_every_scenario(tmp_path: Path) -> None:
    tools = "qualytics-ci"
    if other_cli.installed_version() == other_cli.VERSION:
        tools += ",qualytics-cli"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-plot", "--sizes", "1000",
         "--latency-ms", "0", "--tools", tools, "--no-install", "--output-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=230, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads((tmp_path / "results.json").read_text())["results"]
    ours = {r["scenario"]: r for r in results if r["tool"] == "qualytics-ci"}
    assert set(ours) == set(SCENARIOS)
    assert all(r["ok"] for r in ours.values()), ours
    assert ours["reimport"]["requests"]["by_method"].get("GET", 0) > 0
    for r in ours.values():  # the tool's own process: it used CPU and memory
        assert r["cpu_s"] > 0 and r["peak_rss_kb"] > 0, r
        assert r["cpu_s"] == pytest.approx(r["cpu_user_s"] + r["cpu_sys_s"], abs=0.002)
    markdown = (tmp_path / "RESULTS.md").read_text()
    assert "| re-import of an unchanged folder | qualytics-ci |" in markdown
    assert "| client CPU s | CPU s / 1,000 checks | peak RSS MB | KB / check |" in markdown
    assert " s CPU " in done.stderr  # every run's line on stderr carries its CPU
