"""CLI handlers: export, validate, plan, import, drift.

Each parses nothing (argparse did), calls :mod:`qualytics_ci.engine.commands`, prints
the result and returns the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys

from qualytics_ci.api.client import Client
from qualytics_ci.api.settings import load_env_file, resolve_target
from qualytics_ci.cli import promotions
from qualytics_ci.engine import commands
from qualytics_ci.errors import EXIT_CHANGES, EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, QualyticsCIError
from qualytics_ci.folder.schema import Issue
from qualytics_ci.folder.validate import describe, validate_folder
from qualytics_ci.progress import Progress
from qualytics_ci.render.json import write_json
from qualytics_ci.render.promotions_terminal import render_promotions_preview
from qualytics_ci.render.terminal import render_drift, render_plan, render_report
from qualytics_ci.results.config import ImportReport


def _progress(args: argparse.Namespace) -> Progress:
    return Progress(quiet=bool(getattr(args, "quiet", False)))


def _client(args: argparse.Namespace) -> Client:
    load_env_file(getattr(args, "env_file", None))
    target = resolve_target(args.url, args.token)
    return Client(target.url, target.token, timeout=getattr(args, "request_timeout", 30.0))


def _environment(args: argparse.Namespace) -> str | None:
    return getattr(args, "environment", None) or os.environ.get("QUALYTICS_ENV") or None


def _warn(warnings: tuple[Issue, ...] | list[Issue]) -> None:
    for issue in warnings:
        print(str(issue), file=sys.stderr)


def export_cmd(args: argparse.Namespace) -> int:
    """``export``: write the target's configuration to a folder."""
    with _client(args) as client:
        result = commands.run_export(client, args.output, include=args.include,
                                     datastores=args.datastore, progress=_progress(args))
    print(f"Exported to {args.output}: {len(result.written)} written, "
          f"{len(result.unchanged)} unchanged, {len(result.removed)} removed.")
    return EXIT_OK


def validate_cmd(args: argparse.Namespace) -> int:
    """``validate``: check a folder offline."""
    load_env_file(getattr(args, "env_file", None))
    config, issues = validate_folder(args.input, os.environ, _environment(args),
                                     progress=_progress(args))
    if issues:
        print(describe(issues))
    errors = [i for i in issues if i.level == "error"]
    if errors:
        first = errors[0]
        raise QualyticsCIError(f"{len(errors)} error(s) in {args.input}", file=first.file,
                               line=first.line)
    count = len(list(config.entities()))
    print(f"{args.input} is valid: {count} entities, {len(issues)} warning(s).")
    return EXIT_OK


def plan_cmd(args: argparse.Namespace) -> int:
    """``plan`` (and ``import --dry-run``): show what an import would change."""
    with _client(args) as client:
        prepared = commands.prepare(client, args.input, include=args.include,
                                    datastores=args.datastore, environment=_environment(args),
                                    prune=args.prune, progress=_progress(args))
        previews = promotions.preview_declared(client, prepared.promotions)
    _warn(prepared.warnings)
    promotions.warn_unpreviewable(previews)
    plan = prepared.planned.plan
    print(render_plan(plan, warnings=prepared.planned.warnings), end="")
    if previews.items:
        print("\n" + render_promotions_preview(previews), end="")
    print(f"Plan digest: {plan.digest}")
    for path in {args.json_file, getattr(args, "report", None)} - {None}:
        write_json(path, promotions.plan_json(plan, previews))  # import --dry-run --report
    if args.detailed_exitcode and plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK


def import_exit_code(report: ImportReport) -> int:
    """0 all ok, 3 some failed, 1 every attempted change failed or was skipped."""
    if not report.failed and not report.count("skipped"):
        return EXIT_OK
    attempted = [o for o in report.outcomes if o.change.action != "unchanged"]
    if attempted and all(o.result != "ok" for o in attempted):
        return EXIT_ERROR
    return EXIT_PARTIAL


def import_cmd(args: argparse.Namespace) -> int:
    """``import``: apply the folder to the target."""
    if args.dry_run:
        return plan_cmd(args)
    with _client(args) as client:
        progress = _progress(args)
        prepared = commands.prepare(client, args.input, include=args.include,
                                    datastores=args.datastore, environment=_environment(args),
                                    prune=args.prune, progress=progress)
        _warn(prepared.warnings)
        plan = prepared.planned.plan
        print(render_plan(plan, warnings=prepared.planned.warnings), end="")
        if args.json_file:
            write_json(args.json_file, plan.to_json())
        report = commands.run_import(client, args.input, prune=args.prune,
                                     allow_mass_archive=args.allow_mass_archive,
                                     expect_plan=args.expect_plan,
                                     concurrency=args.concurrency, progress=progress,
                                     prepared=prepared)
    print(render_report(report), end="")
    if args.report:
        write_json(args.report, report.to_json())
    return import_exit_code(report)


def drift_cmd(args: argparse.Namespace) -> int:
    """``drift``: exit 2 when the target differs from the folder."""
    with _client(args) as client:
        drift = commands.run_drift(client, args.input, include=args.include,
                                   datastores=args.datastore, environment=_environment(args),
                                   progress=_progress(args))
    print(render_drift(drift), end="")
    if args.json_file:
        write_json(args.json_file, drift.to_json())
    return EXIT_CHANGES if drift.drifted else EXIT_OK
