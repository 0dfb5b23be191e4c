"""Measure the sandbox's own CPU per request (not collected by pytest).

    python tests/sandbox/cpu_cost.py [N] [--latency-ms L]

Starts ``qualytics-ci sandbox --seed bench:N --port 0 --operation-seconds 0`` (N
defaults to 5,000) in its own process and, over one keep-alive connection, sends
request batches one at a time. For each batch it reads the sandbox process's CPU
time (user + system, from ``/proc/PID/stat``) before and after, and prints the
sandbox CPU per request:

- every page of ``GET /api/quality-checks?datastore=<bench>&size=100``, 10 times, then
  once more after a change that makes the sandbox forget the JSON it keeps;
- ``GET /api/containers?datastore=<bench>&size=100`` (one page, read 500 times);
- 1,000 single ``GET /api/quality-checks/{id}``;
- 2,000 ``POST /api/quality-checks`` into the empty twin datastore ``bench-twin``;
- 1,000 ``PUT /api/quality-checks/{id}`` of those new checks;
- every page of the twin's checks again (after the writes).

A second pass with 32 client threads (one connection each) repeats the bench
pages and reports the wall time too; a third, with 200 ms of injected latency and
64 threads, shows how many requests the sandbox serves at once (the latency is an
``asyncio.sleep``: waiting requests cost no CPU and block nothing).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Client:
    """One keep-alive connection with the admin token."""

    def __init__(self, url: str, token: str) -> None:
        where = urlsplit(url)
        self.conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        if params:
            path += "?" + urlencode(params, doseq=True)
        data = None if body is None else json.dumps(body)
        self.conn.request(method, path, data, self.headers)
        response = self.conn.getresponse()
        raw = response.read()
        if response.status >= 300:
            raise SystemExit(f"{method} {path} -> {response.status}: {raw[:300]!r}")
        return json.loads(raw) if raw else None


def measure(pid: int, label: str, calls: Iterable[Callable[[], Any]]) -> None:
    """Run ``calls`` and print the sandbox's CPU per call."""
    todo = list(calls)
    before, start = cpu_seconds(pid), time.perf_counter()
    for call in todo:
        call()
    cpu, wall = cpu_seconds(pid) - before, time.perf_counter() - start
    print(f"  {label:<46} {len(todo):>5} requests  {cpu * 1000 / len(todo):7.2f} ms CPU each"
          f"  ({cpu:6.2f} s CPU, {wall:6.2f} s wall)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=5000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    ready = tmp / "ready.json"
    command = [sys.executable, "-c", "from qualytics_ci.cli import run; run()", "sandbox",
               "--seed", f"bench:{args.n}", "--port", "0", "--operation-seconds", "0",
               "--latency-ms", str(args.latency_ms), "--ready-file", str(ready)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists() or not ready.read_text().strip():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("sandbox did not start")
            time.sleep(0.05)
        info = json.loads(ready.read_text())
        url, token = info["url"], info["tokens"]["admin"]
        api = Client(url, token)
        ds = {d["name"]: d for d in api.call("GET", "/api/datastores", size=100)["items"]}
        bench, twin = ds["bench"]["id"], ds["bench-twin"]["id"]
        tables = [c["id"] for c in api.call("GET", "/api/containers/listing", datastore=twin)]
        first = api.call("GET", "/api/quality-checks", datastore=bench, size=100)
        pages = first["pages"]
        ids = [c["id"] for c in first["items"]]
        for _ in range(20):  # warm up
            api.call("GET", "/api/quality-checks", datastore=bench, size=100, page=2)
        print(f"sandbox bench:{args.n}, latency {args.latency_ms:g} ms, pid {proc.pid}; "
              "sequential, one keep-alive connection")

        def page_of(datastore: int, page: int) -> Callable[[], Any]:
            return lambda: api.call("GET", "/api/quality-checks", datastore=datastore,
                                    size=100, page=page)

        measure(proc.pid, "GET /quality-checks?datastore=bench&size=100",
                [page_of(bench, p) for p in range(1, pages + 1)] * 10)
        # a catalog change forgets every cached body: the next read renders each check
        api.call("POST", "/_sandbox/catalog", {"connection_id": ds["bench"]["connection_id"],
                                               "name": "refunds",
                                               "columns": [["refund_id", "Integral"]]})
        measure(proc.pid, "  the same, nothing cached (after a change)",
                [page_of(bench, p) for p in range(1, pages + 1)])
        measure(proc.pid, "GET /containers?datastore=bench&size=100",
                [lambda: api.call("GET", "/api/containers", datastore=bench, size=100)] * 500)
        measure(proc.pid, "GET /quality-checks/{id}",
                [lambda i=i: api.call("GET", f"/api/quality-checks/{i}")
                 for i in (ids * 10)[:1000]])
        created: list[int] = []

        def create(i: int) -> Callable[[], Any]:
            body = {"container_id": tables[i % len(tables)], "rule": "notNull",
                    "fields": ["id"], "description": f"twin check {i}", "tags": ["bench"],
                    "additional_metadata": {"_qualytics_check_uid": f"twin__{i}"}}
            return lambda: created.append(api.call("POST", "/api/quality-checks", body)["id"])

        measure(proc.pid, "POST /quality-checks (into bench-twin)",
                [create(i) for i in range(2000)])

        def update(i: int, ident: int) -> Callable[[], Any]:
            body = {"rule": "notNull", "fields": ["id"], "description": f"twin check {i} v2",
                    "tags": ["bench"], "status": "Active",
                    "additional_metadata": {"_qualytics_check_uid": f"twin__{i}"}}
            return lambda: api.call("PUT", f"/api/quality-checks/{ident}", body)

        measure(proc.pid, "PUT /quality-checks/{id}",
                [update(i, ident) for i, ident in enumerate(created[:1000])])
        twin_pages = api.call("GET", "/api/quality-checks", datastore=twin, size=100)["pages"]
        measure(proc.pid, "GET /quality-checks?datastore=bench-twin&size=100",
                [page_of(twin, p) for p in range(1, twin_pages + 1)] * 10)

        print("32 client threads, one keep-alive connection each, all bench pages x 4")
        clients = [Client(url, token) for _ in range(32)]
        jobs = list(range(1, pages + 1)) * 4

        def reader(k: int) -> None:
            for page in jobs[k::32]:
                clients[k].call("GET", "/api/quality-checks", datastore=bench, size=100,
                                page=page)

        before, start = cpu_seconds(proc.pid), time.perf_counter()
        with ThreadPoolExecutor(32) as pool:
            list(pool.map(reader, range(32)))
        cpu, wall = cpu_seconds(proc.pid) - before, time.perf_counter() - start
        print(f"  {len(jobs)} pages: {cpu * 1000 / len(jobs):.2f} ms sandbox CPU each, "
              f"{wall:.2f} s wall ({len(jobs) / wall:.0f} pages/s)")

        latency = 200
        api.call("POST", "/_sandbox/faults", {"latency_ms": latency})
        print(f"64 client threads, one keep-alive connection each, latency {latency} ms: "
              "5 pages each")
        clients += [Client(url, token) for _ in range(32)]

        def slow_reader(k: int) -> None:
            for page in range(1, 6):
                clients[k].call("GET", "/api/quality-checks", datastore=bench, size=100,
                                page=page)

        before, start = cpu_seconds(proc.pid), time.perf_counter()
        with ThreadPoolExecutor(64) as pool:
            list(pool.map(slow_reader, range(64)))
        cpu, wall = cpu_seconds(proc.pid) - before, time.perf_counter() - start
        print(f"  320 pages in {wall:.2f} s wall (one at a time: {320 * latency / 1000:.0f} s; "
              f"so ~{320 * latency / 1000 / wall:.0f} in flight at once), "
              f"{cpu * 1000 / 320:.2f} ms sandbox CPU each")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
