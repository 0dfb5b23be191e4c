"""Helpers for the sandbox's own tests: a tiny authenticated HTTP helper per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from qualytics_ci.sandbox.server import RunningSandbox


class Api:
    """requests.Session bound to one sandbox and role; paths are relative to /api."""

    def __init__(self, server: RunningSandbox, role: str | None = "admin") -> None:
        self.base = server.url
        self.session = requests.Session()
        self.session.trust_env = False  # no per-request proxy lookup in os.environ
        if role:
            self.session.headers.update(server.headers(role))

    def call(self, method: str, path: str, **kw: Any) -> requests.Response:
        url = self.base + (path if path.startswith("/_sandbox") else "/api" + path)
        return self.session.request(method, url, timeout=30, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.call("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.call("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.call("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.call("DELETE", path, **kw)

    def ok(self, method: str, path: str, **kw: Any) -> Any:
        response = self.call(method, path, **kw)
        assert response.status_code < 300, (response.status_code, response.text)
        return response.json() if response.content else None

    def datastore(self, name: str) -> dict[str, Any]:
        items = self.ok("GET", "/datastores", params={"name": name})["items"]
        return next(d for d in items if d["name"] == name)

    def container(self, datastore_id: int, name: str) -> dict[str, Any]:
        listing = self.ok("GET", "/containers/listing", params={"datastore": datastore_id})
        return next(c for c in listing if c["name"] == name)


@pytest.fixture
def api(sandbox: RunningSandbox) -> Callable[..., Api]:
    """``api("reporter")`` -> an :class:`Api` for that role on the shared sandbox."""
    return lambda role="admin": Api(sandbox, role)
