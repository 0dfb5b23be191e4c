"""Where the target deployment is and how to authenticate: flags, environment
and the ``.env`` file, resolved once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from qualytics_ci import secrets
from qualytics_ci.errors import QualyticsCIError


@dataclass(frozen=True)
class Target:
    """A Qualytics deployment: its base URL and the bearer token to use."""

    url: str
    token: str = ""


def load_env_file(path: str | None) -> None:
    """Load ``path`` (or ``.env`` if present) without overriding set variables.

    Values are taken as written: ``pa${HOME}ss`` stays ``pa${HOME}ss`` (python-dotenv's
    interpolation is off), which is what a password means. python-dotenv is imported
    only when there is a file to read."""
    if path is None:
        if not Path(".env").is_file():
            return
        path = ".env"
    elif not Path(path).is_file():
        raise QualyticsCIError(
            f"env file {path} does not exist", hint="pass an existing file to --env-file"
        )
    from dotenv import load_dotenv

    load_dotenv(path, override=False, interpolate=False)


def resolve_target(url: str | None, token: str | None) -> Target:
    """The target from flags, falling back to QUALYTICS_URL / QUALYTICS_TOKEN."""
    url = url or os.environ.get("QUALYTICS_URL", "")
    token = token or os.environ.get("QUALYTICS_TOKEN", "")
    if not url:
        raise QualyticsCIError(
            "no Qualytics URL given",
            hint="pass --url https://your-instance.qualytics.io or set QUALYTICS_URL",
        )
    if not token:
        raise QualyticsCIError(
            "no API token given",
            hint="pass --token or set QUALYTICS_TOKEN (Settings > Tokens in Qualytics)",
        )
    secrets.register(token)
    return Target(url=url, token=token)
