"""``qualytics-ci sandbox``: run the emulator in the foreground."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.sandbox.auth import SEED_USERS
from qualytics_ci.sandbox.problems import ApiError


def _tokens(pairs: list[str]) -> dict[str, str]:
    roles = {key for key, _, _ in SEED_USERS}
    out: dict[str, str] = {}
    for pair in pairs:
        role, sep, value = pair.partition("=")
        if not sep or role not in roles or not value:
            known = ", ".join(sorted(roles))
            raise QualyticsCIError(f"bad --token {pair.split('=')[0]}=...",
                                   hint=f"use ROLE=VALUE with ROLE one of {known}")
        out[role] = value
    return out


def _write_ready(path: str, url: str, tokens: dict[str, str]) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".ready")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"url": url, "tokens": tokens}, fh, indent=2)
    os.replace(tmp, path)


def run(args: argparse.Namespace) -> int:
    """Run the sandbox until Ctrl-C; prints the URL and tokens once listening."""
    try:
        from qualytics_ci.sandbox.server import build_sandbox, serve_forever
    except ImportError as exc:  # the sandbox extra is not installed
        raise QualyticsCIError("the sandbox needs FastAPI and uvicorn",
                               hint="pip install 'qualytics-ci[sandbox]'") from exc
    for flag, value in (("--fail-rate", args.fail_rate), ("--lost-rate", args.lost_rate)):
        if not 0 <= value <= 1:
            raise QualyticsCIError(f"{flag} must be between 0 and 1")
    try:
        sandbox = build_sandbox(
            seed=args.seed, latency_ms=args.latency_ms, fail_rate=args.fail_rate,
            fail_seed=args.fail_seed, rate_limit=args.rate_limit,
            operation_seconds=args.operation_seconds, state=args.state,
            tokens=_tokens(args.tokens), lost_rate=args.lost_rate)
    except ApiError as exc:
        raise QualyticsCIError(str(exc.detail)) from exc
    except (ValueError, KeyError) as exc:
        raise QualyticsCIError(f"{args.state} is not a sandbox state file ({exc})",
                               hint="remove it, or pass another --state") from exc

    def ready(url: str) -> None:
        tokens = sandbox.tokens()
        print(f"Qualytics sandbox listening on {url} (API: {url}/api, docs: {url}/api/docs)")
        print(f"seed: {sandbox.seed}" + (f", state: {args.state}" if args.state else ""))
        for role, token in tokens.items():
            print(f"  {role:<9}{token}")
        print("Ctrl-C to stop", flush=True)
        if args.ready_file:
            _write_ready(args.ready_file, url, tokens)

    try:
        serve_forever(sandbox, args.host, args.port, ready)
    except OSError as exc:
        raise QualyticsCIError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}",
                               hint="pick another --port, or 0 for a free one") from exc
    except KeyboardInterrupt:
        pass
    print("sandbox stopped", file=sys.stderr)
    return 0
