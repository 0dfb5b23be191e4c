"""The preview asks, read-only, whether the caller may promote: Editor team permission on
both datastores (Admins bypass), as the platform checks it when the promote is sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests_mock as rm

from qualytics_ci import secrets
from qualytics_ci.api.client import Client
from qualytics_ci.promote.permission import Caller, check_permission, judge, strongest
from qualytics_ci.promote.request import Ref

BASE = "https://q.example.com/api"
DEV, PROD = Ref(1, "warehouse-dev", "jdbc"), Ref(3, "warehouse-prod", "jdbc")
MEMBER = {"id": 7, "email": "ci@acme.example", "role": "Member"}


def team(permission: str, *datastores: Ref, key: str = "datastores") -> dict[str, Any]:
    listed: list[Any] = ([{"id": d.id, "name": d.name} for d in datastores]
                         if key == "datastores" else [d.id for d in datastores])
    return {"id": 10, "name": f"{permission} team", "permission": permission, key: listed}


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    yield
    secrets.clear()


def test_an_admin_may_promote_without_any_team() -> None:
    check = judge({"id": 1, "email": "admin@acme.example", "role": "Admin"}, [], DEV, PROD)
    assert check.allowed is True and "is an Admin" in check.text


def test_editor_on_both_datastores_may_promote() -> None:
    check = judge(MEMBER, [team("Editor", DEV, PROD)], DEV, PROD)
    assert check.allowed is True
    assert check.text == ("permission: the token's user ci@acme.example holds Editor on "
                          "warehouse-dev and warehouse-prod")


def test_the_strongest_team_grant_counts() -> None:
    teams = [team("Reporter", DEV, PROD), team("Editor", PROD, key="datastore_ids"),
             team("Editor", DEV)]
    assert strongest(teams, PROD.id) == "Editor"
    assert judge(MEMBER, teams, DEV, PROD).allowed is True


def test_a_missing_grant_names_the_datastore_and_what_the_user_has() -> None:
    check = judge(MEMBER, [team("Editor", DEV), team("Author", PROD)], DEV, PROD)
    assert check.allowed is False
    assert check.text == ("the promote would be refused (403): it needs Editor team permission "
                          "on both warehouse-dev and warehouse-prod, and the token's user "
                          "ci@acme.example lacks it on warehouse-prod (Author); nothing would "
                          "be enqueued")
    assert check.brief == "refused (403): no Editor on warehouse-prod (Author)"
    nothing = judge(MEMBER, [], DEV, PROD)
    assert "lacks it on warehouse-dev (no team permission), warehouse-prod (no team " \
           "permission)" in nothing.text


def test_the_caller_and_its_teams_are_read_with_two_gets(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/users/me", json=MEMBER)
    requests_mock.get(f"{BASE}/teams/listing", json=[team("Reporter", DEV, PROD)])
    check = check_permission(Client(BASE, "tok-" + "x" * 20), DEV, PROD)
    assert check.allowed is False
    assert "lacks it on warehouse-dev (Reporter), warehouse-prod (Reporter)" in check.text
    sent = [(r.method, r.path, r.query) for r in requests_mock.request_history]
    assert sent == [("GET", "/api/users/me", ""), ("GET", "/api/teams/listing", "users=7")]


@pytest.mark.parametrize("status", [403, 404])
def test_a_deployment_that_cannot_be_asked_leaves_the_decision_to_the_run(
        requests_mock: rm.Mocker, status: int) -> None:
    requests_mock.get(f"{BASE}/users/me", status_code=status, json={"detail": "no"})
    check = check_permission(Client(BASE, "tok-" + "x" * 20), DEV, PROD)
    assert check.allowed is None
    assert check.text.startswith(f"the token's permission was not checked (the API answered "
                                 f"{status}")


def test_a_server_error_reading_the_caller_is_an_error(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/users/me", status_code=500, json={"detail": "down"})
    client = Client(BASE, "tok-" + "x" * 20, sleep=lambda s: None, max_retries=1)
    with pytest.raises(Exception, match="server error \\(500\\) after 2 attempts"):
        check_permission(client, DEV, PROD)


def test_several_previews_read_the_caller_once(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/users/me", json=MEMBER)
    requests_mock.get(f"{BASE}/teams/listing", json=[team("Editor", DEV, PROD)])
    caller = Caller(Client(BASE, "tok-" + "x" * 20))
    assert caller.check(DEV, PROD).allowed is True
    assert caller.check(PROD, DEV).allowed is True
    assert caller.check(DEV, Ref(9, "lake-prod", "dfs")).allowed is False
    assert requests_mock.call_count == 2
