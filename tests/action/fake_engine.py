"""Stand-in command handlers that write synthetic reports, for Action tests that do
not need a real target. They are installed into the CLI's HANDLERS table by
``run_fake.py``; shapes follow contract.md exactly.

Knobs (environment): FAKE_TOTAL, FAKE_CREATES, FAKE_UPDATES, FAKE_ARCHIVES,
FAKE_FAIL (import failures), FAKE_DIGEST_MISMATCH.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

import yaml
from synthetic import import_report_of, plan_of

from qualytics_ci import secrets
from qualytics_ci.errors import EXIT_CHANGES, EXIT_PARTIAL, QualyticsCIError
from qualytics_ci.results.config import Plan
from qualytics_ci.results.promote import PromoteEntity, PromoteReport


def _n(name: str, default: int = 0) -> int:
    return int(os.environ.get(name, default))


def _load_folder(folder: str) -> None:
    """Parse every YAML file (errors carry file and line) and resolve ${VAR}s."""
    for path in sorted(Path(folder).rglob("*.yaml")):
        text = path.read_text()
        try:
            yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            raise QualyticsCIError(f"invalid YAML: {exc.problem}", file=str(path),
                                   line=line) from None
        for name in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", text):
            secrets.register(os.environ.get(name))
            print(secrets.redact(f"resolved ${{{name}}} = {os.environ.get(name)}"))


def _plan() -> Plan:
    return plan_of(_n("FAKE_TOTAL", 20), creates=_n("FAKE_CREATES"),
                   updates=_n("FAKE_UPDATES"), archives=_n("FAKE_ARCHIVES"))


def validate(args: argparse.Namespace) -> int:
    _load_folder(args.input)
    print("valid")
    return 0


def plan(args: argparse.Namespace) -> int:
    _load_folder(args.input)
    p = _plan()
    print("::set-output name=pwned::1")  # must not be obeyed: commands are stopped
    print(p.headline())
    Path(args.json_file).write_text(json.dumps(p.to_json()))
    return EXIT_CHANGES if args.detailed_exitcode and p.has_changes else 0


def import_(args: argparse.Namespace) -> int:
    _load_folder(args.input)
    p = _plan()
    if args.expect_plan and args.expect_plan != p.digest:
        raise QualyticsCIError(f"the plan changed since it was reviewed: expected "
                               f"{args.expect_plan}, got {p.digest}",
                               hint="re-run the plan and review it again")
    report = import_report_of(p, fail=_n("FAKE_FAIL"))
    Path(args.report).write_text(json.dumps(report.to_json()))
    return EXIT_PARTIAL if report.failed else 0


STATES = {"create": "only_in_folder", "update": "changed", "archive": "only_on_target"}


def drift(args: argparse.Namespace) -> int:
    """The drift report's shape: only drifted items listed, in-sync ones counted."""
    _load_folder(args.input)
    p = _plan()
    items = [{**c.to_json(), "state": STATES[c.action],
              "fields": [{"path": f.path, "folder": f.before, "target": f.after}
                         for f in c.fields]}
             for c in p.changes if c.action != "unchanged"]
    summary = {"only_on_target": p.count("archive"), "changed": p.count("update"),
               "only_in_folder": p.count("create"), "in_sync": p.count("unchanged")}
    Path(args.json_file).write_text(json.dumps(
        {"drifted": p.has_changes, "summary": summary, "items": items}))
    return EXIT_CHANGES if p.has_changes else 0


def promote(args: argparse.Namespace) -> int:
    report = PromoteReport(
        operation_id=77, type=args.promote_type, result="success",
        status={"total": 2, "created": 1, "updated": 1, "skipped": 0, "failed": 0},
        results=(PromoteEntity("quality_check", 1, "not_null_id", "created", 501),
                 PromoteEntity("quality_check", 2, "amount_range", "updated", 502)),
        source=args.source, destination=args.destination)
    Path(args.report).write_text(json.dumps(report.to_json()))
    return 0
