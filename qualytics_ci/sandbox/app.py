"""The FastAPI application: API routers under /api, control endpoints under /_sandbox.

:class:`Sandbox` is the running emulator's state (store, faults, request log,
seed); :func:`create_app` builds the ASGI app serving it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Body, FastAPI, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from qualytics_ci.sandbox import auth, operations, seeds, views
from qualytics_ci.sandbox.catalog import default_catalog
from qualytics_ci.sandbox.faults import Faults, FaultsMiddleware, RequestLog
from qualytics_ci.sandbox.problems import ApiError, expect_dict, invalid, require_keys
from qualytics_ci.sandbox.routes_checks import router as checks_router
from qualytics_ci.sandbox.routes_connections import router as connections_router
from qualytics_ci.sandbox.routes_containers import router as containers_router
from qualytics_ci.sandbox.routes_misc import router as misc_router
from qualytics_ci.sandbox.routes_operations import router as operations_router
from qualytics_ci.sandbox.store import Store
from qualytics_ci.sandbox.web import FastJSON, no_content, ok

JSON_BODY = Body(default=None)
ROUTERS = (connections_router, containers_router, checks_router, operations_router, misc_router)


@dataclass
class Sandbox:
    """A running emulator's state."""

    store: Store
    seed: str = "demo"
    faults: Faults = field(default_factory=Faults)
    log: RequestLog = field(default_factory=RequestLog)
    token_overrides: dict[str, str] = field(default_factory=dict)

    def reset(self, seed: str | None = None) -> None:
        """Replace all data with a fresh copy of ``seed`` (default: the current seed)."""
        self.seed = seed or self.seed
        self.store.replace(*seeds.build_rendered(self.seed))
        if self.token_overrides:
            auth.replace_tokens(self.store, self.token_overrides)

    def tokens(self) -> dict[str, str]:
        """The seed users' tokens: admin, manager, editor, reporter."""
        return auth.tokens(self.store)


def _admin(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    user = auth.user_for_token(sandbox.store, request.headers.get("authorization"))
    auth.require_role(user, "Admin", "use the sandbox control endpoints")
    return sandbox


def _control_routes(app: FastAPI) -> None:
    @app.get("/_sandbox/requests", tags=["sandbox"], summary="The request log")
    async def requests_log(request: Request, since: int = 0) -> Response:
        return ok(_admin(request).log.since(since))

    @app.get("/_sandbox/stats", tags=["sandbox"], summary="Request counts")
    async def stats(request: Request) -> Response:
        return ok(_admin(request).log.stats())

    @app.post("/_sandbox/reset", tags=["sandbox"], summary="Reseed; clears the request log")
    async def reset(request: Request, body: Any = JSON_BODY) -> Response:
        sandbox = _admin(request)
        seed = expect_dict(body).get("seed") if body else None
        sandbox.reset(seed)
        sandbox.log.clear()
        return ok({"seed": sandbox.seed, "tokens": sandbox.tokens()})

    @app.get("/_sandbox/faults", tags=["sandbox"], summary="Current fault settings")
    async def get_faults(request: Request) -> Response:
        return ok(_admin(request).faults.as_dict())

    @app.post("/_sandbox/faults", tags=["sandbox"], summary="Change latency/fail rate/rate limit")
    async def set_faults(request: Request, body: Any = JSON_BODY) -> Response:
        sandbox = _admin(request)
        sandbox.faults.update(expect_dict(body))
        if "operation_seconds" in body:
            sandbox.store.operation_seconds = float(body["operation_seconds"])
        return ok({**sandbox.faults.as_dict(),
                   "operation_seconds": sandbox.store.operation_seconds})

    @app.post("/_sandbox/operations/{id}/abort", tags=["sandbox"],
              summary="Abort an operation")
    async def abort(id: int, request: Request) -> Response:
        sandbox = _admin(request)
        admin = auth.user_for_token(sandbox.store, request.headers.get("authorization"))
        rec = operations.abort(sandbox.store, admin, id)
        return ok(views.operation(sandbox.store, rec))

    @app.post("/_sandbox/permissions", tags=["sandbox"],
              summary="Set a seed user's team permission on one datastore")
    async def set_permission(request: Request, body: Any = JSON_BODY) -> Response:
        sandbox = _admin(request)
        body = expect_dict(body)
        require_keys(body, "user", "datastore_id")
        perm = body.get("permission")
        if perm is not None and perm not in auth.PERMISSIONS:
            raise invalid(["body", "permission"], f"Input should be one of "
                          f"{', '.join(auth.PERMISSIONS)} or null", "enum")
        with sandbox.store.lock:
            sandbox.store.datastore(body["datastore_id"])
            user = next(sandbox.store.where("users", username=body["user"]), None)
            if user is None:
                raise invalid(["body", "user"], "Unknown user (admin, manager, editor, reporter)")
            user["permissions"][str(body["datastore_id"])] = perm
            sandbox.store.touch("users")
        return ok(views.user(user))

    @app.post("/_sandbox/catalog", tags=["sandbox"],
              summary="Add or replace a table/file in a connection's physical catalog")
    async def set_catalog(request: Request, body: Any = JSON_BODY) -> Response:
        sandbox = _admin(request)
        body = expect_dict(body)
        require_keys(body, "connection_id", "name", "columns")
        with sandbox.store.lock:
            conn = sandbox.store.connection(body["connection_id"])
            kind = body.get("type") or ("table" if conn["connection_type"] == "jdbc" else "file")
            catalog = sandbox.store.data["catalogs"].setdefault(
                conn["id"], default_catalog(conn["connection_type"], conn.get("host")))
            catalog[body["name"]] = {"type": kind, "columns": [list(c) for c in body["columns"]]}
            sandbox.store.touch()
        return ok({"name": body["name"], "type": kind, "columns": body["columns"]})

    @app.post("/_sandbox/operations/finish", tags=["sandbox"],
              summary="Finish every running operation now")
    async def finish_all(request: Request) -> Response:
        sandbox = _admin(request)
        with sandbox.store.lock:
            for ident in sorted(sandbox.store.pending):
                operations.finish(sandbox.store, sandbox.store.operation(ident))
        return no_content()


def create_app(sandbox: Sandbox) -> FastAPI:
    """The ASGI app serving ``sandbox``."""
    app = FastAPI(
        title="Qualytics API (qualytics-ci sandbox)",
        description="A local emulator of the Qualytics REST API for tests, demos and trials.",
        version="sandbox", docs_url="/api/docs", openapi_url="/api/openapi.json",
        redoc_url=None, default_response_class=FastJSON,
    )
    app.state.sandbox = sandbox
    for router in ROUTERS:
        for route in router.routes:
            # added one by one rather than with include_router, whose nested routers
            # FastAPI walks route by route, twice, for every request
            assert isinstance(route, APIRoute)
            app.add_api_route("/api" + route.path, route.endpoint,
                              methods=sorted(route.methods or ()), summary=route.summary,
                              name=route.name)
    _control_routes(app)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return FastJSON({"detail": exc.detail}, status_code=exc.status, headers=exc.headers)

    routes = [("/api" + route.path, set(route.methods or ()))
              for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]
    app.add_middleware(FaultsMiddleware, faults=sandbox.faults, log=sandbox.log, routes=routes)
    return app
