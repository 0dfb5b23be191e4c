"""Command-line entry point: parse arguments, call the command, map errors.

``main(argv) -> int`` is a plain function so tests can call it. User errors
(:class:`QualyticsCIError`) become one message on stderr and their exit code;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from qualytics_ci import __version__, secrets
from qualytics_ci.errors import EXIT_ERROR, QualyticsCIError

Handler = Callable[[argparse.Namespace], int]

KINDS_HELP = "comma list of connections,datastores,containers,computed_fields,checks"

# command -> "module:function"; the module is imported only when the command runs,
# so `qualytics-ci --help` works without the sandbox extra installed.
HANDLERS: dict[str, str] = {
    "sandbox": "qualytics_ci.sandbox.cli:run",
    "export": "qualytics_ci.cli.config:export_cmd",
    "validate": "qualytics_ci.cli.config:validate_cmd",
    "plan": "qualytics_ci.cli.config:plan_cmd",
    "import": "qualytics_ci.cli.config:import_cmd",
    "drift": "qualytics_ci.cli.config:drift_cmd",
    "promote": "qualytics_ci.cli.promote:run_cli",
    "demo": "qualytics_ci.demo:run",
}


def _connection_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("target")
    g.add_argument("--url", help="deployment base URL, with or without /api (env QUALYTICS_URL)")
    g.add_argument("--token", help="API token (env QUALYTICS_TOKEN)")
    g.add_argument("--env-file", help="dotenv file to load (default: .env if present)")
    g.add_argument("--timeout-s", type=float, default=30.0, dest="request_timeout",
                   help="per-request read timeout in seconds (default 30)")


def _scope_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--include", help=KINDS_HELP)
    p.add_argument("--datastore", action="append", default=[], metavar="NAME_OR_ID",
                   help="limit to this datastore (repeatable)")


def _folder_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", "-i", default="qualytics-config", help="config folder")
    p.add_argument("--env", dest="environment",
                   help="apply overrides/<ENV>/ on top of the folder (env QUALYTICS_ENV)")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used to document the CLI)."""
    parser = argparse.ArgumentParser(
        prog="qualytics-ci",
        description="Qualytics data-quality configuration as code.",
    )
    parser.add_argument("--version", action="version", version=f"qualytics-ci {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and HTTP detail")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("sandbox", help="run the local Qualytics API emulator")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    p.add_argument("--seed", default="demo", help="demo | empty | bench:N")
    p.add_argument("--state", help="persist the sandbox's data in this file")
    p.add_argument("--latency-ms", type=float, default=0.0)
    p.add_argument("--fail-rate", type=float, default=0.0)
    p.add_argument("--fail-seed", type=int, default=None)
    p.add_argument("--lost-rate", type=float, default=0.0,
                   help="fraction of writes applied but answered 502 (a lost response)")
    p.add_argument("--rate-limit", type=float, default=0.0, help="requests per second, 0 = off")
    p.add_argument("--operation-seconds", type=float, default=0.5,
                   help="how long async operations stay running")
    p.add_argument("--ready-file", help="write URL and tokens here once listening")
    p.add_argument("--token", dest="tokens", action="append", default=[], metavar="ROLE=VALUE",
                   help="replace one seed token (admin, manager, editor, reporter)")

    p = sub.add_parser("export", help="write the target's configuration to a folder")
    _connection_options(p)
    p.add_argument("--output", "-o", default="qualytics-config", help="config folder")
    _scope_options(p)

    p = sub.add_parser("validate", help="check a folder offline")
    _folder_options(p)
    p.add_argument("--env-file", help="dotenv file to load (default: .env if present)")

    for name, text in (("plan", "show what an import would change"),
                       ("import", "apply the folder to the target")):
        p = sub.add_parser(name, help=text)
        _connection_options(p)
        _folder_options(p)
        _scope_options(p)
        p.add_argument("--prune", action="store_true",
                       help="archive checks on the target that the folder no longer has")
        p.add_argument("--allow-mass-archive", action="store_true",
                       help="allow --prune to archive more than the safety cap")
        p.add_argument("--json", dest="json_file", metavar="FILE", help="write the plan as JSON")
        p.add_argument("--detailed-exitcode", action="store_true",
                       help="exit 2 when there are changes")
        if name == "import":
            p.add_argument("--dry-run", action="store_true", help="only plan (same as `plan`)")
            p.add_argument("--concurrency", type=int, default=8)
            p.add_argument("--report", metavar="FILE", help="write the import report as JSON")
            p.add_argument("--expect-plan", metavar="DIGEST",
                           help="refuse to apply unless the plan has this digest")

    p = sub.add_parser("drift", help="show what the target has that the folder does not say")
    _connection_options(p)
    _folder_options(p)
    _scope_options(p)
    p.add_argument("--json", dest="json_file", metavar="FILE", help="write the drift as JSON")

    p = sub.add_parser("promote", help="promote checks, computed fields, tables or files")
    _connection_options(p)
    p.add_argument("--input", "-i", metavar="DIR",
                   help="run every promotion DIR/promotions.yaml declares (no --type/--from/--to)")
    p.add_argument("--type", dest="promote_type",
                   choices=["checks", "fields", "tables", "files"])
    p.add_argument("--from", dest="source", metavar="DATASTORE[/CONTAINER]")
    p.add_argument("--to", dest="destination", metavar="DATASTORE[/CONTAINER]")
    p.add_argument("--ids", help="comma list of source entity ids")
    p.add_argument("--tags", help="comma list of source tags")
    p.add_argument("--additional-tags", help="comma list of tags added at the destination")
    p.add_argument("--active", action="store_true", help="create checks as Active (validated)")
    p.add_argument("--mapping", action="append", default=[], metavar="SRC=DST",
                   help="computed file -> destination file pattern (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="preview without running")
    p.add_argument("--no-wait", action="store_true", help="print the operation id and return")
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait (default 1800)")
    p.add_argument("--report", metavar="FILE",
                   help="write the promote report (with --dry-run: the preview) as JSON")

    sub.add_parser("demo", help="walk through every command on an embedded sandbox")
    return parser


def _handler(command: str) -> Handler:
    module_name, _, func = HANDLERS[command].partition(":")
    handler: Handler = getattr(importlib.import_module(module_name), func)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.debug:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
        logging.getLogger("qualytics_ci").setLevel(logging.DEBUG)
    try:
        return _handler(args.command)(args)
    except QualyticsCIError as exc:
        print(secrets.redact(f"error: {exc}"), file=sys.stderr)
        if args.debug:
            raise
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        # A bug: keep the traceback, but never with a secret in it.
        import traceback

        text = "".join(traceback.format_exception(exc))
        print(secrets.redact(text), file=sys.stderr, end="")
        print("qualytics-ci: internal error (please report it with the traceback above)",
              file=sys.stderr)
        return EXIT_ERROR


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
