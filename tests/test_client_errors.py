"""What a user reads when the API refuses a call or cannot be reached."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import requests_mock as rm

from qualytics_ci import secrets
from qualytics_ci.api.client import Client
from qualytics_ci.api.errors import (
    APIError,
    Conflict,
    Forbidden,
    NotFound,
    ServerError,
    TransportError,
    Unauthorized,
    Unprocessable,
    field_errors,
    permission_needed,
)
from qualytics_ci.errors import EXIT_ERROR, QualyticsCIError

BASE = "https://q.example.com/api"
TOKEN = "secret-token-abcdef123456"


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    yield
    secrets.clear()


@pytest.fixture
def client() -> Client:
    return Client(BASE, TOKEN, sleep=lambda s: None, max_retries=2)


def full_text(exc: BaseException) -> str:
    """Everything a user or a log could see of an exception."""
    return "\n".join([str(exc), repr(exc), *map(str, exc.args), str(getattr(exc, "detail", ""))])


def test_401_says_the_token_was_rejected_by_the_host(
    client: Client, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{BASE}/connections", status_code=401,
                      json={"detail": f"invalid token {TOKEN}"})
    with pytest.raises(Unauthorized) as exc:
        client.list_connections()
    err = exc.value
    assert isinstance(err, APIError) and isinstance(err, QualyticsCIError)
    assert "token rejected by q.example.com" in err.message
    assert err.hint is not None and "QUALYTICS_TOKEN" in err.hint
    assert (err.method, err.path, err.status) == ("GET", "/connections", 401)
    assert err.exit_code == EXIT_ERROR
    assert TOKEN not in full_text(err)


@pytest.mark.parametrize(
    ("method", "path", "body", "needed"),
    [
        ("POST", "/connections", None, "Manager role"),
        ("PUT", "/connections/3", None, "Manager role"),
        ("POST", "/datastores", None, "Manager role"),
        ("PUT", "/datastores/3", None, "Editor team permission"),
        ("POST", "/containers", None, "Editor team permission"),
        ("POST", "/computed-fields", None, "Editor team permission"),
        ("PUT", "/quality-checks/8", None, "Author team permission"),
        ("POST", "/operations/run", {"type": "sync"}, "Editor team permission on the datastore"),
        ("POST", "/operations/run", {"type": "promote_quality_check"},
         "Editor team permission on both the source and the destination"),
        ("GET", "/quality-checks", None, "Reporter team permission"),
    ],
)
def test_permission_needed_follows_the_platform_table(
    method: str, path: str, body: Any, needed: str
) -> None:
    assert needed in permission_needed(method, path, body)


def test_403_shows_the_server_detail_and_the_permission_needed(
    client: Client, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(f"{BASE}/connections", status_code=403,
                       json={"detail": "Insufficient role"})
    with pytest.raises(Forbidden) as exc:
        client.create_connection({"name": "db"})
    assert "Insufficient role" in exc.value.message
    assert "POST /connections" in exc.value.message
    assert exc.value.hint is not None and "Manager role" in exc.value.hint
    assert exc.value.detail == "Insufficient role"


def test_404_and_409_carry_the_detail(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/quality-checks/99", status_code=404,
                      json={"detail": "Quality check 99 not found"})
    requests_mock.post(f"{BASE}/datastores", status_code=409,
                       json={"detail": "datastore 'lake' already exists"})
    with pytest.raises(NotFound) as nf:
        client.get_quality_check(99)
    assert nf.value.status == 404
    assert "Quality check 99 not found" in nf.value.message
    with pytest.raises(Conflict) as cf:
        client.create_datastore({"name": "lake"})
    assert "already exists" in cf.value.message
    assert requests_mock.call_count == 2  # neither is retried


def test_422_lists_each_field_error(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{BASE}/quality-checks", status_code=422, json={"detail": [
        {"loc": ["body", "rule"], "msg": "value is not a valid enumeration member", "type": "x"},
        {"loc": ["body", "fields", 0], "msg": "field required", "type": "y"},
        {"loc": ["query", "size"], "msg": "too large", "type": "z"},
    ]})
    with pytest.raises(Unprocessable) as exc:
        client.create_quality_check({"rule": "nope"})
    lines = exc.value.message.splitlines()
    assert lines[0] == "rejected as invalid (422) for POST /quality-checks:"
    assert lines[1:] == [
        "  rule: value is not a valid enumeration member",
        "  fields.0: field required",
        "  query.size: too large",
    ]


def test_422_with_a_plain_detail(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{BASE}/operations/run", status_code=422,
                       json={"detail": "Source and destination must be different"})
    with pytest.raises(Unprocessable) as exc:
        client.run_operation({"type": "promote_quality_check"})
    assert "Source and destination must be different" in exc.value.message


def test_field_errors_tolerates_odd_shapes() -> None:
    assert field_errors("text") == []
    assert field_errors([{"msg": "bad"}, "raw"]) == ["(request): bad", "raw"]


def test_5xx_on_get_is_a_server_error_with_the_text_body(
    client: Client, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{BASE}/datastores/1", status_code=500,
                      text=f"Internal Server Error Bearer {TOKEN}")
    with pytest.raises(ServerError) as exc:
        client.get_datastore(1)
    assert exc.value.status == 500
    assert "Internal Server Error" in exc.value.message
    assert requests_mock.call_count == 3  # a read is retried on 500 (max_retries=2)
    assert "server error (500) after 3 attempts for GET /datastores/1" in exc.value.message
    assert TOKEN not in full_text(exc.value)


def test_other_4xx_is_a_plain_api_error(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/status", status_code=418, json={"message": "teapot"})
    with pytest.raises(APIError) as exc:
        client.get("/status")
    assert type(exc.value) is APIError
    assert "HTTP 418" in exc.value.message and "teapot" in exc.value.message


def test_non_json_success_points_at_the_url(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/connections/1", text="<html>login</html>")
    with pytest.raises(APIError) as exc:
        client.get_connection(1)
    assert "not JSON" in exc.value.message
    assert exc.value.hint is not None and "--url" in exc.value.hint


def test_connection_error_names_the_host_and_suggests_the_url(
    client: Client, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{BASE}/connections/1", exc=requests.exceptions.ConnectTimeout(
        f"timed out; Authorization: Bearer {TOKEN}"))
    with pytest.raises(TransportError) as exc:
        client.get_connection(1)
    err = exc.value
    assert err.status is None
    assert "cannot reach q.example.com after 3 attempts: connection timed out" in err.message
    assert err.hint is not None and "--url" in err.hint
    assert TOKEN not in full_text(err)


def test_refused_connection_on_a_real_closed_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    slept: list[float] = []
    c = Client(f"http://127.0.0.1:{port}", TOKEN, sleep=slept.append, max_retries=2,
               connect_timeout=2.0)
    with pytest.raises(TransportError) as exc:
        c.run_operation({"type": "sync"})  # never sent, so even a POST is retried
    assert "connection refused" in exc.value.message
    assert f"127.0.0.1:{port}" in exc.value.message
    assert len(slept) == 2
    assert c.counter.total == 3
    assert TOKEN not in full_text(exc.value)


def test_token_is_never_in_error_text_even_when_echoed(
    client: Client, requests_mock: rm.Mocker
) -> None:
    echoed = {"detail": f"token {TOKEN} is bad", "headers": {"Authorization": f"Bearer {TOKEN}"}}
    for status in (400, 401, 403, 404, 409, 422, 500):
        requests_mock.get(f"{BASE}/x/{status}", status_code=status, json=echoed)
        with pytest.raises(APIError) as exc:
            client.get(f"/x/{status}")
        assert TOKEN not in full_text(exc.value), status
        assert exc.value.hint is None or TOKEN not in exc.value.hint


def test_errors_repr_is_short(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/containers/2", status_code=404, json={"detail": "gone"})
    with pytest.raises(NotFound) as exc:
        client.get_container(2)
    assert repr(exc.value) == "NotFound(GET /containers/2, status=404)"


def test_tls_failure_is_not_retried_and_not_called_applied(
    client: Client, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(f"{BASE}/connections", exc=requests.exceptions.SSLError("bad cert"))
    with pytest.raises(TransportError) as exc:
        client.create_connection({"name": "db"})
    assert requests_mock.call_count == 1
    assert "TLS" in exc.value.message
    assert "may have been applied" not in exc.value.message


def _no_guessing(monkeypatch: pytest.MonkeyPatch) -> None:
    def guessed(self: requests.Response) -> str:
        raise AssertionError("the body's charset was guessed from its bytes")

    monkeypatch.setattr(requests.Response, "apparent_encoding", property(guessed))


def test_an_error_page_is_read_once_in_its_charset_never_guessed(
    client: Client, requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_guessing(monkeypatch)
    page = "<html>" + "Passerelle indisponible, réessayez. " * 20_000 + "</html>"
    requests_mock.get(f"{BASE}/status", status_code=418, content=page.encode("latin-1"),
                      headers={"Content-Type": "text/html; charset=latin-1"})
    with pytest.raises(APIError) as exc:
        client.get("/status")
    assert "HTTP 418" in exc.value.message and "réessayez" in exc.value.message
    assert exc.value.message.count("Passerelle") < 20  # the start of the page only
    requests_mock.get(f"{BASE}/status", status_code=418, content=b"\xff\xfe broken")
    with pytest.raises(APIError) as exc:  # no charset named: UTF-8, bad bytes replaced
        client.get("/status")
    assert "broken" in exc.value.message


def test_json_nested_beyond_recursion_is_not_json_not_a_crash(
    client: Client, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{BASE}/connections/1", text="[" * 100_000)
    with pytest.raises(APIError) as exc:
        client.get_connection(1)
    assert "not JSON" in exc.value.message
    requests_mock.get(f"{BASE}/status", status_code=418, text="[" * 100_000)
    with pytest.raises(APIError) as exc:
        client.get("/status")
    assert "HTTP 418" in exc.value.message and "[[[" in exc.value.message


def test_a_success_answer_is_json_in_its_named_charset_never_guessed(
    client: Client, requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_guessing(monkeypatch)
    requests_mock.get(f"{BASE}/status", content='{"name": "entrepôt"}'.encode("latin-1"),
                      headers={"Content-Type": "application/json; charset=latin-1"})
    assert client.get("/status") == {"name": "entrepôt"}
    requests_mock.get(f"{BASE}/status", content=b"\xff<html>" + b"x" * 500_000)
    with pytest.raises(APIError) as exc:
        client.get("/status")
    assert "not JSON" in exc.value.message
