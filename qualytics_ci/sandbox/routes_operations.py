"""/api/operations: run, get, list, abort, promote result sub-lists."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body
from fastapi.responses import Response

from qualytics_ci.sandbox import auth, operations, views
from qualytics_ci.sandbox.web import IntList, PageNo, PageSize, StoreDep, StrList, User, ok, page

router = APIRouter()
JsonBody = Body(default=None)


@router.post("/operations/run", summary="Run an operation (sync/catalog, profile, scan, promote_*)")
async def run_operation(user: User, store: StoreDep, body: Any = JsonBody) -> Response:
    return ok(views.operation(store, operations.start_operation(store, user, body)))


@router.get("/operations", summary="List operations (newest first by default)")
async def list_operations(user: User, store: StoreDep, page_no: PageNo = 1, size: PageSize = 50,
                          datastore: IntList = None, operation_type: StrList = None,
                          result: StrList = None, finished: bool | None = None,
                          sort_created: Literal["asc", "desc"] = "desc") -> Response:
    def keep(op: dict[str, Any]) -> bool:
        ds = op.get("datastore_id")
        if ds is not None and store.find("datastores", ds) and not auth.permission_on(user, ds):
            return False
        if datastore and ds not in datastore and op.get("destination_datastore_id") not in \
                datastore:
            return False
        if operation_type and op["type"] not in operation_type:
            return False
        if result and op["result"] not in result:
            return False
        return finished is None or (op["end_time"] is not None) == finished

    items = [op for op in store.table("operations").values() if keep(op)]
    if sort_created == "desc":
        items.reverse()
    return page(items, page_no, size, lambda op: views.operation(store, op))


@router.get("/operations/{id}", summary="Get an operation")
async def get_operation(id: int, user: User, store: StoreDep) -> Response:
    return ok(views.operation(store, store.operation(id)))


@router.put("/operations/abort/{id}", summary="Abort a running operation (Editor)")
async def abort_operation(id: int, user: User, store: StoreDep) -> Response:
    return ok(views.operation(store, operations.abort(store, user, id)))


def _results(store: Any, id: int, kinds: tuple[str, ...], page_no: int, size: int,
             promote_result: list[str] | None, search: str | None) -> Response:
    op = store.operation(id)
    items = [r for r in op.get("results") or [] if r.get("entity_type") in kinds
             and (not promote_result or r.get("result") in promote_result)
             and (not search or search.lower() in str(r.get("source_entity")).lower())]
    return page(items, page_no, size)


@router.get("/operations/{id}/quality-checks", summary="Promote results: checks")
async def promote_check_results(id: int, user: User, store: StoreDep, page_no: PageNo = 1,
                                size: PageSize = 50, promote_result: StrList = None,
                                search: str | None = None) -> Response:
    return _results(store, id, ("quality_check",), page_no, size, promote_result, search)


@router.get("/operations/{id}/fields", summary="Promote results: computed fields")
async def promote_field_results(id: int, user: User, store: StoreDep, page_no: PageNo = 1,
                                size: PageSize = 50, promote_result: StrList = None,
                                search: str | None = None) -> Response:
    return _results(store, id, ("computed_field",), page_no, size, promote_result, search)


@router.get("/operations/{id}/containers", summary="Promote results: computed tables/files")
async def promote_container_results(id: int, user: User, store: StoreDep,
                                    page_no: PageNo = 1, size: PageSize = 50,
                                    promote_result: StrList = None,
                                    search: str | None = None) -> Response:
    return _results(store, id, ("computed_table", "computed_file"), page_no, size,
                    promote_result, search)
