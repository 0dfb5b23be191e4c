"""Size of the Action's job summary and PR comment for real 10,000-check plans.

    python -m benchmarks.markdown_size [--checks 10000]

Two plans against a ``bench:N`` sandbox: the exported folder with 1% of its checks
edited (updates with field diffs), and the same folder pointed at the empty twin
datastore (N creates). Prints each plan's headline and the characters of the
summary (limit 1 MiB) and of the sticky comment (limit 65,536).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import yaml

from qualytics_ci.api.client import Client
from qualytics_ci.engine.commands import run_plan
from qualytics_ci.engine.export import export_with
from qualytics_ci.render import markdown as md
from qualytics_ci.results.config import Plan
from qualytics_ci.sandbox.server import start_sandbox

KINDS = "checks,datastores"


def _rewrite(path: Path, change: dict[str, Any]) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc.update(change)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def _sizes(plan: Plan) -> str:
    ctx = md.Context(folder="qualytics-config", run_url="https://github.com/o/r/actions/runs/1")
    sections = md.plan_sections(plan, ctx)
    summary = md.summary(sections, ctx).text
    comment = md.comment(sections, ctx, marker="<!-- qualytics-ci:default -->").text
    return (f"{plan.headline()}\n  summary: {len(summary):,} characters "
            f"({len(summary.encode()):,} bytes); comment: {len(comment):,} characters")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=10_000)
    args = parser.parse_args()
    with start_sandbox(seed=f"bench:{args.checks}") as sandbox, \
            tempfile.TemporaryDirectory() as tmp:
        client = Client(sandbox.url, sandbox.tokens["admin"])
        folder = Path(tmp) / "qualytics-config"
        export_with(client, folder, datastores=("bench",), include=KINDS)
        for path in sorted(folder.glob("datastores/*/checks/*/*.yaml"))[::100]:
            _rewrite(path, {"description": "edited in a pull request"})
        print("1% edited:", _sizes(run_plan(client, folder, datastores=("bench",),
                                             include=KINDS)))
        datastore = folder / "datastores" / "bench"
        _rewrite(datastore / "_datastore.yaml", {"name": "bench-twin"})
        datastore.rename(folder / "datastores" / "bench_twin")
        print("all new:  ", _sizes(run_plan(client, folder, datastores=("bench-twin",),
                                             include=KINDS)))


if __name__ == "__main__":
    main()
