"""Imports through the write window (docs/http-client.md, "Concurrent writes"): against a
rate-limited API the window shrinks and waits out each Retry-After, so every check is created
with nothing failed and no write is sent more often than its 429s make necessary; against a
slow one it fills up without the connection pool discarding a connection."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import pytest
from reliability_kit import Runner, Target, placeholders, retarget

N = 60
RATE_LIMIT = 20.0  # requests per second (a bucket of 20, then 429 with Retry-After: 1)
SOURCE, TWIN = "bench", "bench-twin"


def twin_folder(run: Runner, target: Target, n: int) -> Path:
    """bench:N's ``bench`` exported, then rewritten to describe the empty twin."""
    target.reset(f"bench:{n}")
    folder = run.tmp_path / "twin"
    assert run("export", "--output", str(folder), "--datastore", SOURCE).code == 0
    retarget(folder, SOURCE, TWIN)
    run.env.update({name: f"value-of-{name.lower()}" for name in placeholders(folder)})
    return folder


def test_an_import_under_a_rate_limit_ends_with_every_check_and_no_failure(
        run: Runner, target: Target, tmp_path: Path) -> None:
    folder = twin_folder(run, target, N)
    mark = target.mark()
    target.faults(rate_limit=RATE_LIMIT)
    result = run("import", "--input", str(folder), "--report", str(tmp_path / "report.json"))
    target.faults(rate_limit=0)
    assert result.code == 0, result
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"] == {"ok": N + 2, "failed": 0, "skipped": 0}  # + connection, store
    log = target.log_since(mark)
    writes = [e for e in log if e["method"] != "GET"]
    refused = sum(e["status"] == 429 for e in writes)
    assert refused > 0, "the rate limit never bit"
    # every write that got through was needed once: one POST per check, nothing else
    assert Counter(e["template"] for e in writes if e["status"] != 429) == {
        "POST /api/quality-checks": N}
    assert all(e["status"] == 200 for e in writes if e["status"] != 429)
    assert len(target.uid_counts(TWIN)) == N


def test_a_full_window_against_a_slow_api_discards_no_connection(
        run: Runner, target: Target, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    n = 300
    folder = twin_folder(run, target, n)
    caplog.set_level(logging.WARNING, logger="urllib3")
    target.faults(latency_ms=20)  # 32 writes in flight take 20 ms each: the window fills
    mark = target.mark()
    result = run("import", "--input", str(folder), "--report", str(tmp_path / "report.json"))
    target.faults(latency_ms=0)
    assert result.code == 0, result
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"] == {"ok": n + 2, "failed": 0, "skipped": 0}
    writes = Counter(e["template"] for e in target.log_since(mark) if e["method"] != "GET")
    assert writes == {"POST /api/quality-checks": n}
    assert [r.getMessage() for r in caplog.records if r.name.startswith("urllib3")] == []
