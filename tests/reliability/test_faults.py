"""Imports under injected server faults and a crash: re-running converges, and
no check is ever lost or duplicated."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reliability_kit import Runner, Target, placeholders, retarget, uid_of

N = 1000
N_CRASH = 300
SOURCE, TWIN = "bench", "bench-twin"
MAX_RUNS = 6
RATE_LIMIT = 20.0  # requests per second
RATE_LIMITED_429S = 30


def twin_folder(run: Runner, target: Target, n: int) -> Path:
    """bench:N's ``bench`` exported, then rewritten to describe the empty twin."""
    target.reset(f"bench:{n}")
    folder = run.tmp_path / "twin"
    result = run("export", "--output", str(folder), "--datastore", SOURCE)
    assert result.code == 0, result
    retarget(folder, SOURCE, TWIN)
    run.env.update({name: f"value-of-{name.lower()}" for name in placeholders(folder)})
    return folder


@contextmanager
def rate_limit_until(target: Target, mark: int, count: int) -> Iterator[None]:
    """Lift the rate limit once ``count`` requests were refused with 429."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.1):
            if sum(e["status"] == 429 for e in target.log_since(mark)) >= count:
                target.faults(rate_limit=0)
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def load_report(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def check_entries(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in report["results"] if r["kind"] == "check"]


def assert_exactly_once(target: Target, expected_uids: set[str]) -> None:
    counts = target.uid_counts(TWIN)
    duplicated = {uid: n for uid, n in counts.items() if n > 1}
    assert duplicated == {}, f"duplicated checks: {list(duplicated.items())[:5]}"
    missing, unexpected = expected_uids - set(counts), set(counts) - expected_uids
    assert not missing and not unexpected, f"missing {len(missing)}, unexpected {len(unexpected)}"


def test_import_under_5xx_and_429_converges_without_duplicates(
        run: Runner, target: Target, tmp_path: Path) -> None:
    folder = twin_folder(run, target, N)
    expected = {uid_of(c) for c in target.checks(SOURCE)}
    assert len(expected) == N
    injected: Counter[int] = Counter()
    converged_after = None
    for attempt in range(1, MAX_RUNS + 1):
        before = {uid for uid, n in target.uid_counts(TWIN).items() if n}
        report_file = tmp_path / f"report-{attempt}.json"
        # Faults only while the import runs, so that the test's own reads are exact: 10%
        # of requests fail with 5xx throughout, and a rate limit far below the import's
        # pace answers 429 until it has done so RATE_LIMITED_429S times (then it is lifted,
        # to keep the test short on any machine).
        # 3% of writes are applied and then answered 502 (a lost response): the importer
        # cannot know whether such a POST happened and must re-read, not resend blindly.
        mark = target.mark()
        target.faults(fail_rate=0.10, lost_rate=0.03, rate_limit=RATE_LIMIT, fail_seed=attempt)
        with rate_limit_until(target, mark, RATE_LIMITED_429S):
            result = run("import", "--input", str(folder), "--report", str(report_file))
        target.faults(fail_rate=0, lost_rate=0, rate_limit=0)
        injected.update(e["status"] for e in target.log_since(mark)
                        if e["status"] in (429, 500, 502, 503))
        assert result.code in (0, 1, 3), result
        assert "Traceback" not in result.text, result
        after = target.uid_counts(TWIN)
        assert max(after.values(), default=0) <= 1, "a check was duplicated"
        if report_file.exists():
            # The report is accurate: what it calls created exists now and did not before;
            # what it calls failed was not created.
            entries = check_entries(load_report(report_file))
            created = {e["uid"] for e in entries if e["action"] == "create" and e["result"] == "ok"}
            failed = {e["uid"] for e in entries if e["result"] == "failed"}
            assert created == set(after) - before, "report's created != checks that appeared"
            assert not failed & (set(after) - before), "a check reported failed was created"
            assert all(e["message"] for e in entries if e["result"] == "failed")
            if result.code == 0:
                assert not failed
        if result.code == 0 and set(after) == expected:
            converged_after = attempt
            break
    with run.capsys.disabled():  # a line in the test log, captured or not
        print(f"\nfaults injected (HTTP status: count): {dict(sorted(injected.items()))}; "
              f"converged after {converged_after} run(s)")
    assert injected[429] > 0, "the rate limit never bit"
    assert injected[500] + injected[503] > 0, "no 5xx was injected"
    assert injected[502] > 0, "no write lost its response"
    assert converged_after is not None, f"not converged after {MAX_RUNS} runs"
    assert_exactly_once(target, expected)
    plan = run("plan", "--input", str(folder), "--detailed-exitcode")
    assert plan.code == 0, plan


def test_killed_import_resumes_without_duplicates(run: Runner, target: Target,
                                                  tmp_path: Path) -> None:
    folder = twin_folder(run, target, N_CRASH)
    expected = {uid_of(c) for c in target.checks(SOURCE)}
    target.faults(latency_ms=20)
    mark = target.mark()
    proc = run.spawn("import", "--input", str(folder), name="killed")
    deadline = time.monotonic() + 60
    posted = 0
    while time.monotonic() < deadline and proc.poll() is None:
        posted = sum(1 for e in target.log_since(mark)
                     if e["template"] == "POST /api/quality-checks")
        if posted >= 50:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"import ended before it could be killed: {run.output_of('killed')}"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(0.3)  # requests in flight when the client died still complete on the server
    target.faults(latency_ms=0)
    done_by_first = set(target.uid_counts(TWIN))
    assert 50 <= len(done_by_first) < N_CRASH, len(done_by_first)

    report_file = tmp_path / "resume.json"
    result = run("import", "--input", str(folder), "--report", str(report_file))
    assert result.code == 0, result
    assert_exactly_once(target, expected)
    entries = check_entries(load_report(report_file))
    by_uid = {e["uid"]: e for e in entries}
    assert {e["uid"] for e in entries if e["action"] == "create"} == expected - done_by_first
    redone = [uid for uid in done_by_first if by_uid[uid]["action"] != "unchanged"]
    assert redone == [], f"the second run rewrote what the first had done: {redone[:5]}"
