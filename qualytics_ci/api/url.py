"""The API's base URL and query strings, as the client sends them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from qualytics_ci.errors import QualyticsCIError

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def normalize_url(url: str) -> str:
    """``host``, ``https://host/``, ``https://host/api/`` -> ``https://host/api``.

    ``https://`` is assumed when no scheme is given; an explicit ``http://`` is kept.
    """
    raw = url.strip()
    text = raw if _SCHEME.match(raw) else f"https://{raw}"
    shown = re.sub(r"//[^/@]*@", "//***@", raw)  # never echo credentials
    bad = QualyticsCIError(
        f"bad URL {shown!r}: expected https://your-instance.qualytics.io",
        hint="pass --url or set QUALYTICS_URL to the address of your Qualytics deployment",
    )
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a non-numeric port
    except ValueError:
        raise bad from None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
    ):
        raise bad
    path = parts.path.rstrip("/")
    if path.endswith("/api"):
        path = path[: -len("/api")].rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc}{path}/api"


def encode_params(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Query pairs: lists become repeated keys, None is dropped, bools are true/false."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item is None:
                continue
            text = str(item).lower() if isinstance(item, bool) else str(item)
            pairs.append((key, text))
    return pairs
