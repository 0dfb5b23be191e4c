"""Every write the client sends goes through one adaptive window (docs/http-client.md,
"Concurrent writes"): a 429 or 503 halves it and its Retry-After holds back the writes not
yet sent; reads are not held back; the connection pool has room for all of it."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests_mock as rm

from qualytics_ci import secrets
from qualytics_ci.api.client import Client
from qualytics_ci.api.errors import ServerError
from qualytics_ci.api.window import DEFAULT_CONCURRENCY, START

BASE = "https://q.example.com/api"
TOKEN = "tok-window-5e4d3c2b1a"
CHECKS = f"{BASE}/quality-checks"


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    yield
    secrets.clear()


class Sleeps(list[float]):
    """A fake ``sleep`` that records the delays it was asked for (shared by threads)."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(sleeps: Sleeps) -> Client:
    return Client(BASE, TOKEN, sleep=sleeps, random=lambda: 1.0)


def test_a_client_starts_at_16_writes_and_may_grow_to_32(client: Client) -> None:
    assert client.writes.window.limit == START == 16
    assert client.writes.maximum == DEFAULT_CONCURRENCY == 32


def test_a_429_halves_the_write_window_and_answers_grow_it_back(
        client: Client, requests_mock: rm.Mocker, sleeps: Sleeps) -> None:
    requests_mock.post(CHECKS, [{"status_code": 429, "headers": {"Retry-After": "1"}},
                                *[{"json": {"id": i}} for i in range(200)]])
    assert client.create_quality_check({"rule": "notNull"}) == {"id": 0}
    assert sleeps == [1.0]  # the refused write waited what the server asked, once
    assert client.writes.window.limit == 8
    for _ in range(199):
        client.create_quality_check({"rule": "notNull"})
    # 1/size per answer: size^2 grows by about 2 per answer, sqrt(8^2 + 2 * 200) = 21.5
    assert client.writes.window.limit == 21
    assert requests_mock.call_count == 201


def test_a_retry_after_holds_back_the_next_write_not_only_the_refused_one(
        client: Client, requests_mock: rm.Mocker, sleeps: Sleeps) -> None:
    requests_mock.post(CHECKS, [{"status_code": 503, "headers": {"Retry-After": "5"}},
                                {"json": {"id": 2}}])
    with pytest.raises(ServerError, match="not retried"):  # a POST is not sent again on 503
        client.create_quality_check({"rule": "notNull"})
    assert sleeps == []
    assert client.create_quality_check({"rule": "notNull"}) == {"id": 2}
    assert len(sleeps) == 1 and 4.5 < sleeps[0] <= 5.0  # what is left of the 5 s
    assert client.writes.window.limit == 8


def test_reads_are_not_held_back_by_the_write_window(
        client: Client, requests_mock: rm.Mocker, sleeps: Sleeps) -> None:
    requests_mock.post(CHECKS, status_code=503, headers={"Retry-After": "5"})
    requests_mock.get(f"{CHECKS}/1", json={"id": 1})
    with pytest.raises(ServerError):
        client.create_quality_check({"rule": "notNull"})
    assert client.get_quality_check(1) == {"id": 1}
    assert sleeps == []


def test_a_concurrency_below_the_start_is_the_whole_window(sleeps: Sleeps) -> None:
    c = Client(BASE, TOKEN, sleep=sleeps, max_writes=8)
    assert c.writes.window.limit == 8 and c.writes.maximum == 8


def test_a_burst_of_429s_from_many_threads_ends_with_every_write_done(
        client: Client, requests_mock: rm.Mocker, sleeps: Sleeps) -> None:
    lock = threading.Lock()
    refused: set[int] = set()

    def answer(request: Any, context: Any) -> dict[str, Any]:
        n = json.loads(request.body)["n"]
        with lock:  # the server is over its limit for a moment: 12 writes are refused once
            refuse = len(refused) < 12 and n not in refused
            if refuse:
                refused.add(n)
        if refuse:
            context.status_code = 429
            context.headers["Retry-After"] = "1"
            return {"detail": "Too many requests"}
        return {"id": n}

    requests_mock.post(CHECKS, json=answer)
    with ThreadPoolExecutor(32) as pool:
        ids = list(pool.map(lambda n: client.create_quality_check({"n": n})["id"], range(100)))
    assert ids == list(range(100))
    assert requests_mock.call_count == 112  # each refused write sent once more, no more
    assert client.writes.window.limit < START
    assert client.writes.window.in_flight == 0


# -- the connection pool -------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: connections go back to the pool

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps({"id": 1, "items": [], "total": 0}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def test_more_callers_than_connections_wait_for_one_instead_of_discarding_any(
        caplog: pytest.LogCaptureFixture) -> None:
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    caplog.set_level(logging.WARNING, logger="urllib3")
    try:
        # a pool of 2 writes + 4 page reads = 6 connections, and 24 threads using it at once
        with Client(f"http://127.0.0.1:{server.server_port}", TOKEN, max_writes=2) as c:
            def call(i: int) -> Any:
                return c.post("/quality-checks", json={}) if i % 2 else c.get("/datastores/1")

            with ThreadPoolExecutor(24) as pool:
                answers = list(pool.map(call, range(240)))
    finally:
        server.shutdown()
        server.server_close()
    assert len(answers) == 240 and all(a["id"] == 1 for a in answers)
    assert not [r.getMessage() for r in caplog.records if "pool is full" in r.getMessage()]
