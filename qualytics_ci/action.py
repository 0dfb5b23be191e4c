"""The GitHub Action: read INPUT_* variables and run the same code as the CLI."""

from __future__ import annotations

import os
import sys

from . import cli


def _input(name: str, default: str = "") -> str:
    return os.environ.get(f"INPUT_{name.upper()}", "").strip() or default


def main() -> int:
    """Run the Action's ``direction`` and return the exit code."""
    direction = _input("direction", "plan")
    argv = [direction]
    if direction == "validate":
        argv += ["--input", _input("input", "qualytics-config")]
    print(f"qualytics-ci action: {direction}", file=sys.stderr)
    return cli.main(argv)
