"""/api/status, /api/global-tags, /api/teams (and /teams/listing), /api/users (and /users/me)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body
from fastapi.responses import Response

from qualytics_ci.sandbox import auth, views
from qualytics_ci.sandbox.problems import expect_dict, not_found, require_keys
from qualytics_ci.sandbox.store import now_iso
from qualytics_ci.sandbox.tags import ensure_tags
from qualytics_ci.sandbox.web import (
    IntList,
    PageNo,
    PageSize,
    StoreDep,
    User,
    no_content,
    ok,
    page,
)

router = APIRouter()
JSON_BODY = Body(default=None)


@router.get("/status", summary="Health")
async def status(store: StoreDep) -> Response:
    return ok({"status": "ok", "api_version": "sandbox", "build": "qualytics-ci-sandbox",
               "time": now_iso()})


@router.get("/global-tags", summary="List global tags")
async def list_tags(user: User, store: StoreDep, page_no: PageNo = 1,
                    size: PageSize = 50) -> Response:
    tags = sorted(store.data["global_tags"].values(), key=lambda t: t["name"])
    return page(tags, page_no, size)


@router.get("/global-tags/{name}", summary="Get a global tag")
async def get_tag(name: str, user: User, store: StoreDep) -> Response:
    tag = store.data["global_tags"].get(name)
    if tag is None:
        raise not_found("Global tag", name)
    return ok(tag)


@router.post("/global-tags", summary="Create a global tag")
async def create_tag(user: User, store: StoreDep, body: Any = JSON_BODY) -> Response:
    body = expect_dict(body)
    require_keys(body, "name")
    with store.lock:
        ensure_tags(store, [body["name"]])
        tag = store.data["global_tags"][body["name"]]
        tag.update({k: body[k] for k in ("color", "description", "category") if k in body})
        store.touch()
    return ok(tag)


@router.delete("/global-tags/{name}", summary="Delete a global tag")
async def delete_tag(name: str, user: User, store: StoreDep) -> Response:
    with store.lock:
        if store.data["global_tags"].pop(name, None) is None:
            raise not_found("Global tag", name)
        store.touch()
    return no_content()


@router.get("/teams", summary="List teams")
async def list_teams(user: User, store: StoreDep, page_no: PageNo = 1,
                     size: PageSize = 50) -> Response:
    return page(list(store.table("teams").values()), page_no, size)


@router.get("/teams/listing", summary="List teams (not paginated), by member and permission")
async def teams_listing(user: User, store: StoreDep, users: IntList = None,
                        permission: str | None = None) -> Response:
    members = [u for u in store.table("users").values() if not users or u["id"] in users]
    teams = [t for u in members for t in auth.permission_teams(store, u)]
    return ok([t for t in teams if permission is None or t["permission"] == permission])


@router.get("/teams/{id}", summary="Get a team")
async def get_team(id: int, user: User, store: StoreDep) -> Response:
    return ok(store.get("teams", id))


@router.get("/users", summary="List users")
async def list_users(user: User, store: StoreDep, page_no: PageNo = 1,
                     size: PageSize = 50) -> Response:
    return page(list(store.table("users").values()), page_no, size, views.user)


@router.get("/users/me", summary="Get the current user (the token's)")
async def current_user(user: User) -> Response:
    return ok(views.user(user))


@router.get("/users/{id}", summary="Get a user")
async def get_user(id: int, user: User, store: StoreDep) -> Response:
    return ok(views.user(store.get("users", id)))
