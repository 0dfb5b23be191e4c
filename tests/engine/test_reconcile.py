"""A create whose answer was lost is looked up again, not blindly re-sent."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from qualytics_ci.api_errors import ServerError, TransportError
from qualytics_ci.model import Check
from qualytics_ci.state import TargetState
from qualytics_ci.writes import Writer

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
