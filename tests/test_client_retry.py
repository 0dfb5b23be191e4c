"""Which calls the client sends again after a failure, how long it waits, and what the
error says when it does not (docs/http-client.md, "Retries")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import requests_mock as rm
from urllib3.exceptions import ProtocolError

from qualytics_ci import secrets
from qualytics_ci.api.client import Client
from qualytics_ci.api.errors import ServerError, TransportError

BASE = "https://q.example.com/api"
TOKEN = "secret-token-abcdef123456"
BOOM = {"detail": "boom"}


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    yield
    secrets.clear()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> Client:
    # random() == 0.0 makes the jitter factor 0.5: delays 0.25, 0.5, 1.0, ...
    return Client(BASE, TOKEN, sleep=sleeps.append, random=lambda: 0.0, max_retries=3)


def test_a_get_answered_500_once_then_200_succeeds(client: Client, requests_mock: rm.Mocker,
                                                   sleeps: list[float]) -> None:
    requests_mock.get(f"{BASE}/datastores/1", [{"status_code": 500, "json": BOOM},
                                               {"json": {"id": 1}}])
    assert client.get_datastore(1) == {"id": 1}
    assert requests_mock.call_count == 2
    assert sleeps == [0.25]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_read_is_retried_on_every_transient_server_error(
        client: Client, requests_mock: rm.Mocker, status: int) -> None:
    requests_mock.get(f"{BASE}/quality-checks", [{"status_code": status}, {"status_code": status},
                                                 {"json": {"items": [], "total": 0}}])
    assert client.list_quality_checks(1) == []
    assert requests_mock.call_count == 3


def test_a_503_with_retry_after_waits_what_the_server_asks(
        requests_mock: rm.Mocker, sleeps: list[float]) -> None:
    client = Client(BASE, TOKEN, sleep=sleeps.append, max_retry_after=20.0)
    requests_mock.get(f"{BASE}/operations/4", [
        {"status_code": 503, "headers": {"Retry-After": "7"}},
        {"status_code": 500, "headers": {"Retry-After": "3600"}},
        {"json": {"id": 4}}])
    assert client.get_operation(4) == {"id": 4}
    assert sleeps == [7.0, 20.0]  # capped at max_retry_after


def test_a_read_whose_connection_is_reset_is_retried(client: Client,
                                                     requests_mock: rm.Mocker) -> None:
    reset = requests.exceptions.ConnectionError(ProtocolError("Connection reset by peer"))
    requests_mock.get(f"{BASE}/containers/2", [{"exc": reset}, {"json": {"id": 2}}])
    assert client.get_container(2) == {"id": 2}
    assert requests_mock.call_count == 2


def test_a_persistent_500_on_a_read_gives_up_after_the_attempt_cap(
        client: Client, requests_mock: rm.Mocker, sleeps: list[float]) -> None:
    requests_mock.get(f"{BASE}/datastores/1", status_code=500, json=BOOM)
    with pytest.raises(ServerError) as exc:
        client.get_datastore(1)
    assert requests_mock.call_count == 4  # the first try and max_retries=3 more
    assert sleeps == [0.25, 0.5, 1.0]
    assert exc.value.message == "server error (500) after 4 attempts for GET /datastores/1: boom"


def test_a_post_answered_500_is_not_retried_and_says_so(client: Client,
                                                        requests_mock: rm.Mocker,
                                                        sleeps: list[float]) -> None:
    requests_mock.post(f"{BASE}/quality-checks", status_code=500, json=BOOM)
    with pytest.raises(ServerError) as exc:
        client.create_quality_check({"rule": "notNull"})
    assert requests_mock.call_count == 1 and sleeps == []
    assert exc.value.message == ("POST /quality-checks failed with 500 (not retried: the write "
                                 "may have been applied): boom")
    assert exc.value.hint is not None and "re-read the target" in exc.value.hint


def test_a_post_refused_with_429_then_failing_says_which_attempt_failed(
        client: Client, requests_mock: rm.Mocker) -> None:
    """The earlier attempt was refused unprocessed; the one that failed was not repeated."""
    requests_mock.post(f"{BASE}/quality-checks", [
        {"status_code": 429, "headers": {"Retry-After": "0"}},
        {"status_code": 503, "json": BOOM}])
    with pytest.raises(ServerError) as exc:
        client.create_quality_check({"rule": "notNull"})
    assert requests_mock.call_count == 2
    assert exc.value.message == ("POST /quality-checks failed with 503 on attempt 2 (not "
                                 "retried: the write may have been applied): boom")


def test_a_put_answered_500_is_not_retried_and_says_so(client: Client,
                                                       requests_mock: rm.Mocker) -> None:
    requests_mock.put(f"{BASE}/quality-checks/3", status_code=500, json=BOOM)
    with pytest.raises(ServerError) as exc:
        client.update_quality_check(3, {"status": "Active"})
    assert requests_mock.call_count == 1
    assert "PUT /quality-checks/3 failed with 500 (not retried" in exc.value.message


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_an_idempotent_write_is_retried_on_a_gateway_error(
        client: Client, requests_mock: rm.Mocker, method: str) -> None:
    requests_mock.register_uri(method, f"{BASE}/quality-checks/3",
                               [{"status_code": 502}, {"json": {"id": 3}}])
    assert client.request(method, "/quality-checks/3") == {"id": 3}
    assert requests_mock.call_count == 2


def test_a_post_whose_answer_was_lost_is_not_retried_and_says_so(
        client: Client, requests_mock: rm.Mocker) -> None:
    lost = requests.exceptions.ConnectionError(ProtocolError("Connection aborted."))
    requests_mock.post(f"{BASE}/operations/run", exc=lost)
    with pytest.raises(TransportError) as exc:
        client.run_operation({"type": "sync"})
    assert requests_mock.call_count == 1
    assert exc.value.message.endswith("(POST /operations/run); not retried: the write may have "
                                      "been applied")
    assert exc.value.hint is not None and "re-read the target" in exc.value.hint


def test_a_page_answered_500_is_read_again_and_no_item_is_lost(
        client: Client, requests_mock: rm.Mocker) -> None:
    def page(n: int) -> dict[str, object]:
        return {"items": [{"id": i} for i in range((n - 1) * 100, min(n * 100, 250))],
                "total": 250}

    requests_mock.get(f"{BASE}/quality-checks", [{"json": page(1)}])
    requests_mock.get(f"{BASE}/quality-checks?page=2", [{"status_code": 500}, {"json": page(2)}])
    requests_mock.get(f"{BASE}/quality-checks?page=3", [{"json": page(3)}])
    ids = [c["id"] for c in client.paginate("/quality-checks")]
    assert ids == list(range(250))
    assert requests_mock.call_count == 4
