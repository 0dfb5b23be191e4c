"""Shared HTTP plumbing for the routes: JSON responses, the page envelope,
the authenticated user, the running sandbox's store."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from qualytics_ci.sandbox.auth import user_for_token
from qualytics_ci.sandbox.operations import finish_due
from qualytics_ci.sandbox.store import Record, Store


def dumps(content: Any) -> bytes:
    """Compact JSON (UTF-8, no spaces): how every answer is written."""
    return json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class FastJSON(JSONResponse):
    """Compact JSON rendering (handlers return ready-made JSON-compatible objects)."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


def ok(content: Any, status: int = 200) -> Response:
    """A JSON answer."""
    return FastJSON(content, status_code=status)


def raw(body: bytes) -> Response:
    """A 200 JSON answer whose body is already written (e.g. cached)."""
    return Response(body, media_type="application/json")


def no_content() -> Response:
    """204 with an empty body."""
    return Response(status_code=204)


def store_of(request: Request) -> Store:
    """The store of the sandbox serving this request."""
    store: Store = request.app.state.sandbox.store
    return store


async def _user(request: Request) -> Record:
    store = store_of(request)
    finish_due(store)
    return user_for_token(store, request.headers.get("authorization"))


async def _store(request: Request) -> Store:
    return store_of(request)


User = Annotated[Record, Depends(_user)]
StoreDep = Annotated[Store, Depends(_store)]
PageNo = Annotated[int, Query(ge=1, alias="page", description="1-based page number")]
PageSize = Annotated[int, Query(ge=1, le=100, description="items per page (max 100)")]
IntList = Annotated[list[int] | None, Query()]
StrList = Annotated[list[str] | None, Query()]


def page(items: list[Any], page_no: int, size: int, render: Any = None) -> Response:
    """The platform's page envelope ``{items, total, page, size, pages}``."""
    total = len(items)
    chunk = items[(page_no - 1) * size: page_no * size]
    if render is not None:
        chunk = [render(x) for x in chunk]
    return ok({"items": chunk, "total": total, "page": page_no, "size": size,
               "pages": math.ceil(total / size) if total else 0})


def raw_page(ids: Sequence[int], page_no: int, size: int,
             render: Callable[[int], bytes]) -> Response:
    """:func:`page` of items already written as JSON: ``render(id)`` gives an item's bytes,
    and the envelope is joined around them (byte for byte what :func:`page` writes)."""
    total = len(ids)
    items = b",".join([render(i) for i in ids[(page_no - 1) * size: page_no * size]])
    pages = math.ceil(total / size) if total else 0
    tail = f'],"total":{total},"page":{page_no},"size":{size},"pages":{pages}}}'
    return raw(b'{"items":[' + items + tail.encode())
