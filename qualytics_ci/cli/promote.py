"""``qualytics-ci promote``: options from the command line, the run, its report printed."""

from __future__ import annotations

import argparse
import sys

from qualytics_ci import secrets
from qualytics_ci.cli.connect import client_for, progress_for
from qualytics_ci.cli.files import check_output_file, write_output
from qualytics_ci.cli.promotions import run_declared
from qualytics_ci.errors import EXIT_OK
from qualytics_ci.promote.report import build_report, exit_code
from qualytics_ci.promote.request import (
    PromoteOptions,
    check_options,
    parse_ids,
    parse_mappings,
    split_list,
)
from qualytics_ci.promote.run import (
    PromoteNotFinished,
    prepare,
    preview_promote,
    report_promote,
    start_promote,
    wait_promote,
)
from qualytics_ci.render.promote_terminal import render_promote_preview, render_promote_report
from qualytics_ci.results.promote import PromotePreview, PromoteReport


def options_from_args(args: argparse.Namespace) -> PromoteOptions:
    """The CLI's promote arguments as :class:`PromoteOptions`."""
    return PromoteOptions(
        kind=args.promote_type,
        source=args.source,
        destination=args.destination,
        ids=parse_ids(args.ids),
        tags=split_list(args.tags),
        additional_tags=split_list(args.additional_tags),
        active=bool(args.active),
        mappings=parse_mappings(args.mapping or []),
        timeout=float(args.timeout),
    )


def write_report(path: str, report: PromoteReport | PromotePreview) -> None:
    """The report (or a dry run's preview) as JSON, the way every command writes one
    (secrets redacted, missing parent folders created)."""
    write_output(path, report.to_json(), "--report")


def run_cli(args: argparse.Namespace) -> int:
    """``qualytics-ci promote``: one promote, or (``--input DIR``) every declared one."""
    if getattr(args, "input", None):  # the parser saw to it that nothing else is given
        return run_declared(args)
    options = options_from_args(args)
    check_options(options)
    check_output_file(args.report, "--report")
    out = sys.stdout
    progress = progress_for(args)
    with client_for(args, progress) as client:
        if args.dry_run:
            preview = preview_promote(client, options)
            out.write(secrets.redact(render_promote_preview(preview)))
            if args.report:
                write_report(args.report, preview)
            return EXIT_OK
        resolved = prepare(client, options)
        operation = start_promote(client, resolved)
        op_id = int(operation["id"])
        if args.no_wait:
            if args.report:
                write_report(args.report, build_report(
                    operation, [], resolved.spec, source=resolved.source_label,
                    destination=resolved.destination_label))
            out.write(f"Promote operation {op_id} started ({resolved.spec.operation_type}: "
                      f"{resolved.source_label} -> {resolved.destination_label}).\n"
                      f"Follow it with GET /api/operations/{op_id}\n")
            return EXIT_OK
        if not args.quiet:
            print(f"promote operation {op_id} started; waiting (up to {options.timeout:g} s)",
                  file=sys.stderr)
        try:
            operation = wait_promote(client, operation, timeout=options.timeout,
                                     results_path=resolved.spec.results_path,
                                     progress=progress)
        except PromoteNotFinished:
            if args.report:
                last = client.get_operation(op_id)
                write_report(args.report, report_promote(client, last, resolved))
            raise
        report = report_promote(client, operation, resolved)
    out.write(secrets.redact(render_promote_report(report)))
    if args.report:
        write_report(args.report, report)
    return exit_code(report)
