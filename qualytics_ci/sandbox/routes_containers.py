"""/api/containers, /api/containers/{id}/fields and /api/computed-fields."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body
from fastapi.responses import Response

from qualytics_ci.sandbox import auth, containers, rendered, views
from qualytics_ci.sandbox.checks import ensure_readable
from qualytics_ci.sandbox.store import Record, Store
from qualytics_ci.sandbox.web import (
    IntList,
    PageNo,
    PageSize,
    StoreDep,
    StrList,
    User,
    no_content,
    ok,
    raw,
    raw_page,
)

router = APIRouter()
JsonBody = Body(default=None)


def _readable(store: Store, user: Record, datastore: list[int] | None) -> set[int]:
    if datastore:
        ensure_readable(store, user, datastore)
        return set(datastore)
    return {d for d in store.table("datastores")
            if auth.permission_on(user, d) is not None}


def _containers(store: Store, datastores: set[int]) -> list[Record]:
    """The containers of these datastores, in id order."""
    if len(datastores) == 1:
        return store.containers_of(next(iter(datastores)))
    found = [c for d in datastores for c in store.containers_of(d)]
    return sorted(found, key=lambda c: int(c["id"]))


@router.get("/containers", summary="List containers")
async def list_containers(user: User, store: StoreDep, page_no: PageNo = 1,
                          size: PageSize = 50, datastore: IntList = None,
                          container_type: StrList = None, name: str | None = None,
                          tag: StrList = None, search: str | None = None) -> Response:
    allowed = _readable(store, user, datastore)
    ids = [c["id"] for c in _containers(store, allowed)
           if (not container_type or c["container_type"] in container_type)
           and (not name or name.lower() in c["name"].lower())
           and (not search or search.lower() in c["name"].lower())
           and (not tag or set(tag).intersection(c["tags"]))]
    return raw_page(ids, page_no, size, lambda i: rendered.container_by_id(store, i))


@router.get("/containers/listing", summary="All containers of datastores (bare array)")
async def containers_listing(user: User, store: StoreDep, datastore: IntList = None,
                             container_type: StrList = None) -> Response:
    allowed = _readable(store, user, datastore)
    return ok([views.listing_item(store, c) for c in _containers(store, allowed)
               if not container_type or c["container_type"] in container_type])


def _readable_container(store: Store, user: Record, id: int) -> Record:
    rec = store.container(id)
    auth.require_permission(store, user, rec["datastore_id"], "Reporter", "read containers")
    return rec


@router.get("/containers/{id}", summary="Get a container with its computed fields")
async def get_container(id: int, user: User, store: StoreDep) -> Response:
    return raw(rendered.container(store, _readable_container(store, user, id)))


@router.get("/containers/{id}/fields", summary="Fields of a container (bare array)")
async def container_fields(id: int, user: User, store: StoreDep) -> Response:
    return ok(views.fields(store, _readable_container(store, user, id)))


@router.get("/containers/{id}/field-profiles", summary="Field profiles (empty)")
async def field_profiles(id: int, user: User, store: StoreDep) -> Response:
    _readable_container(store, user, id)
    return ok([])


@router.post("/containers", summary="Create a computed table, file or join (Editor)")
async def create_container(user: User, store: StoreDep, body: Any = JsonBody) -> Response:
    return raw(rendered.container(store, containers.create_container(store, user, body)))


@router.post("/containers/validate", summary="Validate a computed container definition")
async def validate_container(user: User, store: StoreDep, body: Any = JsonBody,
                             timeout_seconds: int = 60) -> Response:
    return no_content()


@router.patch("/containers", summary="Bulk-assign tags: [{id, tags}]")
async def patch_containers(user: User, store: StoreDep, body: Any = JsonBody) -> Response:
    changed = containers.patch_containers(store, user, body)
    return raw(b"[" + b",".join(rendered.container(store, c) for c in changed) + b"]")


@router.put("/containers/{id}", summary="Replace a container's definition (Editor)")
async def update_container(id: int, user: User, store: StoreDep,
                           body: Any = JsonBody) -> Response:
    return raw(rendered.container(store, containers.update_container(store, user, id, body)))


@router.delete("/containers/{id}", summary="Delete a computed container (Editor)")
async def delete_container(id: int, user: User, store: StoreDep) -> Response:
    containers.delete_container(store, user, id)
    return no_content()


@router.post("/computed-fields", summary="Create a computed field (Editor)")
async def create_computed_field(user: User, store: StoreDep, body: Any = JsonBody) -> Response:
    rec = containers.create_computed_field(store, user, body)
    return ok(views.computed_field(store, rec))


@router.put("/computed-fields/{id}", summary="Replace a computed field (Editor)")
async def update_computed_field(id: int, user: User, store: StoreDep,
                                body: Any = JsonBody) -> Response:
    rec = containers.update_computed_field(store, user, id, body)
    return ok(views.computed_field(store, rec))


@router.delete("/computed-fields/{id}", summary="Delete a computed field (Editor)")
async def delete_computed_field(id: int, user: User, store: StoreDep) -> Response:
    containers.delete_computed_field(store, user, id)
    return no_content()
