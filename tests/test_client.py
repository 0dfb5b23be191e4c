"""The HTTP client on the wire: URL, headers, pagination, query encoding, retries, counts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import requests_mock as rm
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from qualytics_ci import __version__, jsonio, secrets
from qualytics_ci.api.client import PAGE_CONCURRENCY, Client, normalize_url
from qualytics_ci.api.errors import RateLimited, ServerError, TransportError, path_template
from qualytics_ci.errors import QualyticsCIError

BASE = "https://q.example.com/api"
TOKEN = "tok-9f8e7d6c5b4a"


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    yield
    secrets.clear()


class Sleeps(list[float]):
    """A fake ``sleep`` that records the delays it was asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(sleeps: Sleeps) -> Client:
    # random() == 1.0 makes the jitter factor exactly 1, so delays are predictable
    return Client("q.example.com", TOKEN, sleep=sleeps, random=lambda: 1.0, max_retries=3)


def query(request: Any) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(request.url).query, keep_blank_values=True)


def refused() -> requests.exceptions.ConnectionError:
    """What requests raises when nothing listens on the port: the request was never sent."""
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/api/x", reason))  # type: ignore[arg-type]


# -- base URL --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("q.example.com", "https://q.example.com/api"),
        ("q.example.com/", "https://q.example.com/api"),
        ("q.example.com/api", "https://q.example.com/api"),
        ("https://q.example.com", "https://q.example.com/api"),
        ("https://q.example.com/api/", "https://q.example.com/api"),
        ("HTTPS://q.example.com//", "https://q.example.com/api"),
        ("  https://q.example.com  ", "https://q.example.com/api"),
        ("http://h:1", "http://h:1/api"),
        ("http://h:1/", "http://h:1/api"),
        ("http://h:1/api", "http://h:1/api"),
        ("http://h:1/api/", "http://h:1/api"),
        ("localhost:8000", "https://localhost:8000/api"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/api"),
        ("https://corp.example.com/qualytics/api", "https://corp.example.com/qualytics/api"),
    ],
)
def test_base_url_is_normalised(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


@pytest.mark.parametrize(
    "given",
    ["", "ftp://q.example.com", "https://", "http:///api", "https://h:port", "https://h/?a=1",
     "https://user:pw@h"],
)
def test_bad_url_is_a_user_error(given: str) -> None:
    with pytest.raises(QualyticsCIError) as exc:
        normalize_url(given)
    assert "bad URL" in exc.value.message
    assert "expected https://your-instance.qualytics.io" in exc.value.message
    assert "pw" not in str(exc.value)


# -- headers ---------------------------------------------------------------------------------

def test_requests_carry_bearer_token_user_agent_and_json(
    client: Client, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(f"{BASE}/connections", json={"id": 3, "name": "db"})
    assert client.create_connection({"name": "db", "type": "postgresql"}) == {"id": 3, "name": "db"}
    sent = requests_mock.last_request
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["User-Agent"] == f"qualytics-ci/{__version__}"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.json() == {"name": "db", "type": "postgresql"}


def test_proxy_and_ca_bundle_from_the_environment_are_honoured(
    monkeypatch: pytest.MonkeyPatch, requests_mock: rm.Mocker
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/corp.pem")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    requests_mock.get(f"{BASE}/datastores", json={})
    Client("q.example.com", TOKEN).get("/datastores")
    sent = requests_mock.request_history[0]
    assert sent.proxies.get("https") == "http://proxy.corp:3128"
    assert sent.verify == "/etc/ssl/corp.pem"


def test_no_proxy_and_verify_off_win_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, requests_mock: rm.Mocker
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", "example.com")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/corp.pem")
    requests_mock.get(f"{BASE}/datastores", json={})
    Client("q.example.com", TOKEN, verify=False).get("/datastores")
    sent = requests_mock.request_history[0]
    assert not sent.proxies.get("https")
    assert sent.verify is False


def test_client_repr_does_not_show_the_token(client: Client) -> None:
    assert TOKEN not in repr(client)
    assert TOKEN not in repr(client._session.auth)
    assert TOKEN in secrets.known()


def test_empty_answer_is_none(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.delete(f"{BASE}/computed-fields/4", status_code=204)
    assert client.delete_computed_field(4) is None


@pytest.mark.parametrize(("body", "headers", "value"), [
    (b'{"max": 123456789012345678901234567890}', {}, 123456789012345678901234567890),
    ('{"name": "caf\u00e9"}'.encode("latin-1"),
     {"Content-Type": "application/json; charset=latin-1"}, "caf\u00e9"),
])
def test_answers_are_read_exactly_as_json_reads_them(
        client: Client, requests_mock: rm.Mocker, body: bytes, headers: dict[str, str],
        value: Any) -> None:
    requests_mock.get(f"{BASE}/datastores/1", content=body, headers=headers)
    assert list(client.get("/datastores/1").values()) == [value]


# -- pagination ------------------------------------------------------------------------------

def serve_pages(requests_mock: rm.Mocker, path: str, total: int, *, ignore_page: bool = False,
                report_total: bool = True) -> None:
    def answer(request: Any, context: Any) -> dict[str, Any]:
        q = dict(query(request))
        page, size = int(q["page"]), int(q["size"])
        start = 0 if ignore_page else (page - 1) * size
        items = [{"id": i + 1} for i in range(start, min(start + size, total))]
        body: dict[str, Any] = {"items": items, "page": page, "size": size,
                                "pages": -(-total // size)}
        if report_total:
            body["total"] = total
        return body

    requests_mock.get(f"{BASE}{path}", json=answer)


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (3, 1), (10, 2), (11, 3), (25, 5)])
def test_paginate_reads_every_page_and_stops(
    client: Client, requests_mock: rm.Mocker, total: int, pages: int
) -> None:
    serve_pages(requests_mock, "/quality-checks", total)
    items = list(client.paginate("/quality-checks", {"datastore": 1}, size=5))
    assert [item["id"] for item in items] == list(range(1, total + 1))
    assert requests_mock.call_count == pages
    # after the first, pages are read several at a time: they arrive in any order
    assert sorted(int(dict(query(r))["page"]) for r in requests_mock.request_history) == list(
        range(1, pages + 1))
    assert all(dict(query(r))["datastore"] == "1" for r in requests_mock.request_history)


def test_paginate_stops_when_the_server_ignores_page(
    client: Client, requests_mock: rm.Mocker
) -> None:
    serve_pages(requests_mock, "/connections", 12, ignore_page=True)
    items = list(client.paginate("/connections", size=5))
    assert [item["id"] for item in items] == [1, 2, 3, 4, 5]
    assert requests_mock.call_count == 2


def test_paginate_without_total_stops_at_a_short_page(
    client: Client, requests_mock: rm.Mocker
) -> None:
    serve_pages(requests_mock, "/connections", 7, report_total=False)
    assert len(list(client.paginate("/connections", size=5))) == 7
    assert requests_mock.call_count == 2


def test_paginate_stops_on_an_empty_page_even_if_total_says_more(
    client: Client, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{BASE}/datastores", [
        {"json": {"items": [{"id": 1}], "total": 50, "page": 1, "size": 1}},
        {"json": {"items": [], "total": 50, "page": 2, "size": 1}},
    ])
    assert len(list(client.paginate("/datastores", size=1))) == 1
    # the pages after the first are read a few at a time: at most that many are wasted
    assert requests_mock.call_count <= 1 + PAGE_CONCURRENCY


def test_paginate_accepts_a_bare_array(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/teams", json=[{"id": 1}, {"id": 2}])
    assert list(client.paginate("/teams")) == [{"id": 1}, {"id": 2}]
    assert requests_mock.call_count == 1


def test_list_params_repeat_the_key_and_none_is_dropped(
    client: Client, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{BASE}/operations/9/quality-checks",
                      json={"items": [], "total": 0, "page": 1, "size": 100})
    list(client.list_operation_results(9, "quality-checks",
                                       promote_result=["created", "failed"], search=None))
    assert query(requests_mock.last_request) == [
        ("promote_result", "created"), ("promote_result", "failed"),
        ("page", "1"), ("size", "100"),
    ]


def test_typed_calls_use_the_api_paths_and_parameters(
    client: Client, requests_mock: rm.Mocker
) -> None:
    empty = {"items": [], "total": 0, "page": 1, "size": 100}
    requests_mock.get(f"{BASE}/quality-checks", json=empty)
    requests_mock.get(f"{BASE}/containers", json=empty)
    requests_mock.get(f"{BASE}/containers/listing", json=[{"id": 1, "name": "orders"}])
    requests_mock.get(f"{BASE}/containers/1/fields", json=[{"name": "id"}])
    requests_mock.delete(f"{BASE}/quality-checks/5", json={})
    requests_mock.post(f"{BASE}/operations/run", json={"id": 8, "result": "running"})
    requests_mock.put(f"{BASE}/operations/abort/8", json={"id": 8, "result": "aborted"})
    requests_mock.patch(f"{BASE}/containers", json=[])

    client.list_quality_checks(2, container_id=1, status="Active", archived=None)
    assert query(requests_mock.last_request)[:3] == [
        ("datastore", "2"), ("container", "1"), ("status", "Active")]
    client.list_containers(2, container_type=["computed_table", "computed_join"])
    assert query(requests_mock.last_request)[:3] == [
        ("datastore", "2"), ("container_type", "computed_table"),
        ("container_type", "computed_join")]
    assert client.containers_listing(2) == [{"id": 1, "name": "orders"}]
    assert query(requests_mock.last_request) == [("datastore", "2")]
    assert client.list_fields(1) == [{"name": "id"}]
    client.archive_quality_check(5)
    assert query(requests_mock.last_request) == [("archive", "true"), ("status", "Discarded")]
    assert client.run_operation({"type": "sync", "datastore_id": 2})["id"] == 8
    assert client.abort_operation(8)["result"] == "aborted"
    client.patch_containers([{"id": 1, "tags": ["pii"]}])
    assert requests_mock.last_request.json() == [{"id": 1, "tags": ["pii"]}]


# -- retries ---------------------------------------------------------------------------------

def test_get_backs_off_on_503_then_succeeds(
    client: Client, requests_mock: rm.Mocker, sleeps: Sleeps
) -> None:
    requests_mock.get(f"{BASE}/datastores/1", [
        {"status_code": 503}, {"status_code": 502}, {"json": {"id": 1}},
    ])
    assert client.get_datastore(1) == {"id": 1}
    assert sleeps == [0.5, 1.0]
    assert requests_mock.call_count == 3


def test_jitter_scales_the_backoff_between_half_and_full(requests_mock: rm.Mocker) -> None:
    sleeps = Sleeps()
    c = Client(BASE, TOKEN, sleep=sleeps, random=lambda: 0.0, max_retries=2)
    requests_mock.get(f"{BASE}/x", [{"status_code": 504}, {"status_code": 504}, {"json": 1}])
    assert c.get("/x") == 1
    assert sleeps == [0.25, 0.5]


def test_retry_after_is_honoured_and_capped(
    requests_mock: rm.Mocker, sleeps: Sleeps
) -> None:
    c = Client(BASE, TOKEN, sleep=sleeps, max_retry_after=20.0)
    requests_mock.get(f"{BASE}/connections/1", [
        {"status_code": 429, "headers": {"Retry-After": "3"}},
        {"status_code": 429, "headers": {"Retry-After": "3600"}},
        {"json": {"id": 1}},
    ])
    assert c.get_connection(1) == {"id": 1}
    assert sleeps == [3.0, 20.0]


def test_post_answered_429_is_retried(
    client: Client, requests_mock: rm.Mocker, sleeps: Sleeps
) -> None:
    requests_mock.post(f"{BASE}/quality-checks", [
        {"status_code": 429, "headers": {"Retry-After": "1"}}, {"json": {"id": 7}},
    ])
    assert client.create_quality_check({"rule": "notNull"}) == {"id": 7}
    assert requests_mock.call_count == 2
    assert sleeps == [1.0]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_post_answered_5xx_is_not_retried(
    client: Client, requests_mock: rm.Mocker, sleeps: Sleeps, status: int
) -> None:
    requests_mock.post(f"{BASE}/quality-checks", status_code=status, json={"detail": "boom"})
    with pytest.raises(ServerError) as exc:
        client.create_quality_check({"rule": "notNull"})
    assert requests_mock.call_count == 1
    assert sleeps == []
    assert "may have been applied" in exc.value.message


def test_patch_follows_the_post_rule(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.patch(f"{BASE}/containers", status_code=503)
    with pytest.raises(ServerError):
        client.patch_containers([{"id": 1, "tags": []}])
    assert requests_mock.call_count == 1


def test_put_is_retried_on_503(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.put(f"{BASE}/quality-checks/3", [{"status_code": 503}, {"json": {"id": 3}}])
    assert client.update_quality_check(3, {"status": "Active"}) == {"id": 3}


@pytest.mark.parametrize("failure", [requests.exceptions.ConnectTimeout, refused])
def test_post_is_retried_when_the_connection_was_never_made(
    client: Client, requests_mock: rm.Mocker, failure: Any
) -> None:
    requests_mock.post(f"{BASE}/operations/run", [{"exc": failure()}, {"json": {"id": 4}}])
    assert client.run_operation({"type": "sync"}) == {"id": 4}
    assert requests_mock.call_count == 2


@pytest.mark.parametrize(
    "failure",
    [
        requests.exceptions.ReadTimeout,
        lambda: requests.exceptions.ConnectionError(ProtocolError("Connection aborted.")),
    ],
)
def test_post_is_not_retried_when_it_may_have_been_sent(
    client: Client, requests_mock: rm.Mocker, failure: Any
) -> None:
    requests_mock.post(f"{BASE}/operations/run", exc=failure())
    with pytest.raises(TransportError) as exc:
        client.run_operation({"type": "sync"})
    assert requests_mock.call_count == 1
    assert "may have been applied" in exc.value.message


def test_get_is_retried_after_read_timeout(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/operations/2", [
        {"exc": requests.exceptions.ReadTimeout}, {"json": {"id": 2}},
    ])
    assert client.get_operation(2) == {"id": 2}


def test_retry_budget_exhausted_raises(
    client: Client, requests_mock: rm.Mocker, sleeps: Sleeps
) -> None:
    requests_mock.get(f"{BASE}/datastores/1", status_code=503)
    with pytest.raises(ServerError) as exc:
        client.get_datastore(1)
    assert requests_mock.call_count == 4  # first try + max_retries=3
    assert sleeps == [0.5, 1.0, 2.0]
    assert exc.value.status == 503
    assert "after 4 attempts" in exc.value.message


def test_persistent_429_raises_rate_limited(client: Client, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/datastores/1", status_code=429)
    with pytest.raises(RateLimited) as exc:
        client.get_datastore(1)
    assert exc.value.status == 429
    assert requests_mock.call_count == 4


def test_backoff_is_capped() -> None:
    c = Client(BASE, TOKEN, random=lambda: 1.0, backoff_max=5.0)
    assert [c.backoff(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


# -- counter ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/quality-checks/123", "/quality-checks/{id}"),
        ("/operations/abort/5", "/operations/abort/{id}"),
        ("/operations/5/quality-checks", "/operations/{id}/quality-checks"),
        ("/containers/listing?datastore=3", "/containers/listing"),
        ("/connections", "/connections"),
    ],
)
def test_path_template(path: str, template: str) -> None:
    assert path_template(path) == template


def test_counter_counts_every_attempt_by_template(
    client: Client, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{BASE}/quality-checks/1", json={"id": 1})
    requests_mock.get(f"{BASE}/quality-checks/2", [{"status_code": 503}, {"json": {"id": 2}}])
    requests_mock.put(f"{BASE}/operations/abort/5", json={"id": 5})
    client.get_quality_check(1)
    client.get_quality_check(2)
    client.abort_operation(5)
    assert client.counter.snapshot() == {
        "GET /quality-checks/{id}": 3,
        "PUT /operations/abort/{id}": 1,
    }
    assert client.counter.total == 4
    assert client.counter.by_method() == {"GET": 3, "PUT": 1}


def test_counter_is_thread_safe(client: Client) -> None:
    import threading

    def work() -> None:
        for _ in range(1000):
            client.counter.add("GET", "/containers/7")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert client.counter.snapshot() == {"GET /containers/{id}": 8000}


def test_debug_log_has_method_path_status_and_no_headers(
    client: Client, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.get(f"{BASE}/datastores/1", json={"id": 1})
    with caplog.at_level("DEBUG", logger="qualytics_ci.http"):
        client.get_datastore(1)
    text = caplog.text
    assert "GET /datastores/1 -> 200 in" in text
    assert TOKEN not in text
    assert "Authorization" not in text


def test_retry_after_as_an_http_date(requests_mock: rm.Mocker, sleeps: Sleeps) -> None:
    import email.utils
    import time

    c = Client(BASE, TOKEN, sleep=sleeps)
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    requests_mock.get(f"{BASE}/x", [
        {"status_code": 429, "headers": {"Retry-After": when}}, {"json": {}},
    ])
    c.get("/x")
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 30


# -- against a real server -------------------------------------------------------------------

def test_real_server_sees_the_api_path_query_and_token_under_concurrency() -> None:
    import json
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.path, self.headers.get("Authorization", "")))
            body = json.dumps({"items": [], "total": 0, "page": 1, "size": 100}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 64  # the default 5 drops concurrent connects (1 s SYN retry)

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        c = Client(f"http://127.0.0.1:{server.server_port}/", TOKEN, pool_size=8)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: c.list_quality_checks(i, container_id=[1, 2]), range(40)))
        c.close()
    finally:
        server.shutdown()
        server.server_close()
    assert len(seen) == 40
    assert all(auth == f"Bearer {TOKEN}" for _, auth in seen)
    assert "/api/quality-checks?datastore=3&container=1&container=2&page=1&size=100" in {
        path for path, _ in seen}
    assert c.counter.snapshot() == {"GET /quality-checks": 40}


def test_paginate_reads_pages_in_order_whatever_order_they_arrive(
    client: Client, requests_mock: rm.Mocker
) -> None:
    serve_pages(requests_mock, "/quality-checks", 23)
    items = list(client.paginate("/quality-checks", size=2))
    assert [i["id"] for i in items] == sorted(i["id"] for i in items)
    assert len(items) == 23 and requests_mock.call_count == 12


def test_pages_read_ahead_wait_as_bytes_and_are_decoded_by_the_reader(
    client: Client, requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoders: list[str] = []
    loads = jsonio.loads

    def watched(data: bytes) -> Any:
        decoders.append(threading.current_thread().name)
        return loads(data)

    monkeypatch.setattr(jsonio, "loads", watched)
    serve_pages(requests_mock, "/quality-checks", 23)
    items = list(client.paginate("/quality-checks", size=2))
    assert len(items) == 23
    assert decoders == [threading.current_thread().name] * 12
