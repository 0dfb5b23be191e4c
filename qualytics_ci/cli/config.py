"""CLI handlers: validate, plan, import, drift (export: :mod:`qualytics_ci.cli.export`).

Each parses nothing (argparse did), calls :mod:`qualytics_ci.engine.commands`, prints
the result and returns the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys

from qualytics_ci.api.client import Client
from qualytics_ci.api.settings import load_env_file
from qualytics_ci.cli import process, promotions
from qualytics_ci.cli.connect import client_for, progress_for
from qualytics_ci.cli.files import check_output_files, write_output
from qualytics_ci.engine import commands
from qualytics_ci.errors import EXIT_CHANGES, EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, QualyticsCIError
from qualytics_ci.folder.schema import Issue
from qualytics_ci.folder.validate import describe, validate_folder
from qualytics_ci.progress import Progress
from qualytics_ci.render.terminal import render_drift, render_plan, render_report
from qualytics_ci.results.config import ImportReport


def _environment(args: argparse.Namespace) -> str | None:
    return getattr(args, "environment", None) or os.environ.get("QUALYTICS_ENV") or None


def _warn(warnings: tuple[Issue, ...] | list[Issue]) -> None:
    for issue in warnings:
        print(str(issue), file=sys.stderr)


def validate_cmd(args: argparse.Namespace) -> int:
    """``validate``: check a folder offline."""
    load_env_file(getattr(args, "env_file", None))
    config, issues = validate_folder(args.input, os.environ, _environment(args),
                                     progress=progress_for(args))
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


def _outputs(args: argparse.Namespace) -> list[tuple[str | None, str]]:
    return [(args.json_file, "--json"), (getattr(args, "report", None), "--report")]


def _prepare(client: Client, args: argparse.Namespace, progress: Progress, *,
             for_import: bool = False) -> commands.Prepared:
    """What plan and import both read, from the same flags (the settings file fills the
    rest), so that the reviewed plan is the one applied."""
    return commands.prepare(client, args.input, include=args.include, datastores=args.datastore,
                            environment=_environment(args), prune=args.prune,
                            allow_mass_archive=args.allow_mass_archive, progress=progress,
                            for_import=for_import)


def plan_cmd(args: argparse.Namespace) -> int:
    """``plan`` (and ``import --dry-run``): show what an import would change."""
    check_output_files(_outputs(args))
    progress = progress_for(args)
    with client_for(args, progress) as client:
        prepared = _prepare(client, args, progress)
        previews = promotions.preview_declared(client, prepared.promotions)
    process.keep(prepared)  # the plan, the folder's and the target's entities
    _warn(prepared.warnings)
    promotions.warn_unpreviewable(previews)
    plan = prepared.planned.plan
    print(render_plan(plan, warnings=prepared.planned.warnings,
                      dry_run=bool(getattr(args, "dry_run", False))), end="")
    if previews is not None and previews.items:
        from qualytics_ci.render.promotions_terminal import render_promotions_preview

        print("\n" + render_promotions_preview(previews), end="")
    print(f"Plan options: {plan.options.line()}")
    print(f"Plan digest: {plan.digest}")
    for path, option in _outputs(args):
        if path:  # import --dry-run --report: the plan
            write_output(path, promotions.plan_json(plan, previews), option)
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
    check_output_files(_outputs(args))
    progress = progress_for(args)
    with client_for(args, progress) as client:
        prepared = _prepare(client, args, progress, for_import=True)
        _warn(prepared.warnings)
        plan = prepared.planned.plan
        print(render_plan(plan, warnings=prepared.planned.warnings), end="")
        print(f"Plan options: {plan.options.line()}")
        print(f"Plan digest: {plan.digest}")
        if args.json_file:
            write_output(args.json_file, plan.to_json(), "--json")
        report = commands.run_import(client, args.input, expect_plan=args.expect_plan,
                                     progress=progress, prepared=prepared)
    process.keep(prepared, report)
    print(render_report(report), end="")
    if args.report:
        write_output(args.report, report.to_json(), "--report",
                     done=" (the import was applied: see its report above)")
    return import_exit_code(report)


def drift_cmd(args: argparse.Namespace) -> int:
    """``drift``: exit 2 when the target differs from the folder (``--adopt``: and write
    the target's side into the folder)."""
    check_output_files(_outputs(args))
    progress = progress_for(args)
    adoption = None
    with client_for(args, progress) as client:
        scope = {"include": args.include, "datastores": args.datastore,
                 "environment": _environment(args), "progress": progress}
        if getattr(args, "adopt", False):
            drift, adoption = commands.run_drift_adopt(client, args.input, **scope)
        else:
            drift = commands.run_drift(client, args.input, **scope)
    process.keep(drift)
    print(render_drift(drift), end="")
    data = drift.to_json()
    if adoption is not None:
        for rel in adoption.written:
            print(f"  wrote {rel}")
        for rel in adoption.removed:
            print(f"  removed {rel}")
        print(adoption.headline())
        data["adopted"] = adoption.to_json()
    if args.json_file:
        write_output(args.json_file, data, "--json")
    return EXIT_CHANGES if drift.drifted else EXIT_OK
