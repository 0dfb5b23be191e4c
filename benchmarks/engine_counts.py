"""Measure the requests (and wall time) of export, plan and a no-op import on a
``bench:N`` sandbox: ``python -m benchmarks.engine_counts [N]``."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time

import requests

from qualytics_ci.cli import main
from qualytics_ci.sandbox.server import start_sandbox


def stats(url: str, headers: dict[str, str]) -> dict[str, int]:
    data = requests.get(f"{url}/_sandbox/stats", headers=headers, timeout=60).json()
    return dict(data["by_template"])


def run(label: str, argv: list[str], url: str, headers: dict[str, str]) -> None:
    before = stats(url, headers)
    started = time.perf_counter()
    code = main(argv)
    elapsed = time.perf_counter() - started
    after = stats(url, headers)
    delta = {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}
    print(f"{label}: exit {code}, {sum(delta.values())} requests in {elapsed:.1f} s: {delta}",
          file=sys.stderr)


def bench(n: int) -> None:
    sandbox = start_sandbox(seed=f"bench:{n}")
    headers = sandbox.headers("admin")
    target = ["--url", sandbox.url, "--token", sandbox.tokens["admin"]]
    for name in ("BENCH_DB_PASSWORD",):
        os.environ.setdefault(name, "bench-password")
    with tempfile.TemporaryDirectory() as folder:
        scope = ["--datastore", "bench"]
        run("export", ["-q", "export", *target, "-o", folder, *scope], sandbox.url, headers)
        run("re-export", ["-q", "export", *target, "-o", folder, *scope], sandbox.url, headers)
        devnull = open(os.devnull, "w")  # noqa: SIM115
        stdout, sys.stdout = sys.stdout, devnull
        try:
            run("plan", ["-q", "plan", *target, "-i", folder, *scope], sandbox.url, headers)
            run("no-op import", ["-q", "import", *target, "-i", folder, *scope],
                sandbox.url, headers)
            twin = os.path.join(folder, "datastores", "bench_twin")
            shutil.copytree(os.path.join(folder, "datastores", "bench"), twin)
            ds_file = os.path.join(twin, "_datastore.yaml")
            with open(ds_file, encoding="utf-8") as f:
                text = f.read().replace("name: bench\n", "name: bench-twin\n", 1)
            with open(ds_file, "w", encoding="utf-8") as f:
                f.write(text)
            run(f"import of {n} new checks (bench-twin, --include checks)",
                ["-q", "import", *target, "-i", folder, "--datastore", "bench-twin",
                 "--include", "checks"], sandbox.url, headers)
        finally:
            sys.stdout = stdout
    sandbox.stop()


if __name__ == "__main__":
    bench(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
