"""Run one command and write its own wall time, CPU and peak RSS to a JSON file.

    python -I -S benchmarks/launch.py RESULT.json -- COMMAND [ARG ...]

The harness does not start the measured tool itself: on Linux a program's
``ru_maxrss`` starts at the high-water RSS of the process that spawned it (the
kernel carries the old address space's peak over ``exec``), so a tool started
by the harness would report at least the harness's own peak. This launcher is a
bare interpreter (``-I -S``, standard library only, about 10 MB); it spawns the
command, and ``os.wait4`` on that one pid gives that child's CPU (user + sys)
and peak RSS alone, not the accumulated ``RUSAGE_CHILDREN``. The exit code is
the command's (127 when it cannot be started). Kept to ``os``, ``sys``,
``json`` and ``time`` so that it stays smaller than any tool it measures.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: launch.py RESULT.json -- COMMAND [ARG ...]", file=sys.stderr)
        return 2
    result, command = argv[0], argv[2:]
    started = time.perf_counter()
    try:
        pid = os.posix_spawnp(command[0], command, os.environ)
    except OSError as exc:
        print(f"launch.py: cannot start {command[0]}: {exc}", file=sys.stderr)
        return 127
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS
    rss_kb = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    with open(result, "w", encoding="utf-8") as out:
        json.dump({"wall_s": wall, "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
                   "peak_rss_kb": rss_kb, "exit_code": code}, out)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
