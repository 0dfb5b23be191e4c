"""How many instructions a run executes: a measure of the code that the machine's speed
does not move.

On a shared machine one run's CPU drifts by a fifth from one hour to the next, so two
recordings of RESULTS.md judge the same code differently. Valgrind counts the
instructions a process executes (``cachegrind`` without its cache simulation, its
cheapest mode), which changes only when the code or its input does. Where valgrind is
installed, qualytics-ci's plan and export at the CPU targets' size are run once more
under it, and the reference work of :mod:`calibrate` is counted too. Valgrind runs a
program about fifty times slower, so this adds about a minute per command to a run.

Counted: user-space instructions of the tool's process (and its threads); the kernel's
work (reading files, the network) is not, which is why the CPU targets stay in seconds.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from benchmarks import usage
from benchmarks.calibrate import REFERENCE

VALGRIND = ("valgrind", "--tool=cachegrind", "--cache-sim=no",
            "--cachegrind-out-file=/dev/null")
_REFS = re.compile(r"^==\d+== I\s+refs:\s+([\d,]+)\s*$", re.MULTILINE)


def available() -> bool:
    return shutil.which(VALGRIND[0]) is not None


def wrapped(argv: Sequence[str], log: Path) -> list[str]:
    """``argv`` run under valgrind, which writes its count to ``log``."""
    return [*VALGRIND, f"--log-file={log}", *argv]


def counted(log: Path) -> int | None:
    """The instructions valgrind's ``log`` reports; None when it reports none (the run
    failed, or valgrind could not start it)."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = _REFS.findall(text)
    return int(found[-1].replace(",", "")) if found else None


def run(commands: Sequence[Sequence[str]], env: Mapping[str, str], log: Path, *,
        timeout: float) -> int | None:
    """Instructions of ``commands`` run once more, one after the other, under valgrind
    (their output to ``log``'s ``.valgrind.out``); None without valgrind, or when one
    fails or reports no count."""
    if not available():
        return None
    total = 0
    with log.with_suffix(".valgrind.out").open("w") as out:
        for i, argv in enumerate(commands):
            report = log.with_suffix(f".valgrind{i}.log")
            spent = usage.run(wrapped(argv, report), env=env, out=out,
                              result=log.with_suffix(".valgrind.json"), timeout=timeout)
            found = counted(report)
            if spent.exit_code or found is None:
                return None
            total += found
    return total


def reference(scratch: Path) -> int | None:
    """Instructions of the reference work (a fresh interpreter's imports), less an empty
    interpreter's; None without valgrind."""
    if not available():
        return None
    spent = []
    for code in (REFERENCE, "pass"):
        log = scratch / "reference.valgrind"
        subprocess.run(wrapped([sys.executable, "-c", code], log), check=False,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=600)
        spent.append(counted(log))
    if spent[0] is None or spent[1] is None:
        return None
    return max(0, spent[0] - spent[1])


def described(count: int | None) -> str:
    """The line RESULTS.md gives the reference's count."""
    if count is None:
        return "not counted (valgrind is not installed)"
    return f"{count / 1e6:,.0f}M (`{REFERENCE}`, less an empty interpreter)"
