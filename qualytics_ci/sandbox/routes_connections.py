"""/api/connections and /api/datastores."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body
from fastapi.responses import Response

from qualytics_ci.sandbox import auth, entities, views
from qualytics_ci.sandbox.web import (
    PageNo,
    PageSize,
    StoreDep,
    StrList,
    User,
    no_content,
    ok,
    page,
)

router = APIRouter()
JsonBody = Body(default=None)


@router.get("/connections", summary="List connections")
async def list_connections(user: User, store: StoreDep, page_no: PageNo = 1,
                           size: PageSize = 50, name: str | None = None,
                           type: StrList = None) -> Response:
    items = [c for c in store.table("connections").values()
             if (not name or name.lower() in c["name"].lower()) and (not type or c["type"] in type)]
    return page(items, page_no, size, lambda c: views.connection(store, c))


@router.get("/connections/{id}", summary="Get a connection (secrets never returned)")
async def get_connection(id: int, user: User, store: StoreDep) -> Response:
    return ok(views.connection(store, store.connection(id)))


@router.post("/connections", summary="Create a connection (Manager)")
async def create_connection(user: User, store: StoreDep, body: Any = JsonBody) -> Response:
    return ok(views.connection(store, entities.create_connection(store, user, body)))


@router.put("/connections/{id}", summary="Replace a connection (Manager)")
async def update_connection(id: int, user: User, store: StoreDep,
                            body: Any = JsonBody) -> Response:
    return ok(views.connection(store, entities.update_connection(store, user, id, body)))


@router.delete("/connections/{id}", summary="Delete an unused connection (Manager)")
async def delete_connection(id: int, user: User, store: StoreDep) -> Response:
    entities.delete_connection(store, user, id)
    return no_content()


@router.post("/connections/{id}/test", summary="Test a connection")
async def test_connection(id: int, user: User, store: StoreDep) -> Response:
    store.connection(id)
    return ok({"connected": True, "message": None})


@router.get("/datastores", summary="List datastores")
async def list_datastores(user: User, store: StoreDep, page_no: PageNo = 1,
                          size: PageSize = 50, name: str | None = None,
                          datastore_type: StrList = None, tag: StrList = None,
                          search: str | None = None,
                          enrichment_only: bool | None = None) -> Response:
    def visible(d: dict[str, Any]) -> bool:
        if user["role"] == "Member" and auth.permission_on(user, d["id"]) is None:
            return False
        if name and name.lower() not in d["name"].lower():
            return False
        if search and search.lower() not in d["name"].lower():
            return False
        if tag and not set(tag).intersection(d["tags"]):
            return False
        if datastore_type and store.connection(d["connection_id"])["type"] not in datastore_type:
            return False
        return enrichment_only is None or bool(d["enrichment_only"]) == enrichment_only

    items = [d for d in store.table("datastores").values() if visible(d)]
    return page(items, page_no, size, lambda d: views.datastore(store, d))


@router.get("/datastores/{id}", summary="Get a datastore (Reporter)")
async def get_datastore(id: int, user: User, store: StoreDep) -> Response:
    rec = store.datastore(id)
    auth.require_permission(store, user, id, "Reporter", "read the datastore")
    return ok(views.datastore(store, rec))


@router.post("/datastores", summary="Create a datastore (Manager)")
async def create_datastore(user: User, store: StoreDep, body: Any = JsonBody) -> Response:
    return ok(views.datastore(store, entities.create_datastore(store, user, body)))


@router.put("/datastores/{id}", summary="Replace a datastore's settings (Editor)")
async def update_datastore(id: int, user: User, store: StoreDep,
                           body: Any = JsonBody) -> Response:
    return ok(views.datastore(store, entities.update_datastore(store, user, id, body)))


@router.delete("/datastores/{id}", summary="Delete a datastore (Admin)")
async def delete_datastore(id: int, user: User, store: StoreDep) -> Response:
    entities.delete_datastore(store, user, id)
    return no_content()


@router.post("/datastores/{id}/connection", summary="Verify a datastore's connection")
async def verify_datastore(id: int, user: User, store: StoreDep) -> Response:
    store.datastore(id)
    return ok({"connected": True, "message": None})


@router.patch("/datastores/{id}/enrichment/{enrich_id}", summary="Link enrichment (Editor)")
async def link_enrichment(id: int, enrich_id: int, user: User, store: StoreDep) -> Response:
    return ok(views.datastore(store, entities.set_enrichment(store, user, id, enrich_id)))


@router.delete("/datastores/{id}/enrichment", summary="Unlink enrichment (Editor)")
async def unlink_enrichment(id: int, user: User, store: StoreDep) -> Response:
    return ok(views.datastore(store, entities.set_enrichment(store, user, id, None)))
