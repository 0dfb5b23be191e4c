"""Errors raised for refused or failed API calls, with messages a user can act on.

Every error carries the method, the path (relative to ``/api``), the HTTP status
(``None`` when no answer came) and the server's ``detail``. Messages are built
here from plain values only: never from request headers, and always passed
through :func:`qualytics_ci.secrets.redact`, so a token cannot leak into them
even when a server echoes it back.
"""

from __future__ import annotations

import re
from typing import Any

from qualytics_ci import secrets
from qualytics_ci.api.retry import is_write, retries_status
from qualytics_ci.errors import EXIT_ERROR, QualyticsCIError

URL_HINT = "check --url / QUALYTICS_URL (expected https://your-instance.qualytics.io)"
REREAD_HINT = "re-read the target (e.g. run `qualytics-ci plan`) before trying again"
NOT_RETRIED = "not retried: the write may have been applied"
_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


def path_template(path: str) -> str:
    """``/quality-checks/123?x=1`` -> ``/quality-checks/{id}``: the path without ids or query."""
    path = path.split("?", 1)[0]
    return _ID_SEGMENT.sub("/{id}", path)


class APIError(QualyticsCIError):
    """The server answered with an error status, or did not answer at all."""

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status: int | None,
        detail: Any = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(secrets.redact(message), hint=_redact(hint), exit_code=EXIT_ERROR)
        self.method = method
        self.path = path
        self.status = status
        self.detail = _redact_detail(detail)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.method} {self.path}, status={self.status})"


class Unauthorized(APIError):
    """401: the token is missing, malformed, expired or revoked."""


class Forbidden(APIError):
    """403: the token's user lacks the role or team permission for this call."""


class NotFound(APIError):
    """404."""


class Conflict(APIError):
    """409: e.g. a duplicate name, or a change that would drop fields in use."""


class Unprocessable(APIError):
    """422: the server's validation rejected the body or the query."""


class RateLimited(APIError):
    """429 that persisted through every retry."""


class ServerError(APIError):
    """5xx."""


class TransportError(APIError):
    """No HTTP answer: connection refused, timeout, DNS failure, TLS error."""


def _redact(text: str | None) -> str | None:
    return None if text is None else secrets.redact(text)


def _redact_detail(detail: Any) -> Any:
    if isinstance(detail, str):
        return secrets.redact(detail)
    if isinstance(detail, list):
        return [_redact_detail(item) for item in detail]
    if isinstance(detail, dict):
        return {key: _redact_detail(value) for key, value in detail.items()}
    return detail


def detail_of(body: Any, text: str = "") -> Any:
    """The ``detail`` of a FastAPI-style error body (or ``message``), else the raw text."""
    if isinstance(body, dict):
        for key in ("detail", "message"):
            if body.get(key) is not None:
                return body[key]
    text = text.strip()
    return text[:300] + ("..." if len(text) > 300 else "") if text else None


def field_errors(detail: Any) -> list[str]:
    """422 ``detail`` list -> ``["fields.0: field required", ...]`` (leading "body" dropped)."""
    if not isinstance(detail, list):
        return []
    lines = []
    for item in detail:
        if not isinstance(item, dict):
            lines.append(str(item))
            continue
        loc = [str(part) for part in item.get("loc") or []]
        if loc and loc[0] == "body":
            loc = loc[1:]
        where = ".".join(loc) or "(request)"
        lines.append(f"{where}: {item.get('msg', 'invalid')}")
    return lines


def permission_needed(method: str, path: str, body: Any = None) -> str:
    """The role or team permission that the platform requires for ``method path``."""
    root = path_template(path).strip("/").split("/", 1)[0]
    method = method.upper()
    if not is_write(method):
        if root == "connections":
            return "the Member role (any user can read connections)"
        return "the Reporter team permission (or higher) on the datastore"
    if root == "connections":
        return "the Manager role (connections are created and changed by Managers or Admins)"
    if root == "datastores":
        if method == "POST" and path_template(path).rstrip("/") == "/datastores":
            return ("the Manager role (creating a datastore; if it already exists, the "
                    "token's teams have no permission on it, which hides it from the token)")
        return "the Editor team permission on the datastore"
    if root in ("containers", "computed-fields"):
        return "the Editor team permission on the datastore (computed assets)"
    if root == "quality-checks":
        return "the Author team permission on the datastore (Drafter may only save Draft checks)"
    if root == "operations":
        kind = body.get("type") if isinstance(body, dict) else None
        if isinstance(kind, str) and kind.startswith("promote"):
            return "the Editor team permission on both the source and the destination datastore"
        return "the Editor team permission on the datastore (running operations)"
    return f"a role or team permission that allows {method} {path_template(path)}"


def _with_detail(summary: str, detail: Any) -> str:
    if detail is None or detail == "":
        return summary
    if isinstance(detail, str):
        return f"{summary}: {detail}"
    return f"{summary}: {detail!r}"


def error_for_status(
    method: str,
    path: str,
    status: int,
    detail: Any,
    *,
    host: str,
    body: Any = None,
    attempts: int = 1,
    base_url: str | None = None,
) -> APIError:
    """The typed error for an HTTP error answer ``status`` to ``method path``.

    ``base_url`` is given while no call of the run has succeeded yet: a 404 for a list
    then most likely means the URL is not the deployment's base, and the hint says so."""
    where = f"{method} {path}"
    kwargs: dict[str, Any] = {"method": method, "path": path, "status": status, "detail": detail}
    if status == 401:
        return Unauthorized(
            f"token rejected by {host} (401) for {where}",
            hint="check QUALYTICS_TOKEN / --token, or generate a new token in Qualytics"
            " (Settings > Tokens)",
            **kwargs,
        )
    if status == 403:
        return Forbidden(
            _with_detail(f"permission denied (403) for {where}", detail),
            hint=f"this call needs {permission_needed(method, path, body)};"
            " use a token of a user who has it",
            **kwargs,
        )
    if status == 404:
        hint = None
        if base_url and method.upper() == "GET" and "{id}" not in path_template(path):
            hint = (f"nothing answers at {base_url}{path_template(path)}: --url / "
                    "QUALYTICS_URL should be the deployment's base address, with or without "
                    "/api (e.g. https://your-instance.qualytics.io)")
        return NotFound(_with_detail(f"not found (404): {where}", detail), hint=hint, **kwargs)
    if status == 409:
        return Conflict(_with_detail(f"conflict (409) for {where}", detail), **kwargs)
    if status == 422:
        lines = field_errors(detail)
        if lines:
            text = f"rejected as invalid (422) for {where}:\n" + "\n".join(
                f"  {line}" for line in lines
            )
        else:
            text = _with_detail(f"rejected as invalid (422) for {where}", detail)
        return Unprocessable(text, **kwargs)
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    if status == 429:
        return RateLimited(
            f"rate limited (429){tries} for {where}",
            hint="lower --concurrency or try again later",
            **kwargs,
        )
    if status >= 500 and is_write(method) and not retries_status(method, status):
        # Said only when true: this answer was not retried (earlier attempts, if any, never
        # reached the server or were refused with 429).
        on = f" on attempt {attempts}" if attempts > 1 else ""
        return ServerError(_with_detail(f"{where} failed with {status}{on} ({NOT_RETRIED})",
                                        detail), hint=REREAD_HINT, **kwargs)
    if status >= 500:
        return ServerError(_with_detail(f"server error ({status}){tries} for {where}", detail),
                           **kwargs)
    return APIError(_with_detail(f"HTTP {status} for {where}", detail), **kwargs)


def transport_error(method: str, path: str, *, host: str, reason: str,
                    maybe_applied: bool = False, attempts: int = 1) -> TransportError:
    """The error for a call that got no HTTP answer from ``host``."""
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    text = f"cannot reach {host}{tries}: {reason} ({method} {path})"
    if maybe_applied:
        text += f"; {NOT_RETRIED}"
    return TransportError(
        text, method=method, path=path, status=None, detail=None,
        hint=REREAD_HINT if maybe_applied else URL_HINT,
    )
