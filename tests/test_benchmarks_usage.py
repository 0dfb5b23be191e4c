"""The benchmark measures the tool's own process: its CPU and peak memory, not the
harness's (a program started straight from a large process inherits that process's
peak RSS on Linux, which is why the launcher exists)."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import pytest

from benchmarks import usage

ALLOCATE = "x = bytearray({mb} * 2**20); x[::4096] = b'1' * len(x[::4096])"


def run_python(code: str, tmp_path: Path, *, exit_with: int = 0) -> usage.Usage:
    log = (tmp_path / "out.log").open("w")
    with log:
        return usage.run([sys.executable, "-c", f"{code}\nraise SystemExit({exit_with})"],
                         env={"PATH": "/usr/bin:/bin"}, out=log,
                         result=tmp_path / "usage.json", timeout=60)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss semantics of Linux")
def test_peak_rss_is_the_childs_even_when_the_harness_is_larger(tmp_path: Path) -> None:
    ballast = bytearray(300 * 2**20)
    ballast[::4096] = b"1" * len(ballast[::4096])
    harness_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert harness_kb > 300 * 1024
    spent = run_python(ALLOCATE.format(mb=60), tmp_path)
    del ballast
    assert spent.exit_code == 0
    assert 60 * 1024 < spent.peak_rss_kb < 200 * 1024 < harness_kb
    assert spent.cpu_s > 0 and spent.user_s >= 0 and spent.sys_s >= 0
    assert spent.wall_s > 0


def test_commands_in_a_row_add_cpu_and_keep_the_larger_peak_and_first_failure(
        tmp_path: Path) -> None:
    small = run_python("pass", tmp_path)
    large = run_python(ALLOCATE.format(mb=80), tmp_path, exit_with=3)
    both = small + large + small
    assert large.exit_code == 3 and both.exit_code == 3
    assert both.peak_rss_kb == large.peak_rss_kb > small.peak_rss_kb
    assert both.cpu_s == pytest.approx(2 * small.cpu_s + large.cpu_s)
    assert both.wall_s == pytest.approx(2 * small.wall_s + large.wall_s)


def test_a_command_that_cannot_start_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    with (tmp_path / "out.log").open("w") as log:
        spent = usage.run([str(tmp_path / "no-such-tool")], env={}, out=log,
                          result=tmp_path / "usage.json", timeout=60)
    assert spent.exit_code == 127
    assert "cannot start" in (tmp_path / "out.log").read_text()
