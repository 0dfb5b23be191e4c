"""Lists are slices of an index and items are JSON kept per check or container; whatever
a client writes, the next read shows it, exactly as if everything were rendered afresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qualytics_ci.sandbox import views
from qualytics_ci.sandbox.index import PARTS, Index
from qualytics_ci.sandbox.server import RunningSandbox
from qualytics_ci.sandbox.web import dumps

from .conftest import Api


def _ids(admin: Api, **params: Any) -> list[int]:
    body = admin.ok("GET", "/quality-checks", params={"size": 100, **params})
    assert body["total"] == len(body["items"])
    return [c["id"] for c in body["items"]]


def _replacement(check: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A PUT body that keeps the check as it is, but for ``changes``."""
    body = {"rule": check["rule_type"], "fields": [f["name"] for f in check["fields"]],
            "properties": check["properties"], "coverage": check["coverage"],
            "filter": check["filter"], "description": check["description"],
            "tags": [t["name"] for t in check["global_tags"]], "status": check["status"],
            "additional_metadata": check["additional_metadata"]}
    return {**body, **changes}


def test_a_page_read_just_before_an_update_shows_the_update(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    params = {"datastore": ds["id"], "size": 10, "page": 2}
    before = admin.ok("GET", "/quality-checks", params=params)
    target = before["items"][3]
    admin.ok("GET", f"/quality-checks/{target['id']}")
    admin.ok("PUT", f"/quality-checks/{target['id']}", json=_replacement(
        target, description="edited right after the read", tags=["brand-new-tag"]))
    after = admin.ok("GET", "/quality-checks", params=params)
    edited = after["items"][3]
    assert edited["id"] == target["id"] and edited["description"] == "edited right after the read"
    assert [t["name"] for t in edited["global_tags"]] == ["brand-new-tag"]
    assert edited["last_updated"] != target["last_updated"]
    assert admin.ok("GET", f"/quality-checks/{target['id']}") == edited
    others = [c for i, c in enumerate(after["items"]) if i != 3]
    assert others == [c for i, c in enumerate(before["items"]) if i != 3]


def test_archiving_and_restoring_move_a_check_between_the_lists(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    orders = admin.container(ds["id"], "orders")
    scope = {"datastore": ds["id"], "container": orders["id"]}
    live, archived = _ids(admin, **scope), _ids(admin, **scope, archived="only")
    count = admin.ok("GET", f"/containers/{orders['id']}")["check_count"]
    ds_count = admin.ok("GET", f"/datastores/{ds['id']}")["check_count"]
    assert count == len(live) > 3
    target = admin.ok("GET", f"/quality-checks/{live[2]}")
    admin.ok("DELETE", f"/quality-checks/{target['id']}",
              params={"archive": "true", "status": "Invalid"})
    assert _ids(admin, **scope) == [i for i in live if i != target["id"]]
    assert _ids(admin, **scope, archived="only") == sorted([*archived, target["id"]])
    assert _ids(admin, **scope, archived="include") == sorted(live + archived)
    assert _ids(admin, **scope, status="Archived") == sorted([*archived, target["id"]])
    invalid = admin.ok("GET", "/quality-checks", params={**scope, "status": "Invalid",
                                                        "archived": "include"})["items"]
    assert target["id"] in [c["id"] for c in invalid]
    assert {c["status"] for c in invalid} == {"Invalid"}
    assert target["id"] not in _ids(admin, datastore=ds["id"])
    assert admin.ok("GET", f"/containers/{orders['id']}")["check_count"] == count - 1
    listed = admin.ok("GET", "/containers", params={"datastore": ds["id"], "size": 100})
    assert next(c for c in listed["items"] if c["id"] == orders["id"])["check_count"] == count - 1
    assert admin.ok("GET", f"/datastores/{ds['id']}")["check_count"] == ds_count - 1
    admin.ok("PUT", f"/quality-checks/{target['id']}", json=_replacement(target))
    assert _ids(admin, **scope) == live  # back in its place: lists stay in id order
    assert _ids(admin, **scope, archived="only") == archived
    assert _ids(admin, **scope, sort_created="desc") == live[::-1]
    assert admin.ok("GET", f"/containers/{orders['id']}")["check_count"] == count


def test_renaming_a_container_shows_on_its_checks(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    hv = admin.container(ds["id"], "high_value_orders")
    scope = {"datastore": ds["id"], "container": hv["id"]}
    (check,) = admin.ok("GET", "/quality-checks", params=scope)["items"]
    assert check["container"]["name"] == "high_value_orders"
    detail = admin.ok("GET", f"/containers/{hv['id']}")
    admin.ok("PUT", f"/containers/{hv['id']}", json={
        "container_type": "computed_table", "name": "big_orders", "query": detail["query"]})
    (renamed,) = admin.ok("GET", "/quality-checks", params=scope)["items"]
    assert renamed["container"]["name"] == "big_orders"
    assert admin.ok("GET", f"/quality-checks/{check['id']}")["container"]["name"] == "big_orders"
    assert admin.container(ds["id"], "big_orders")["id"] == hv["id"]
    taken = admin.post("/containers", json={"container_type": "computed_table",
                                            "datastore_id": ds["id"], "name": "big_orders",
                                            "query": "select 1 as a"})
    assert taken.status_code == 409
    admin.ok("POST", "/containers", json={"container_type": "computed_table",
                                          "datastore_id": ds["id"], "name": "high_value_orders",
                                          "query": "select 1 as a"})


def test_a_tag_deleted_and_made_again_shows_its_new_colour(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    tagged = admin.ok("GET", "/quality-checks", params={"datastore": ds["id"], "tag": "sla"})
    (check,) = tagged["items"]
    assert check["global_tags"][0]["name"] == "sla" and "color" in check["global_tags"][0]
    assert admin.delete("/global-tags/sla").status_code == 204
    assert admin.ok("GET", f"/quality-checks/{check['id']}")["global_tags"] == [{"name": "sla"}]
    orders = admin.container(ds["id"], "orders")
    admin.ok("POST", "/quality-checks", json={  # naming the tag creates it again
        "container_id": orders["id"], "rule": "notNull", "fields": ["status"], "tags": ["sla"]})
    remade = admin.ok("GET", f"/quality-checks/{check['id']}")["global_tags"]
    assert remade[0]["name"] == "sla" and remade[0]["color"] is None and remade[0]["created"]
    admin.ok("POST", "/global-tags", json={"name": "sla", "color": "#ff0000"})
    again = admin.ok("GET", "/quality-checks", params={"datastore": ds["id"], "tag": "sla"})
    assert [c["global_tags"][0]["color"] for c in again["items"]] == ["#ff0000"] * 2


def test_a_deleted_computed_field_shows_unresolved_on_checks(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    customers = admin.container(ds["id"], "customers")
    check = next(c for c in admin.ok("GET", "/quality-checks", params={
        "datastore": ds["id"], "container": customers["id"], "size": 100})["items"]
        if [f["name"] for f in c["fields"]] == ["full_name"])
    assert check["fields"][0]["id"] is not None
    field = next(f for f in admin.ok("GET", f"/containers/{customers['id']}")["computed_fields"]
                 if f["name"] == "full_name")
    assert admin.delete(f"/computed-fields/{field['id']}").status_code == 204
    got = admin.ok("GET", f"/quality-checks/{check['id']}")
    assert got["fields"] == [{"id": None, "name": "full_name", "type": None}]
    assert "full_name" not in [f["name"] for f in
                               admin.ok("GET", f"/containers/{customers['id']}")
                               ["computed_fields"]]


def test_a_reset_gives_back_the_seed_byte_for_byte(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    pages = [("/quality-checks", {"datastore": ds["id"], "size": 7, "page": 2}),
             ("/containers", {"datastore": ds["id"], "size": 100})]
    seed = [admin.get(path, params=params).content for path, params in pages]
    check = admin.ok("GET", "/quality-checks", params=pages[0][1])["items"][0]
    admin.ok("PUT", f"/quality-checks/{check['id']}", json=_replacement(check, description="x"))
    admin.ok("PUT", f"/datastores/{ds['id']}", json={**ds, "name": "warehouse-dev-renamed"})
    changed = [admin.get(path, params=params).content for path, params in pages]
    assert changed[0] != seed[0] and b"warehouse-dev-renamed" in changed[1]
    admin.ok("POST", "/_sandbox/reset")
    assert [admin.get(path, params=params).content for path, params in pages] == seed


def _every_kind_of_write(admin: Api) -> None:
    ds = admin.datastore("warehouse-dev")
    orders = admin.container(ds["id"], "orders")
    live = admin.ok("GET", "/quality-checks", params={"datastore": ds["id"], "size": 100})
    first, second, third = live["items"][:3]
    admin.ok("PUT", f"/quality-checks/{first['id']}", json=_replacement(first, tags=["t-new"]))
    admin.ok("DELETE", f"/quality-checks/{second['id']}", params={"archive": "true"})
    admin.ok("DELETE", f"/quality-checks/{third['id']}", params={"archive": "false"})
    made = admin.ok("POST", "/quality-checks", json={
        "container_id": orders["id"], "rule": "notNull", "fields": ["status"]})
    admin.ok("DELETE", "/quality-checks", json=[{"id": made["id"], "status": "Invalid"}])
    admin.ok("PATCH", "/containers", json=[{"id": orders["id"], "tags": ["hot"]}])
    field = admin.ok("POST", "/computed-fields", json={
        "container_id": orders["id"], "name": "amount_x2", "transformation": "customExpression",
        "source_fields": ["total_amount"], "properties": {"column_expression": "total_amount*2"}})
    admin.ok("POST", "/quality-checks", json={
        "container_id": orders["id"], "rule": "notNull", "fields": ["amount_x2"]})
    admin.ok("PUT", f"/computed-fields/{field['id']}", json={
        "name": "amount_x3", "transformation": "customExpression", "source_fields": [],
        "properties": {"column_expression": "total_amount*3"}})
    table = admin.ok("POST", "/containers", json={
        "container_type": "computed_table", "datastore_id": ds["id"], "name": "recent",
        "query": "SELECT order_id, status FROM orders"})
    admin.ok("POST", "/quality-checks", json={
        "container_id": table["id"], "rule": "notNull", "fields": ["status"]})
    admin.ok("PUT", f"/datastores/{ds['id']}", json={**ds, "name": "warehouse-main"})
    admin.ok("POST", "/global-tags", json={"name": "hot", "color": "#123456"})
    admin.ok("POST", "/_sandbox/catalog", json={"connection_id": ds["connection_id"],
                                                "name": "orders", "columns": [["order_id",
                                                                               "Integral"]]})
    admin.ok("POST", "/operations/run", json={"type": "sync", "datastore_id": ds["id"]})
    prod = admin.datastore("warehouse-prod")
    promoted = admin.ok("POST", "/operations/run", json={
        "type": "promote_quality_check", "datastore_id": ds["id"],
        "container_id": admin.container(ds["id"], "customers")["id"],
        "destination_container_id": admin.container(prod["id"], "customers")["id"]})
    assert promoted["status"]["created"] + promoted["status"]["updated"] > 0
    admin.ok("DELETE", f"/containers/{table['id']}")


def test_kept_json_and_index_match_a_fresh_render_after_every_kind_of_write(
        sandbox: RunningSandbox) -> None:
    admin = Api(sandbox)
    _every_kind_of_write(admin)
    for ds in admin.ok("GET", "/datastores", params={"size": 100})["items"]:  # fill the cache
        for path in ("/quality-checks", "/containers"):
            for archived in ("include", None):
                admin.ok("GET", path, params={"datastore": ds["id"], "size": 100,
                                              "archived": archived})
    store = sandbox.store
    with store.lock:
        kept = dict(store.rendered)
        assert len([key for key in kept if key[0] == "checks"]) > 60
        assert len([key for key in kept if key[0] == "containers"]) > 30
        assert not store.index.stale  # the reads above brought every part up to date
        fresh = Index()
        for part in PARTS:
            fresh.rebuild(part, store.data[part])
        assert fresh.checks_by_ds == store.index.checks_by_ds
        assert fresh.checks_by_container == store.index.checks_by_container
        assert fresh.containers_by_ds == store.index.containers_by_ds
        assert fresh.container_names == store.index.container_names
        assert fresh.fields_by_container == store.index.fields_by_container
        store.touch()  # forget everything kept, so the views below render from scratch
        for (table, ident), body in kept.items():
            rec = store.data[table][ident]
            view = views.check(store, rec) if table == "checks" else views.container(store, rec)
            assert body == dumps(view), (table, ident)
