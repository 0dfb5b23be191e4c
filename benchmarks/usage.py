"""A measured command's wall time, client CPU and peak RSS, through :mod:`benchmarks.launch`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

LAUNCHER = Path(__file__).resolve().parent / "launch.py"


@dataclass(frozen=True)
class Usage:
    """What one command (or several, combined) cost the client machine."""

    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_kb: int
    exit_code: int

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    def __add__(self, other: Usage) -> Usage:
        """Commands run one after the other: times add up, the peak is the larger one,
        the exit code is the first failure's."""
        return Usage(self.wall_s + other.wall_s, self.user_s + other.user_s,
                     self.sys_s + other.sys_s, max(self.peak_rss_kb, other.peak_rss_kb),
                     self.exit_code or other.exit_code)


NOTHING = Usage(0.0, 0.0, 0.0, 0, 0)


def run(argv: Sequence[str], *, env: Mapping[str, str], out: IO[str], result: Path,
        timeout: float) -> Usage:
    """Run ``argv`` (output to ``out``, no stdin) and measure that process alone.

    On timeout the command's whole process group is killed and
    :class:`subprocess.TimeoutExpired` raised."""
    result.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-I", "-S", str(LAUNCHER), str(result), "--",
                             *argv], env=dict(env), stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    if not result.exists():  # the launcher itself failed: nothing was measured
        return Usage(0.0, 0.0, 0.0, 0, code or 127)
    doc = json.loads(result.read_text(encoding="utf-8"))
    return Usage(float(doc["wall_s"]), float(doc["user_s"]), float(doc["sys_s"]),
                 int(doc["peak_rss_kb"]), int(doc["exit_code"]))
