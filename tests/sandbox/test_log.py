"""The request log and stats: method, path, template, status, duration; control excluded."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Api


def test_request_log_and_stats(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    check_id = admin.ok("GET", "/quality-checks", params={"datastore": ds["id"]})["items"][0]["id"]
    admin.ok("GET", f"/quality-checks/{check_id}")
    admin.get("/quality-checks/999999")
    log = admin.ok("GET", "/_sandbox/requests")
    assert [e["template"] for e in log] == [
        "GET /api/datastores", "GET /api/quality-checks", "GET /api/quality-checks/{id}",
        "GET /api/quality-checks/{id}"]
    assert log[2]["path"] == f"/api/quality-checks/{check_id}" and log[2]["status"] == 200
    assert log[3]["status"] == 404 and log[3]["duration_ms"] >= 0
    later = admin.ok("GET", "/_sandbox/requests", params={"since": log[1]["seq"]})
    assert [e["seq"] for e in later] == [log[2]["seq"], log[3]["seq"]]
    stats = admin.ok("GET", "/_sandbox/stats")
    assert stats["total"] == 4 and stats["by_method"] == {"GET": 4}
    assert stats["by_template"]["GET /api/quality-checks/{id}"] == 2


def test_openapi_document_is_served(api: Callable[..., Api]) -> None:
    admin = api()
    doc = admin.ok("GET", "/openapi.json")
    assert "/api/containers/listing" in doc["paths"]
    assert admin.get("/docs").status_code == 200
    assert admin.ok("GET", "/_sandbox/stats")["total"] == 0


def test_every_route_is_served_under_api_with_its_methods(api: Callable[..., Api]) -> None:
    from qualytics_ci.sandbox.app import ROUTERS

    admin = api()
    doc = admin.ok("GET", "/openapi.json")
    declared = {("/api" + route.path, method.lower()): route.summary
                for router in ROUTERS for route in router.routes
                for method in getattr(route, "methods", ())}
    documented = {(path, method): op["summary"] for path, ops in doc["paths"].items()
                  if path.startswith("/api/") for method, op in ops.items()}
    assert documented == declared and len(declared) > 50
    assert admin.call("PATCH", "/quality-checks/1").status_code == 405
    assert admin.get("/no-such-thing").status_code == 404
    assert admin.ok("GET", "/quality-checks/1")["id"] == 1
