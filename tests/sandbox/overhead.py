"""Measure the sandbox's per-request overhead (not collected by pytest).

    python tests/sandbox/overhead.py [N]

Starts ``qualytics-ci sandbox --seed demo --port 0`` and, as a baseline, a bare
uvicorn app answering ``{}``, each in its own process. Sends N (default 2,000)
sequential GETs of one quality check to the sandbox, interleaved with as many to
the baseline (so both see the same machine load), with requests.Session, and
prints p50/p95 of: the sandbox round trip, the baseline round trip, the
difference (the sandbox's overhead), and the server-side time from the request log.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

BARE = """
import asyncio, socket, sys, uvicorn
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"application/json"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"{}"})
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.bind(("127.0.0.1", 0)); sock.listen(128)
open(sys.argv[1], "w").write(str(sock.getsockname()[1]))
config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", http="h11")
asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))
"""


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _wait(path: Path, proc: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 30
    while not path.exists() or not path.read_text():
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("server did not start")
        time.sleep(0.05)
    return path.read_text()


def main(n: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    command = [sys.executable, "-c", "from qualytics_ci.cli import run; run()", "sandbox",
               "--seed", "demo", "--port", "0", "--ready-file", str(tmp / "ready.json")]
    sandbox = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    bare = subprocess.Popen([sys.executable, "-c", BARE, str(tmp / "bare.port")])
    try:
        info = json.loads(_wait(tmp / "ready.json", sandbox))
        bare_url = f"http://127.0.0.1:{_wait(tmp / 'bare.port', bare)}/api/quality-checks/1"
        session = requests.Session()
        session.trust_env = False  # skip per-request proxy lookups in the environment
        session.headers["Authorization"] = f"Bearer {info['tokens']['admin']}"
        url = f"{info['url']}/api/quality-checks/1"
        for _ in range(50):
            session.get(url).raise_for_status()
            session.get(bare_url).raise_for_status()
        session.post(f"{info['url']}/_sandbox/reset").raise_for_status()
        ours, base = [], []
        for _ in range(n):
            start = time.perf_counter()
            session.get(url).raise_for_status()
            middle = time.perf_counter()
            session.get(bare_url).raise_for_status()
            ours.append((middle - start) * 1000)
            base.append((time.perf_counter() - middle) * 1000)
        server = [e["duration_ms"] for e in session.get(f"{info['url']}/_sandbox/requests").json()]
        print(f"{n} sequential GET /api/quality-checks/{{id}} (requests.Session, keep-alive)")
        for label, values in (("sandbox round trip", ours), ("bare uvicorn round trip", base),
                              ("sandbox in-app time (log)", server)):
            p50, p95 = _pct(values, 0.5), _pct(values, 0.95)
            print(f"  {label:<27} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms")
        extra = [a - b for a, b in zip(ours, base, strict=True)]
        print(f"  {'overhead (sandbox - bare)':<27} p50 {_pct(extra, 0.5):6.2f} ms   "
              f"p95 {_pct(extra, 0.95):6.2f} ms")
    finally:
        for proc in (sandbox, bare):
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
