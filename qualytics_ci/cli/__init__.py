"""The command line: the parser, the handlers that print, and the exit codes.

cli uses engine, promote, folder, api, results and render; never action (sandbox only by name).
"""

from qualytics_ci.cli.main import HANDLERS, build_parser, main, parse_args, run

__all__ = ["HANDLERS", "build_parser", "main", "parse_args", "run"]
