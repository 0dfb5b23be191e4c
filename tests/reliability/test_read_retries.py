"""A flaky API on a pull request: the target answers some reads with 500 or 503. The
plan is read through them (reads are retried, docs/http-client.md) and is the same
plan as on a healthy target; nothing is written."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from reliability_kit import WRITE_METHODS, Runner, Target

FAIL_RATE = 0.25
FAIL_SEED = 1  # with this seed one of the demo plan's reads is answered 500


def test_a_plan_reads_through_server_errors(target: Target, run: Runner, demo_export: Path,
                                            demo_env: dict[str, str]) -> None:
    folder = shutil.copytree(demo_export, run.tmp_path / "config")
    run.env.update(demo_env)
    clean = run("plan", "--input", str(folder), "--json", str(run.tmp_path / "clean.json"))
    assert clean.code == 0, clean

    target.faults(fail_rate=FAIL_RATE, fail_seed=FAIL_SEED)
    mark = target.mark()
    flaky = run("plan", "--input", str(folder), "--json", str(run.tmp_path / "flaky.json"))
    target.faults(fail_rate=0)
    log = target.log_since(mark)

    assert flaky.code == 0, flaky
    failed = Counter(e["status"] for e in log if e["status"] >= 500)
    assert failed[500] >= 1, failed  # the fault was really met
    assert all(e["method"] == "GET" for e in log)
    assert not [e for e in log if e["method"] in WRITE_METHODS]
    plans = [json.loads((run.tmp_path / f"{n}.json").read_text(encoding="utf-8"))
             for n in ("clean", "flaky")]
    assert plans[0] == plans[1]
    assert "No changes" in flaky.out
