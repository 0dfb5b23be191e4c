"""A create whose answer was lost is looked up again, not blindly re-sent."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from qualytics_ci.api.errors import ServerError, TransportError
from qualytics_ci.engine.state import TargetState
from qualytics_ci.engine.writes import Writer
from qualytics_ci.folder.model import Check

UID = "orders__notnull__id"


class LostAnswers:
    """POSTs are applied but their answer is lost (``error``); lists show what exists."""

    def __init__(self, error: Exception, applied: bool) -> None:
        self.error, self.applied = error, applied
        self.posts: list[Any] = []
        self.stored: list[dict[str, Any]] = []

    def post(self, path: str, *, json: Any = None) -> Any:
        self.posts.append(json)
        if len(self.posts) == 1:
            if self.applied:
                self.stored.append({"id": 41, "additional_metadata": json["additional_metadata"]})
            raise self.error
        self.stored.append({"id": 42, "additional_metadata": json["additional_metadata"]})
        return {"id": 42}

    def paginate(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        yield from self.stored


def writer(client: LostAnswers) -> Writer:
    state = TargetState(datastore_ids={"wh": 1}, container_ids={("wh", "orders"): 7},
                        read_datastores={"wh"})
    return Writer(client, state)  # type: ignore[arg-type]


CHECK = Check("notnull__id", {"rule_type": "notNull", "container": "orders", "fields": ["id"],
                              "additional_metadata": {"_qualytics_check_uid": UID}},
              "wh", "orders", uid=UID)
FIVE_HUNDRED = ServerError("boom", method="POST", path="/quality-checks", status=502)
TIMEOUT = TransportError("read timeout", method="POST", path="/quality-checks", status=None)


def test_applied_create_is_found_by_uid_and_not_sent_again() -> None:
    client = LostAnswers(FIVE_HUNDRED, applied=True)
    assert writer(client).create(CHECK, CHECK.body) == 41
    assert len(client.posts) == 1


def test_create_that_did_not_happen_is_sent_once_more() -> None:
    client = LostAnswers(TIMEOUT, applied=False)
    assert writer(client).create(CHECK, CHECK.body) == 42
    assert len(client.posts) == 2
    assert client.posts[0]["container_id"] == 7 and client.posts[0]["rule"] == "notNull"


class Scripted(LostAnswers):
    """Each POST follows a script: ``refused`` (not applied), ``lost`` (applied, answer
    lost) or ``ok``."""

    def __init__(self, *script: str) -> None:
        super().__init__(FIVE_HUNDRED, applied=False)
        self.script = list(script)

    def post(self, path: str, *, json: Any = None) -> Any:
        self.posts.append(json)
        outcome = self.script.pop(0)
        if outcome != "refused":
            self.stored.append({"id": 40 + len(self.posts),
                                "additional_metadata": json["additional_metadata"]})
        if outcome == "ok":
            return {"id": 40 + len(self.posts)}
        raise FIVE_HUNDRED


def test_a_resent_create_whose_answer_is_lost_too_is_found_again() -> None:
    client = Scripted("refused", "lost")
    assert writer(client).create(CHECK, CHECK.body) == 42
    assert len(client.posts) == 2 and len(client.stored) == 1


def test_a_create_refused_every_time_fails_without_creating_anything() -> None:
    client = Scripted("refused", "refused", "refused")
    with pytest.raises(ServerError):
        writer(client).create(CHECK, CHECK.body)
    assert len(client.posts) == 3 and client.stored == []


def test_a_look_up_that_keeps_failing_is_retried_by_the_client_alone(
        requests_mock: Any) -> None:
    """POST 502, then the look-up's list read fails every time: the client's retries are
    the only ones (no retry loop around them), and the create fails without a resend."""
    from qualytics_ci.api.client import Client

    base = "https://q.example.com/api"
    requests_mock.post(f"{base}/quality-checks", status_code=502)
    requests_mock.get(f"{base}/quality-checks", status_code=503)
    client = Client("q.example.com", "tok", sleep=lambda s: None, max_retries=2)
    state = TargetState(datastore_ids={"wh": 1}, container_ids={("wh", "orders"): 7},
                        read_datastores={"wh"})
    with pytest.raises(ServerError):
        Writer(client, state).create(CHECK, CHECK.body)
    methods = [r.method for r in requests_mock.request_history]
    assert methods.count("GET") == 3  # one read, as the client tries it: 1 + max_retries
    assert methods.count("POST") == 1
