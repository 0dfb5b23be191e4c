"""Errors the emulator answers with, independent of the web framework.

Domain code raises :class:`ApiError`; the app turns it into the platform's
FastAPI-style body: ``{"detail": "..."}`` or, for 422, ``{"detail": [{loc, msg, type}]}``.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An HTTP error answer: status code, FastAPI ``detail`` and optional headers."""

    def __init__(self, status: int, detail: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(str(detail))
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def not_found(kind: str, ident: object) -> ApiError:
    """404 for a missing entity."""
    return ApiError(404, f"{kind} {ident} not found")


def conflict(message: str) -> ApiError:
    """409, e.g. for a duplicate name."""
    return ApiError(409, message)


def forbidden(message: str) -> ApiError:
    """403 naming the role or team permission that is missing."""
    return ApiError(403, message)


def invalid(loc: list[str | int], msg: str, kind: str = "value_error") -> ApiError:
    """422 in FastAPI's validation shape, for a single problem."""
    return ApiError(422, [{"loc": loc, "msg": msg, "type": kind}])


def missing(*loc: str | int) -> ApiError:
    """422 for a required key that is absent."""
    return invalid(["body", *loc], "Field required", "missing")


def require_keys(body: dict[str, Any], *keys: str, prefix: tuple[str, ...] = ()) -> None:
    """Raise one 422 listing every key of ``keys`` missing (or null) in ``body``."""
    errors = [
        {"loc": ["body", *prefix, k], "msg": "Field required", "type": "missing"}
        for k in keys
        if body.get(k) is None
    ]
    if errors:
        raise ApiError(422, errors)


def expect_dict(body: Any) -> dict[str, Any]:
    """The JSON body as an object, or 422."""
    if not isinstance(body, dict):
        raise invalid(["body"], "Input should be a valid dictionary", "dict_type")
    return body
