"""Tokens, roles and team permissions: 401 for strangers, 403 naming what is missing."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest

from .conftest import Api


def test_tokens_are_jwt_shaped_without_expiry(api: Callable[..., Api]) -> None:
    token = api().session.headers["Authorization"].split()[1]
    _header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert "exp" not in claims and signature


def test_missing_or_wrong_token_is_401(api: Callable[..., Api]) -> None:
    stranger = api(None)
    assert stranger.get("/datastores").status_code == 401
    stranger.session.headers["Authorization"] = "Bearer a.b.c"
    response = stranger.get("/quality-checks")
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


def test_reporter_reads_everything_but_writes_nothing(api: Callable[..., Api]) -> None:
    reporter, admin = api("reporter"), api()
    ds = reporter.datastore("warehouse-dev")
    orders = reporter.container(ds["id"], "orders")
    assert reporter.get("/quality-checks", params={"datastore": ds["id"]}).status_code == 200
    check = {"container_id": orders["id"], "rule": "notNull", "fields": ["status"]}
    for method, path, body, needed in [
        ("POST", "/connections", {"name": "x", "type": "postgresql"}, "Manager role"),
        ("POST", "/datastores", {"name": "x", "connection_id": 1}, "Manager role"),
        ("PUT", f"/datastores/{ds['id']}", {"name": ds["name"]}, "Editor team permission"),
        ("POST", "/quality-checks", check, "Author team permission"),
        ("POST", "/quality-checks", {**check, "status": "Draft"}, "Drafter team permission"),
        ("POST", "/containers", {"container_type": "computed_table", "datastore_id": ds["id"],
                                 "name": "x", "query": "select 1 as a"}, "Editor team"),
        ("POST", "/computed-fields", {"container_id": orders["id"], "name": "x",
                                      "transformation": "customExpression",
                                      "properties": {"column_expression": "1"}}, "Editor team"),
        ("POST", "/operations/run", {"type": "sync", "datastore_id": ds["id"]}, "Editor team"),
    ]:
        response = reporter.call(method, path, json=body)
        assert response.status_code == 403, (path, response.text)
        assert needed in response.json()["detail"]
    assert admin.get("/quality-checks", params={"datastore": ds["id"]}).json()["total"] > 0


def test_editor_member_cannot_touch_connections_or_create_datastores(
        api: Callable[..., Api]) -> None:
    editor = api("editor")
    assert editor.get("/connections").status_code == 200
    response = editor.post("/connections", json={"name": "x", "type": "postgresql"})
    assert response.status_code == 403
    assert "Manager role" in response.json()["detail"]
    assert editor.post("/datastores", json={"name": "x", "connection_id": 1}).status_code == 403
    ds = editor.datastore("warehouse-dev")
    body = editor.ok("GET", f"/datastores/{ds['id']}")
    assert editor.put(f"/datastores/{ds['id']}", json=body).status_code == 200


def test_manager_creates_connections_and_datastores(api: Callable[..., Api]) -> None:
    manager = api("manager")
    conn = manager.ok("POST", "/connections", json={"name": "m", "type": "mysql", "host": "h"})
    ds = manager.ok("POST", "/datastores", json={"name": "m-ds", "connection_id": conn["id"]})
    assert ds["connection_id"] == conn["id"]


@pytest.mark.parametrize("role", ["admin", "manager", "editor"])
def test_drafter_level_and_up_may_save_drafts(api: Callable[..., Api], role: str) -> None:
    client = api(role)
    ds = client.datastore("warehouse-dev")
    orders = client.container(ds["id"], "orders")
    client.ok("POST", "/quality-checks", json={"container_id": orders["id"], "rule": "notNull",
                                               "fields": ["status"], "status": "Draft"})


def test_team_permission_per_datastore(sandbox: object, api: Callable[..., Api]) -> None:
    from qualytics_ci.sandbox.server import RunningSandbox

    assert isinstance(sandbox, RunningSandbox)
    editor = api("editor")
    ds = editor.datastore("warehouse-prod")
    user = next(sandbox.store.where("users", username="editor"))
    user["permissions"][str(ds["id"])] = "Drafter"
    orders = editor.container(ds["id"], "orders")
    body = {"container_id": orders["id"], "rule": "notNull", "fields": ["status"]}
    response = editor.post("/quality-checks", json=body)
    assert response.status_code == 403
    assert "Author team permission on datastore 'warehouse-prod'" in response.json()["detail"]
    assert "you have Drafter" in response.json()["detail"]
    editor.ok("POST", "/quality-checks", json={**body, "status": "Draft"})


def test_control_endpoint_sets_a_team_permission(api: Callable[..., Api]) -> None:
    admin, editor = api(), api("editor")
    ds = admin.datastore("warehouse-staging")
    orders = admin.container(ds["id"], "orders")
    admin.ok("POST", "/_sandbox/permissions", json={"user": "editor", "datastore_id": ds["id"],
                                                    "permission": "Drafter"})
    body = {"container_id": orders["id"], "rule": "notNull", "fields": ["status"]}
    assert editor.post("/quality-checks", json=body).status_code == 403
    editor.ok("POST", "/quality-checks", json={**body, "status": "Draft"})
    admin.ok("POST", "/_sandbox/permissions", json={"user": "editor", "datastore_id": ds["id"],
                                                    "permission": None})
    assert editor.get(f"/datastores/{ds['id']}").status_code == 403
    names = [d["name"] for d in editor.ok("GET", "/datastores")["items"]]
    assert "warehouse-staging" not in names
