"""Measure the sandbox's per-request overhead (not collected by pytest).

    python tests/sandbox/overhead.py [N]

Starts ``qualytics-ci sandbox --seed demo --port 0`` in its own process, sends N
(default 2,000) sequential GETs of one quality check with a requests.Session,
and prints p50/p95 of the client-observed round trip and of the server-side
time recorded in the request log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def main(n: int) -> None:
    ready = Path(tempfile.mkdtemp()) / "ready.json"
    command = [sys.executable, "-c", "from qualytics_ci.cli import run; run()", "sandbox",
               "--seed", "demo", "--port", "0", "--ready-file", str(ready)]
    proc = subprocess.Popen(command,
                            stdout=subprocess.DEVNULL, env={**os.environ})
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("sandbox did not start")
            time.sleep(0.05)
        info = json.loads(ready.read_text())
        session = requests.Session()
        session.trust_env = False  # skip per-request proxy lookups in the environment
        session.headers["Authorization"] = f"Bearer {info['tokens']['admin']}"
        url = f"{info['url']}/api/quality-checks/1"
        for _ in range(50):
            session.get(url).raise_for_status()
        session.post(f"{info['url']}/_sandbox/reset").raise_for_status()
        times = []
        for _ in range(n):
            start = time.perf_counter()
            session.get(url).raise_for_status()
            times.append((time.perf_counter() - start) * 1000)
        log = session.get(f"{info['url']}/_sandbox/requests").json()
        server = [e["duration_ms"] for e in log]
        print(f"{n} sequential GET /api/quality-checks/{{id}}")
        for label, values in (("round trip (client)", times), ("in the app (server)", server)):
            print(f"  {label}:  p50 {_pct(values, 0.5):.2f} ms  p95 {_pct(values, 0.95):.2f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
