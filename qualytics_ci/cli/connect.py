"""What every command that talks to a target builds from its flags: the progress on
stderr and the client (``--url``, ``--token``, ``--env-file``, ``--request-timeout``,
``--concurrency``)."""

from __future__ import annotations

import argparse

from qualytics_ci.api.client import Client
from qualytics_ci.api.settings import load_env_file, resolve_target
from qualytics_ci.api.window import DEFAULT_CONCURRENCY
from qualytics_ci.progress import Progress


def progress_for(args: argparse.Namespace) -> Progress:
    return Progress(quiet=bool(getattr(args, "quiet", False)))


def client_for(args: argparse.Namespace, progress: Progress) -> Client:
    """The client; each retry is told on stderr through ``progress`` (unless --quiet)."""
    load_env_file(getattr(args, "env_file", None))
    target = resolve_target(args.url, args.token)
    return Client(target.url, target.token, timeout=getattr(args, "request_timeout", 30.0),
                  notify=progress.note,
                  max_writes=getattr(args, "concurrency", DEFAULT_CONCURRENCY))
