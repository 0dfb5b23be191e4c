"""Command-line entry point: parse arguments, call the command, map errors.

``main(argv) -> int`` is a plain function so tests can call it. User errors
(:class:`QualyticsCIError`) become one message on stderr and their exit code;
usage errors exit 1 (:mod:`qualytics_ci.cli.usage`); a closed stdout is not an
error (:mod:`qualytics_ci.cli.streams`); anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from qualytics_ci import __version__, secrets
from qualytics_ci.api.window import DEFAULT_CONCURRENCY, START
from qualytics_ci.cli import files, process
from qualytics_ci.cli.streams import pipe_safe
from qualytics_ci.cli.usage import (
    Parser,
    common_options,
    exit_code,
    positive_float,
    positive_int,
)
from qualytics_ci.errors import EXIT_ERROR, QualyticsCIError
from qualytics_ci.folder.layout import SCHEMA_KINDS

Handler = Callable[[argparse.Namespace], int]

KINDS_HELP = "comma list of: connections, datastores, containers, computed_fields, checks"

# command -> "module:function"; the module is imported only when the command runs,
# so `qualytics-ci --help` works without the sandbox extra installed.
HANDLERS: dict[str, str] = {
    "sandbox": "qualytics_ci.sandbox.cli:run",
    "export": "qualytics_ci.cli.export:export_cmd",
    "validate": "qualytics_ci.cli.config:validate_cmd",
    "validate-files": "qualytics_ci.cli.hooks:validate_files_cmd",
    "plan": "qualytics_ci.cli.config:plan_cmd",
    "import": "qualytics_ci.cli.config:import_cmd",
    "drift": "qualytics_ci.cli.config:drift_cmd",
    "promote": "qualytics_ci.cli.promote:run_cli",
    "demo": "qualytics_ci.demo:run",
    "init": "qualytics_ci.cli.init:init_cmd",
    "schema": "qualytics_ci.cli.schema:schema_cmd",
}


def _connection_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("target")
    g.add_argument("--url", help="deployment base URL, with or without /api (env QUALYTICS_URL)")
    g.add_argument("--token", help="API token (env QUALYTICS_TOKEN)")
    g.add_argument("--env-file", help="dotenv file to load (default: .env if present)")
    g.add_argument("--timeout-s", type=positive_float, default=30.0, dest="request_timeout",
                   metavar="SECONDS", help="per-request read timeout in seconds")


def _scope_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--include", metavar="KINDS", help=KINDS_HELP + " (default: all)")
    p.add_argument("--datastore", action="append", default=[], metavar="NAME_OR_ID",
                   help="limit to this datastore (repeatable; default: every datastore)")


def _folder_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", "-i", default="qualytics-config", metavar="DIR",
                   help="config folder")
    p.add_argument("--env", dest="environment", metavar="NAME",
                   help="apply overrides/<NAME>/ on top of the folder (env QUALYTICS_ENV)")


def _sandbox_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one")
    p.add_argument("--seed", default="demo", help="initial data: demo | empty | bench:N")
    p.add_argument("--state", metavar="FILE", help="persist the sandbox's data in this file")
    p.add_argument("--latency-ms", type=float, default=0.0,
                   help="delay added to every API request, in milliseconds")
    p.add_argument("--fail-rate", type=float, default=0.0,
                   help="fraction of API requests answered 503 or 500")
    p.add_argument("--fail-seed", type=int, default=None,
                   help="seed of the failures' random sequence (same seed, same failures)")
    p.add_argument("--lost-rate", type=float, default=0.0,
                   help="fraction of writes applied but answered 502 (a lost response)")
    p.add_argument("--rate-limit", type=float, default=0.0,
                   help="requests per second before 429, 0 = off")
    p.add_argument("--operation-seconds", type=float, default=0.5,
                   help="how long async operations stay running")
    p.add_argument("--ready-file", metavar="FILE",
                   help="write URL and tokens here once listening")
    p.add_argument("--token", dest="tokens", action="append", default=[], metavar="ROLE=VALUE",
                   help="replace one seed token (admin, manager, editor, reporter)")


def _plan_options(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument("--prune", action=argparse.BooleanOptionalAction, default=None,
                   help="archive checks on the target that the folder no longer has "
                        "(default: prune in qualytics-ci.yaml, else no)")
    p.add_argument("--allow-mass-archive", action=argparse.BooleanOptionalAction,
                   default=None,
                   help="allow --prune to archive more than the safety cap (default: "
                        "allow_mass_archive in qualytics-ci.yaml, else no)")
    p.add_argument("--json", dest="json_file", metavar="FILE",
                   help="write the plan as JSON (- for stdout)")
    p.add_argument("--detailed-exitcode", action="store_true",
                   help="exit 2 when there are changes")
    if name == "import":
        p.add_argument("--dry-run", action="store_true", help="only plan (same as `plan`)")
        p.add_argument("--concurrency", type=positive_int, default=DEFAULT_CONCURRENCY,
                       metavar="N",
                       help=f"most writes in flight at once; the window starts at {START} "
                            "(or N, if lower), grows while the API keeps up and halves on "
                            "429 or 503")
        p.add_argument("--report", metavar="FILE",
                       help="write the import report as JSON (- for stdout)")
        p.add_argument("--expect-plan", metavar="DIGEST",
                       help="refuse to apply unless the plan has this digest")


def _promote_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", "-i", metavar="DIR",
                   help="run every promotion DIR/promotions.yaml declares, one after another "
                        "(instead of --type, --from and --to)")
    p.add_argument("--type", dest="promote_type",
                   choices=["checks", "fields", "tables", "files"],
                   help="what to promote (required unless --input)")
    p.add_argument("--from", dest="source", metavar="DATASTORE[/CONTAINER]",
                   help="where the entities come from (name or id; required unless --input)")
    p.add_argument("--to", dest="destination", metavar="DATASTORE[/CONTAINER]",
                   help="where they go (name or id; required unless --input)")
    p.add_argument("--ids", help="comma list of source entity ids")
    p.add_argument("--tags", help="comma list of source tags")
    p.add_argument("--additional-tags", help="comma list of tags added at the destination")
    p.add_argument("--active", action="store_true", help="create checks as Active (validated)")
    p.add_argument("--mapping", action="append", default=[], metavar="SRC=DST",
                   help="computed file -> destination file pattern (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="preview without running")
    p.add_argument("--no-wait", action="store_true", help="print the operation id and return")
    p.add_argument("--timeout", type=positive_float, default=1800.0, metavar="SECONDS",
                   help="seconds to wait for the operation")
    p.add_argument("--report", metavar="FILE",
                   help="write the promote report (with --dry-run: the preview) as JSON "
                        "(- for stdout)")


# promote's options that each promotion of promotions.yaml states for itself
PER_PROMOTION = (("promote_type", "--type"), ("source", "--from"), ("destination", "--to"),
                 ("ids", "--ids"), ("tags", "--tags"), ("additional_tags", "--additional-tags"),
                 ("active", "--active"), ("mapping", "--mapping"), ("no_wait", "--no-wait"))


def usage_problem(args: argparse.Namespace) -> str | None:
    """A usage error the parser alone cannot see: ``promote`` needs ``--type``, ``--from``
    and ``--to``, or ``--input DIR`` and none of the options its promotions state."""
    if args.command != "promote":
        return None
    if args.input:
        given = [flag for attr, flag in PER_PROMOTION if getattr(args, attr, None)]
        return (f"{', '.join(given)} cannot be combined with --input: each promotion states "
                "its own in DIR/promotions.yaml" if given else None)
    missing = [flag for attr, flag in PER_PROMOTION[:3] if not getattr(args, attr, None)]
    return (f"the following arguments are required: {', '.join(missing)} (or --input DIR, "
            "to run the promotions DIR/promotions.yaml declares)" if missing else None)


def build_parser() -> Parser:
    """The full argument parser (also used to document the CLI)."""
    parser = Parser(
        prog="qualytics-ci", parents=[common_options(suppress=False)],
        description="Qualytics data-quality configuration as code.",
        epilog="Exit codes: 0 ok, 1 error (also a usage error), 2 changes or drift, "
               "3 partial failure.",
    )
    parser.add_argument("--version", action="version", version=f"qualytics-ci {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    common = [common_options(suppress=True)]

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=common)

    _sandbox_options(command("sandbox", "run the local Qualytics API emulator"))

    p = command("export", "write the target's configuration to a folder")
    _connection_options(p)
    p.add_argument("--output", "-o", default="qualytics-config", metavar="DIR",
                   help="config folder (created when missing; an existing folder must be "
                        "a config folder)")
    p.add_argument("--force", action="store_true",
                   help="write into an existing folder that does not look like a config "
                        "folder")
    p.add_argument("--json", dest="json_file", metavar="FILE",
                   help="write the files written, unchanged and removed as JSON (- for "
                        "stdout)")
    _scope_options(p)

    p = command("validate", "check a folder offline")
    _folder_options(p)
    p.add_argument("--env-file", help="dotenv file to load (default: .env if present)")

    p = command("validate-files", "validate the config folders holding these files (pre-commit)")
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="files changed (as pre-commit passes them)")

    for name, text in (("plan", "show what an import would change"),
                       ("import", "apply the folder to the target")):
        p = command(name, text)
        _connection_options(p)
        _folder_options(p)
        _scope_options(p)
        _plan_options(p, name)

    p = command("drift", "show what the target has that the folder does not say")
    _connection_options(p)
    _folder_options(p)
    _scope_options(p)
    p.add_argument("--json", dest="json_file", metavar="FILE",
                   help="write the drift as JSON (- for stdout)")
    p.add_argument("--adopt", action="store_true",
                   help="write what changed on the target into the folder (with --env: into "
                        "overrides/ENV/)")

    p = command("promote", "promote checks, computed fields, tables or files")
    _connection_options(p)
    _promote_options(p)

    command("demo", "walk through every command on an embedded sandbox")

    p = command("init", "scaffold a config repository (never overwrites a file)")
    p.add_argument("directory", nargs="?", default=".", metavar="DIR",
                   help="the repository's root (default: the current directory)")
    _connection_options(p)
    _scope_options(p)

    p = command("schema", "print the JSON Schema of a kind of file, or write them all "
                          "(editors check the folder's files as you type)")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--kind", choices=SCHEMA_KINDS,
                      help="print the JSON Schema of this kind's files on stdout")
    what.add_argument("--output", "-o", metavar="DIR",
                      help="write every kind's schema as DIR/<kind>.json (created when "
                           "missing; only changed files are rewritten)")
    return parser


def _handler(command: str) -> Handler:
    module_name, _, func = HANDLERS[command].partition(":")
    handler: Handler = getattr(importlib.import_module(module_name), func)
    return handler


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The parsed command line; a usage error (the parser's, or :func:`usage_problem`'s)
    exits 1 with the command's usage line."""
    parser = build_parser()
    args = parser.parse_args(argv)
    problem = usage_problem(args)
    if problem:
        parser.chosen(args).error(problem)
    return args


def main(argv: Sequence[str] | None = None, *, entry_point: bool = False) -> int:
    """Run the CLI; returns the process exit code (usage errors and ``--help`` too).
    ``entry_point``: the caller is the process's entry point, so the command may settle
    the process's own settings (:func:`qualytics_ci.cli.process.settle`); a test's or a
    library's call leaves them alone."""
    with pipe_safe():
        try:
            args = parse_args(argv)
        except SystemExit as exc:
            return exit_code(exc)
        if entry_point:
            process.settle(args.command)
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    if args.debug:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
        logging.getLogger("qualytics_ci").setLevel(logging.DEBUG)
    try:
        with files.json_on_stdout(args):
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
    process.tune_gc()
    process.exit_now(main(entry_point=True))
