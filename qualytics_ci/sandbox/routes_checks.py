"""/api/quality-checks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from qualytics_ci.sandbox import auth, checks, rendered
from qualytics_ci.sandbox.web import (
    IntList,
    PageNo,
    PageSize,
    StoreDep,
    StrList,
    User,
    ok,
    raw,
    raw_page,
)

router = APIRouter()
JsonBody = Body(default=None)


@router.get("/quality-checks", summary="List quality checks (archived excluded by default)")
async def list_checks(user: User, store: StoreDep, page_no: PageNo = 1, size: PageSize = 50,
                      datastore: IntList = None, container: IntList = None,
                      tag: StrList = None, status: StrList = None,
                      archived: Annotated[Literal["only", "include", "exclude"] | None,
                                          Query()] = None,
                      rule_type: StrList = None, search: str | None = None,
                      sort_created: Literal["asc", "desc"] | None = None) -> Response:
    if datastore:
        checks.ensure_readable(store, user, datastore)
        scope = datastore
    else:
        scope = [d for d in store.table("datastores") if auth.permission_on(user, d)]
    ids = checks.select_check_ids(store, datastores=scope, containers=container or (),
                                  tags=tag or (), status=status or (),
                                  archived=None if archived == "exclude" else archived,
                                  rule_types=rule_type or (), search=search)
    if sort_created == "desc":
        ids = ids[::-1]
    return raw_page(ids, page_no, size, lambda i: rendered.check_by_id(store, i))


@router.get("/quality-checks/{id}", summary="Get a quality check")
async def get_check(id: int, user: User, store: StoreDep) -> Response:
    rec = store.check(id)
    auth.require_permission(store, user, rec["datastore_id"], "Reporter", "read checks")
    return raw(rendered.check(store, rec))


@router.post("/quality-checks", summary="Create a quality check (Author; Drafter for Draft)")
async def create_check(user: User, store: StoreDep, body: Any = JsonBody) -> Response:
    return raw(rendered.check(store, checks.create_check(store, user, body)))


@router.put("/quality-checks/{id}", summary="Replace a quality check (Author)")
async def update_check(id: int, user: User, store: StoreDep, body: Any = JsonBody) -> Response:
    return raw(rendered.check(store, checks.update_check(store, user, id, body)))


@router.delete("/quality-checks/{id}", summary="Archive (default) or delete a check")
async def delete_check(id: int, user: User, store: StoreDep, archive: bool = True,
                       status: str = "Discarded", delete_anomalies: bool = False) -> Response:
    rec = checks.archive_check(store, user, id, archive=archive, status=status)
    return raw(rendered.check(store, rec)) if archive else ok({"id": rec["id"], "deleted": True})


@router.delete("/quality-checks", summary="Bulk archive/delete: [{id, archive, status}]")
async def bulk_delete_checks(user: User, store: StoreDep, body: Any = JsonBody) -> Response:
    return ok([{"id": r["id"], "status": r["status"]}
               for r in checks.bulk_delete(store, user, body)])
