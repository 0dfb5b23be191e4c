"""When the client tries a call again, and how long it waits first.

The rule (docs/http-client.md): a call is repeated only when repeating it cannot
do anything twice.

- Reads (GET, HEAD, OPTIONS) are repeated on 429, on every transient server
  error (500, 502, 503, 504) and on any transport failure (refused, reset,
  timed out).
- PUT and DELETE replace or remove a whole resource, so a replay changes nothing
  more: repeated on 429, 502, 503, 504 (the gateway or server did not handle it)
  and transport failures, not on 500 (the server failed while handling it; the
  same request would most likely fail the same way, and the write may be half
  applied).
- POST and PATCH are repeated only when the server cannot have processed them:
  429, or a connection that was never made.

Waits: exponential backoff with jitter, or the server's ``Retry-After`` when it
sends one (on any repeated status), capped. Each retry is told to an optional
notifier (:data:`Notifier`, a plain callable, so this layer imports nothing above
it). Request bodies are encoded here too, strictly: NaN or Infinity is an input
error, never a network one.
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

Notifier = Callable[[str], None]  # told each retry (the CLI passes its progress' note)

READS = frozenset({"GET", "HEAD", "OPTIONS"})
NOT_IDEMPOTENT = frozenset({"POST", "PATCH"})
READ_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_WRITE_RETRY_STATUSES = frozenset({429, 502, 503, 504})
WRITE_RETRY_STATUSES = frozenset({429})


def retry_statuses(method: str) -> frozenset[int]:
    """The statuses after which ``method`` is sent again."""
    method = method.upper()
    if method in READS:
        return READ_RETRY_STATUSES
    if method in NOT_IDEMPOTENT:
        return WRITE_RETRY_STATUSES
    return IDEMPOTENT_WRITE_RETRY_STATUSES


def retries_status(method: str, status: int) -> bool:
    return status in retry_statuses(method)


def is_write(method: str) -> bool:
    return method.upper() not in READS


def backoff(attempt: int, *, base: float, cap: float, jitter: float) -> float:
    """Delay before retry number ``attempt`` (1-based): ``base * 2^(attempt-1)``, at most
    ``cap``, scaled by ``0.5 + 0.5 * jitter`` (``jitter`` in [0, 1))."""
    ceiling = min(cap, base * 2.0 ** (attempt - 1))
    return ceiling * (0.5 + 0.5 * jitter)


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


def transient(exc: requests.RequestException) -> bool:
    """A transport failure worth another try (a TLS error is not: it will not go away)."""
    return not isinstance(exc, requests.exceptions.SSLError) and isinstance(
        exc, requests.ConnectionError | requests.Timeout
        | requests.exceptions.ChunkedEncodingError)


def retries_failure(method: str, exc: requests.RequestException) -> bool:
    """Whether ``method`` is sent again after the transport failure ``exc``."""
    if not transient(exc):
        return False
    return method.upper() not in NOT_IDEMPOTENT or not_sent(exc)


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
