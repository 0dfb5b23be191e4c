"""How a client that honours Retry-After fares against ``--rate-limit`` (not collected by pytest).

    python tests/sandbox/rate_limit.py [RATE] [THREADS...]

Starts ``qualytics-ci sandbox --seed empty --rate-limit RATE`` (default 100) in its own
process. For each thread count (default 1, 8, 32) the threads, one keep-alive
connection each, send ``GET /api/status`` as fast as they can for about 6 seconds;
on a 429 a thread sleeps exactly the ``Retry-After`` seconds and sends the same
request again. Prints the served requests per second (after the first second,
which the burst allowance inflates), how many answers were 429, and how many
429s in a row the unluckiest request met.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

SECONDS = 6.0


def run(url: str, token: str, threads: int) -> None:
    where = urlsplit(url)
    served: list[float] = []
    limited: list[int] = []
    worst = [0]
    lock = threading.Lock()
    start = time.monotonic()

    def client() -> None:
        conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=60)
        headers = {"Authorization": f"Bearer {token}"}
        while time.monotonic() - start < SECONDS:
            in_a_row = 0
            while True:
                conn.request("GET", "/api/status", headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 429:
                    break
                in_a_row += 1
                time.sleep(float(response.headers["Retry-After"]))
            with lock:
                served.append(time.monotonic() - start)
                limited.append(in_a_row)
                worst[0] = max(worst[0], in_a_row)
        conn.close()

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    end = max(served)
    steady = [t for t in served if t >= 1.0]
    rate = len(steady) / (end - 1.0) if end > 1.0 else float("nan")
    print(f"  {threads:>2} threads: {len(served)} served in {end:.1f} s, {rate:.1f}/s after the "
          f"first second; {sum(limited)} answers 429; worst request met {worst[0]} in a row")


def main() -> None:
    rate = sys.argv[1] if len(sys.argv) > 1 else "100"
    counts = [int(a) for a in sys.argv[2:]] or [1, 8, 32]
    tmp = Path(tempfile.mkdtemp())
    ready = tmp / "ready.json"
    command = [sys.executable, "-c", "from qualytics_ci.cli import run; run()", "sandbox",
               "--seed", "empty", "--port", "0", "--rate-limit", rate,
               "--ready-file", str(ready)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        while not ready.exists() or not ready.read_text().strip():
            if proc.poll() is not None:
                raise SystemExit("sandbox did not start")
            time.sleep(0.05)
        info = json.loads(ready.read_text())
        print(f"--rate-limit {rate}, clients that sleep exactly Retry-After")
        for threads in counts:
            run(info["url"], info["tokens"]["admin"], threads)
            time.sleep(2)  # let the limiter recover between runs
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
