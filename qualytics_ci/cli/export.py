"""CLI handler: export. Apart from the plan's handlers, so that an export loads what it
runs: the target's read and the writer, not the folder's reader, the plan or its views."""

from __future__ import annotations

import argparse

from qualytics_ci.cli.connect import client_for, progress_for
from qualytics_ci.cli.files import check_output_files, write_output
from qualytics_ci.engine.export import export_with
from qualytics_ci.errors import EXIT_OK


def export_cmd(args: argparse.Namespace) -> int:
    """``export``: write the target's configuration to a folder."""
    check_output_files([(args.json_file, "--json")])
    progress = progress_for(args)
    with client_for(args, progress) as client:
        result = export_with(client, args.output, include=args.include,
                             datastores=args.datastore, progress=progress, force=args.force)
    removed = f"{len(result.removed)} removed" + (":" if result.removed else ".")
    print(f"Exported to {args.output}: {len(result.written)} written, "
          f"{len(result.unchanged)} unchanged, {removed}")
    for rel in result.removed:
        print(f"  - {rel}")
    if args.json_file:
        write_output(args.json_file, result.to_json(args.output), "--json",
                     done=" (the export itself is complete)")
    return EXIT_OK
