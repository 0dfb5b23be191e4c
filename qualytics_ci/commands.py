"""Placeholder for commands whose implementation has not landed yet."""

from __future__ import annotations

import argparse

from qualytics_ci.errors import QualyticsCIError


def not_implemented(args: argparse.Namespace) -> int:
    """Answer for a command that is not built yet."""
    raise QualyticsCIError(f"`qualytics-ci {args.command}` is not implemented yet")
