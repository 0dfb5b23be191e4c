"""Requests and wall time to promote 1,000 checks against the sandbox.

The ``bench:N`` seed has N checks on N/100 tables of datastore ``bench`` and a
twin datastore ``bench-twin`` with the same tables and no checks. Each table's
checks are promoted to the twin's table of the same name (one promote operation
per table), first onto an empty destination (all created), then again (all
skipped). The sandbox runs in its own process, as a deployment would; pass
``--in-process`` to use ``start_sandbox`` in this process instead. Run it with:

    python benchmarks/promote_bench.py [--checks 1000] [--latency-ms 25]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qualytics_ci.api.client import Client
from qualytics_ci.promote.permission import Caller
from qualytics_ci.promote.preview import preview_promote
from qualytics_ci.promote.resolve import Resolver
from qualytics_ci.promote.run import PromoteOptions, prepare, run_promote


@contextmanager
def sandbox(seed: str, latency_ms: float, operation_seconds: float,
            in_process: bool) -> Iterator[tuple[str, str]]:
    """(url, editor token) of a running sandbox."""
    if in_process:
        from qualytics_ci.sandbox.server import start_sandbox

        with start_sandbox(seed=seed, latency_ms=latency_ms,
                           operation_seconds=operation_seconds) as running:
            yield running.url, running.tokens["editor"]
        return
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "ready.json"
        proc = subprocess.Popen(
            [sys.executable, "-c", "from qualytics_ci.cli import run; run()", "sandbox",
             "--port", "0", "--seed", seed, "--latency-ms", str(latency_ms),
             "--operation-seconds", str(operation_seconds),
             "--ready-file", str(ready)], stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while not ready.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            info = json.loads(ready.read_text())
            yield info["url"], info["tokens"]["editor"]
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def promote_all(client: Client, tables: list[str]) -> tuple[float, dict[str, int]]:
    """Promote every table's checks; (wall seconds, entity count by result)."""
    started = time.monotonic()
    resolver = Resolver(client)
    results: dict[str, int] = {}
    for table in tables:
        report = run_promote(client, PromoteOptions("checks", f"bench/{table}",
                                                    f"bench-twin/{table}"), resolver=resolver)
        for entity in report.results:
            results[entity.result] = results.get(entity.result, 0) + 1
    return time.monotonic() - started, results


def preview_all(client: Client, tables: list[str]) -> tuple[float, dict[str, int]]:
    """Dry-run every table; (wall seconds, entity count by predicted action)."""
    started = time.monotonic()
    resolver, caller = Resolver(client), Caller(client)
    actions: dict[str, int] = {}
    for table in tables:
        options = PromoteOptions("checks", f"bench/{table}", f"bench-twin/{table}")
        preview = preview_promote(client, prepare(client, options, resolver), caller)
        for entity in preview.entities:
            actions[entity.action] = actions.get(entity.action, 0) + 1
    return time.monotonic() - started, actions


def main() -> None:
    parser = argparse.ArgumentParser(description="promote benchmark against the sandbox")
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=25.0)
    parser.add_argument("--operation-seconds", type=float, default=0.0)
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()
    tables = [f"table_{i:04d}" for i in range(1, (args.checks + 99) // 100 + 1)]
    with sandbox(f"bench:{args.checks}", args.latency_ms, args.operation_seconds,
                 args.in_process) as (url, token):
        client = Client(url, token)
        runs = (("dry run (destination empty)", preview_all),
                ("first run (destination empty)", promote_all),
                ("second run (all identical)", promote_all),
                ("dry run (all identical)", preview_all))
        for label, run in runs:
            before = client.counter.snapshot()
            elapsed, results = run(client, tables)
            after = client.counter.snapshot()
            delta = {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}
            print(f"{label}: {sum(delta.values())} requests, {elapsed:.2f} s wall, "
                  f"results {results}")
            for template, count in sorted(delta.items()):
                print(f"    {count:5d}  {template}")


if __name__ == "__main__":
    main()
