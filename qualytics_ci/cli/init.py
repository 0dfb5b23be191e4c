"""``init [DIR]``: scaffold a config repository and say what was written and kept."""

from __future__ import annotations

import argparse
from contextlib import nullcontext

from qualytics_ci.api.client import Client
from qualytics_ci.api.settings import load_env_file, resolve_target
from qualytics_ci.errors import EXIT_OK
from qualytics_ci.progress import Progress
from qualytics_ci.scaffold import templates
from qualytics_ci.scaffold.init import InitReport, run_init


def _lines(report: InitReport) -> list[str]:
    lines = [f"Initialized {report.root}:"]
    for rel in report.written:
        note = f" ({report.folder})" if rel == templates.CONFIG_DIR + "/" else ""
        lines.append(f"  wrote    {rel}{note}")
    lines.extend(f"  appended {rel} (the Qualytics section)" for rel in report.appended)
    lines.extend(f"  kept     {rel} (it exists; not overwritten)" for rel in report.kept)
    lines.append(f"{len(report.written)} written, {len(report.appended)} appended, "
                 f"{len(report.kept)} kept.")
    lines.append("Next:")
    names = ", ".join(dict.fromkeys([*report.variables, *report.secrets,
                                     *report.folder_secrets]))
    lines.append(f"  set the repository's variables and secrets: {names or 'none'}"
                 " (README.md says which is which)")
    lines.append("  pre-commit install")
    return lines


def init_cmd(args: argparse.Namespace) -> int:
    """``init``: export the folder when a target is given (``--url``/``--token``), else
    write the example; then the workflows, pre-commit, editor settings and README."""
    exporting = bool(args.url or args.token)
    client = None
    if exporting:
        load_env_file(args.env_file)
        target = resolve_target(args.url, args.token)
        client = Client(target.url, target.token, timeout=args.request_timeout)
    with client if client is not None else nullcontext():
        report = run_init(args.directory, client=client, include=args.include,
                          datastores=args.datastore,
                          progress=Progress(quiet=bool(args.quiet)))
    print("\n".join(_lines(report)))
    return EXIT_OK
