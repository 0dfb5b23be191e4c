"""The client prepares each request itself, in a few steps, instead of through
``Session.request`` (qualytics_ci/api/wire.py): what goes on the wire is what requests would
have sent: the same URL, headers and body, for every kind of call."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import requests_mock as rm

from qualytics_ci import secrets
from qualytics_ci.api.client import Client
from qualytics_ci.api.url import encode_params
from qualytics_ci.api.wire import Wire

TOKEN = "tok-wire-0a1b2c3d4e"


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    yield
    secrets.clear()


def as_requests_prepares_it(wire: Wire, base: str, method: str, path: str,
                            params: dict[str, object], body: bytes | None
                            ) -> requests.PreparedRequest:
    headers = {"Content-Type": "application/json"} if body is not None else None
    request = requests.Request(method, base + path, params=encode_params(params) or None,
                               data=body, headers=headers)
    return wire.session.prepare_request(request)


@pytest.mark.parametrize("base", ["https://q.example.com/api", "http://127.0.0.1:8000/qa/api",
                                  "https://bücher.example/api"])
@pytest.mark.parametrize(("method", "path", "params", "body"), [
    ("GET", "/quality-checks", {"datastore": 3, "container": [1, 2], "archived": None,
                                "page": 1, "size": 100}, None),
    ("GET", "/containers/listing", {"datastore": 1, "name": "orders & refunds/ä"}, None),
    ("GET", "/datastores/1", {}, None),
    ("POST", "/quality-checks", {}, b'{"rule": "notNull", "description": "caf\xc3\xa9"}'),
    ("PUT", "/quality-checks/5", {"force": True}, b'{"status": "Active"}'),
    ("PUT", "/operations/abort/9", {}, None),
    ("DELETE", "/quality-checks/5", {"status": "Discarded"}, None),
    ("PATCH", "/containers", {}, b"[]"),
    ("GET", "/odd path/ü", {}, None),
])
def test_a_request_is_prepared_as_requests_would_prepare_it(
        base: str, method: str, path: str, params: dict[str, object],
        body: bytes | None) -> None:
    wire = Wire(base, TOKEN, user_agent="qualytics-ci/test", verify=True, pool_size=4)
    ours = wire.prepare(method, path, encode_params(params), body)
    theirs = as_requests_prepares_it(wire, base, method, path, params, body)
    assert ours.method == theirs.method
    assert ours.url == theirs.url
    assert dict(ours.headers) == dict(theirs.headers)
    assert ours.body == theirs.body
    assert ours.headers["Authorization"] == f"Bearer {TOKEN}"


def test_cookies_a_server_sets_are_neither_kept_nor_sent_back(requests_mock: rm.Mocker) -> None:
    base = "https://q.example.com/api"
    requests_mock.get(f"{base}/users/me", json={"id": 1},
                      headers={"Set-Cookie": "AWSALB=sticky; Path=/"})
    client = Client(base, TOKEN)
    client.get_current_user()
    client.get_current_user()
    assert "Cookie" not in requests_mock.last_request.headers
    assert len(client._session.cookies) == 0
