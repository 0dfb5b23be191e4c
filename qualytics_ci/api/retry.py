"""When and how long the client waits before trying a call again, and what it says.

Pure helpers of :mod:`qualytics_ci.api.client`: whether a failed call reached the
server, a short reason for a transport failure, the ``Retry-After`` header, the
exponential backoff, and the line a notifier gets for each retry. The notifier is
a plain ``Callable[[str], None]`` the caller passes in (the CLI passes its progress
object's ``note``), so this layer imports nothing above it.
"""

from __future__ import annotations

import email.utils
import json
import math
import time
from collections.abc import Callable
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError

from qualytics_ci.errors import QualyticsCIError

Notifier = Callable[[str], None]


def not_sent(exc: requests.RequestException) -> bool:
    """True when the request never reached the server (no connection was made)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return True  # a failed TLS handshake happens before the request is written
    if isinstance(exc, requests.exceptions.ProxyError):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        cause: Any = exc.args[0] if exc.args else None
        cause = getattr(cause, "reason", cause)  # urllib3's MaxRetryError wraps the cause
        return isinstance(cause, ConnectTimeoutError)  # includes NewConnectionError and DNS
    return False


def reason(exc: requests.RequestException, read_timeout: float) -> str:
    """A short, header-free description of a transport failure."""
    text = str(exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"no answer within {read_timeout:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS/SSL error (certificate or protocol)"
    if "NameResolution" in text or "Name or service not known" in text or "getaddrinfo" in text:
        return "host name not found (DNS)"
    if "refused" in text.lower():
        return "connection refused"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connection failed or was closed"
    return f"request failed ({type(exc).__name__})"


def retryable(exc: requests.RequestException) -> bool:
    """A transport failure worth another try (not a TLS error: that will not heal)."""
    return not isinstance(exc, requests.exceptions.SSLError) and isinstance(
        exc, requests.ConnectionError | requests.Timeout
        | requests.exceptions.ChunkedEncodingError)


def retry_after(response: requests.Response, cap: float) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), capped."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, min(seconds, cap))


def backoff(attempt: int, base: float, ceiling: float, random: Callable[[], float]) -> float:
    """Delay before retry number ``attempt`` (1-based): exponential with jitter."""
    top = min(ceiling, base * 2.0 ** (attempt - 1))
    return top * (0.5 + 0.5 * random())


def retry_line(delay: float, why: str, method: str, path: str, attempt: int,
               attempts: int) -> str:
    """``retrying in 2.0 s (attempt 2 of 6): connection refused (GET /connections)``."""
    return (f"retrying in {delay:.1f} s (attempt {attempt + 1} of {attempts}): "
            f"{why} ({method} {path})")


def _bad_value(value: Any, where: str) -> tuple[str, str] | None:
    """The first value JSON cannot carry: (its dotted path, what it is)."""
    if isinstance(value, float) and not math.isfinite(value):
        return where or "(body)", repr(value).replace("nan", "NaN").replace("inf", "Infinity")
    if isinstance(value, dict):
        for key, item in value.items():
            found = _bad_value(item, f"{where}.{key}" if where else str(key))
            if found:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _bad_value(item, f"{where}.{i}" if where else str(i))
            if found:
                return found
    elif not isinstance(value, str | int | float | bool | type(None)):
        return where or "(body)", type(value).__name__
    return None


def encode_body(method: str, path: str, body: Any) -> bytes | None:
    """The request body as strict JSON (no NaN or Infinity, which the API cannot read).

    A value that cannot be encoded is a problem of the input, never of the network:
    it raises a :class:`QualyticsCIError` naming the key, and nothing is sent."""
    if body is None:
        return None
    try:
        return json.dumps(body, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        found = _bad_value(body, "")
        what = f"{found[0]} is {found[1]}" if found else str(exc)
        raise QualyticsCIError(
            f"cannot send {method} {path}: its body is not valid JSON ({what}); "
            "nothing was sent",
            hint="JSON has no NaN or Infinity: give the property a number (or remove it) "
                 "in the folder's file",
        ) from None
