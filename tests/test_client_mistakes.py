"""Mistakes a user makes that reach the HTTP edge: a value JSON cannot carry, a URL that
is not the deployment's base, a server that refuses connections. Each is told plainly:
never as a connection error, never in silence."""

from __future__ import annotations

import io
import math
import socket
from collections.abc import Iterator

import pytest
import requests_mock as rm

from qualytics_ci import secrets
from qualytics_ci.api.client import Client
from qualytics_ci.api.errors import NotFound, TransportError
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.progress import Progress

BASE = "https://q.example.com/api"
TOKEN = "tok-0123456789abcdef"


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    yield
    secrets.clear()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- a body JSON cannot carry ----------------------------------------------------------

@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_non_finite_number_is_an_input_error_and_nothing_is_sent(
        requests_mock: rm.Mocker, value: float) -> None:
    requests_mock.put(f"{BASE}/quality-checks/5", json={})
    client = Client(BASE, TOKEN, sleep=lambda s: None)
    with pytest.raises(QualyticsCIError) as exc:
        client.put("/quality-checks/5", json={"rule": "between",
                                              "properties": {"max": 10, "min": value}})
    assert not isinstance(exc.value, TransportError)
    assert "cannot reach" not in str(exc.value)
    assert "properties.min is" in exc.value.message
    assert "nothing was sent" in exc.value.message
    assert "NaN or Infinity" in (exc.value.hint or "")
    assert requests_mock.call_count == 0
    assert client.counter.total == 0


def test_a_value_of_no_json_type_names_its_key(requests_mock: rm.Mocker) -> None:
    client = Client(BASE, TOKEN)
    with pytest.raises(QualyticsCIError) as exc:
        client.post("/quality-checks", json={"fields": ["a", {1, 2}]})
    assert "fields.1 is set" in exc.value.message
    assert requests_mock.call_count == 0


def test_a_valid_body_is_sent_as_strict_json(requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{BASE}/quality-checks", json={"id": 1})
    Client(BASE, TOKEN).post("/quality-checks", json={"name": "caf\u00e9", "coverage": 0.5})
    sent = requests_mock.last_request
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.json() == {"name": "caf\u00e9", "coverage": 0.5}


# -- a URL that is not the deployment's base ---------------------------------------------

def test_a_404_on_the_first_list_says_what_the_url_should_be(requests_mock: rm.Mocker) -> None:
    requests_mock.get("https://q.example.com/qualytics/api/connections", status_code=404,
                      json={"detail": "Not Found"})
    client = Client("https://q.example.com/qualytics", TOKEN)
    with pytest.raises(NotFound) as exc:
        client.get("/connections", params={"page": 1})
    assert exc.value.message == "not found (404): GET /connections: Not Found"
    hint = exc.value.hint or ""
    assert "https://q.example.com/qualytics/api/connections" in hint
    assert "deployment's base address, with or without /api" in hint


def test_a_404_after_the_api_answered_is_only_a_missing_entity(
        requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/connections", json={"items": [], "total": 0})
    requests_mock.get(f"{BASE}/datastores", status_code=404, json={"detail": "Not Found"})
    requests_mock.get(f"{BASE}/quality-checks/9", status_code=404, json={"detail": "gone"})
    first = Client(BASE, TOKEN)
    with pytest.raises(NotFound) as by_id:
        first.get("/quality-checks/9")  # an entity, not a list: no URL hint even first
    assert by_id.value.hint is None
    first.get("/connections")
    with pytest.raises(NotFound) as later:
        first.get("/datastores")
    assert later.value.hint is None


# -- retries are told -------------------------------------------------------------------

def test_each_retry_is_told_to_the_notifier(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/connections", [{"status_code": 500}, {"status_code": 502},
                      {"json": {"items": []}}])
    told: list[str] = []
    client = Client(BASE, TOKEN, sleep=lambda s: None, random=lambda: 1.0, max_retries=3,
                    notify=told.append)
    client.get("/connections")
    assert told == ["retrying in 0.5 s (attempt 2 of 4): HTTP 500 (GET /connections)",
                    "retrying in 1.0 s (attempt 3 of 4): HTTP 502 (GET /connections)"]


def test_an_api_that_says_slow_down_is_told_once_not_per_request(
        requests_mock: rm.Mocker) -> None:
    """A rate limit refuses many requests of a large import: the log gets one line
    (then one every few seconds with a count), not one per refusal."""
    requests_mock.get(f"{BASE}/connections", [{"status_code": 503}, {"status_code": 429,
                      "headers": {"Retry-After": "2"}}, {"json": {"items": []}}])
    requests_mock.post(f"{BASE}/quality-checks", [
        *[{"status_code": 429, "headers": {"Retry-After": "1"}}] * 3, {"json": {"id": 1}}])
    told: list[str] = []
    client = Client(BASE, TOKEN, sleep=lambda s: None, random=lambda: 1.0, max_retries=5,
                    notify=told.append)
    client.get("/connections")
    client.post("/quality-checks", json={"rule": "notNull"})
    assert told == ["slowing down: the API answered 503 (overloaded) to 1 request, last GET "
                    "/connections; waiting 0.5 s (refused requests are sent again)"]
    assert requests_mock.call_count == 7  # every refused request was sent again


def test_a_refused_connection_is_told_at_each_retry_then_explained() -> None:
    port = closed_port()
    told: list[str] = []
    client = Client(f"http://127.0.0.1:{port}", TOKEN, sleep=lambda s: None, max_retries=2,
                    notify=told.append)
    with pytest.raises(TransportError):
        client.get("/connections")
    assert len(told) == 2
    assert all(line.startswith("retrying in ") and line.endswith(
        ": connection refused (GET /connections)") for line in told), told
    assert "(attempt 2 of 3)" in told[0] and "(attempt 3 of 3)" in told[1]


def test_progress_note_prints_a_line_unless_quiet() -> None:
    stream = io.StringIO()
    Progress(stream=stream).note("retrying in 1.0 s: connection refused")
    assert stream.getvalue() == "retrying in 1.0 s: connection refused\n"
    quiet = io.StringIO()
    Progress(stream=quiet, quiet=True).note("retrying")
    assert quiet.getvalue() == ""


def test_progress_note_on_a_terminal_redraws_the_live_line_below() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    progress = Progress(stream=stream, clock=lambda: 0.0)
    progress.start("reading target", 4)
    progress.note("retrying in 0.5 s: HTTP 503")
    assert stream.getvalue().endswith("\r\x1b[Kretrying in 0.5 s: HTTP 503\n"
                                      "\r\x1b[Kreading target: 0/4")
