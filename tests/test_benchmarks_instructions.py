"""Counting instructions under valgrind: the count read from its log, and (where valgrind
is installed) a real count that grows with the work."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks import instructions

LOG = """\
==4242== Cachegrind, a high-precision tracing profiler
==4242== Command: python -m qualytics_ci --quiet plan --input cfg
--4242-- warning: L3 cache found, using its data for the LL simulation.
==4242== I   refs:      3,354,636,609
"""


def test_the_count_is_read_from_valgrinds_summary(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    log.write_text(LOG)
    assert instructions.counted(log) == 3_354_636_609
    log.write_text(LOG.replace("I   refs", "D   refs"))  # no instruction line: no count
    assert instructions.counted(log) is None
    assert instructions.counted(tmp_path / "missing.log") is None


def test_without_valgrind_nothing_is_counted(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not instructions.available()
    assert instructions.run([[sys.executable, "-c", "pass"]], {}, tmp_path / "x.log",
                            timeout=60) is None
    assert instructions.described(None) == "not counted (valgrind is not installed)"


@pytest.mark.skipif(not instructions.available(), reason="valgrind is not installed")
def test_a_command_counted_under_valgrind_costs_more_the_more_it_does(tmp_path: Path) -> None:
    def count(code: str) -> int | None:
        return instructions.run([[sys.executable, "-c", code]], {"PATH": "/usr/bin:/bin"},
                                tmp_path / "run.log", timeout=300)

    empty, busy = count("pass"), count("sum(range(3_000_000))")
    assert empty is not None and busy is not None
    assert busy > empty + 30_000_000  # about 50 instructions per step of the sum
    assert count("raise SystemExit(3)") is None  # a failed command gives no count
