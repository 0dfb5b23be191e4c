"""Create / read / update / list round trips, key asymmetries and uniqueness."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import Api


def _new_datastore(admin: Api, name: str = "fresh") -> dict[str, Any]:
    conn = admin.ok("POST", "/connections", json={
        "name": f"{name}-db", "type": "postgresql", "host": "db", "port": 5432,
        "username": "u", "password": "hunter22"})
    ds: dict[str, Any] = admin.ok("POST", "/datastores", json={
        "name": name, "connection_id": conn["id"], "database": "analytics", "schema": "public",
        "tags": ["new"], "teams": ["Public"]})
    op = admin.ok("POST", "/operations/run", json={"type": "sync", "datastore_id": ds["id"]})
    assert admin.ok("GET", f"/operations/{op['id']}")["result"] == "success"
    return ds


def test_connection_round_trip_never_returns_secrets(api: Callable[..., Api]) -> None:
    admin = api()
    created = admin.ok("POST", "/connections", json={
        "name": "c1", "type": "snowflake", "host": "acct.snowflakecomputing.com",
        "username": "svc", "password": "pa55word", "parameters": {"role": "R"}})
    assert created["connection_type"] == "jdbc" and "password" not in created
    assert created["id"] and created["created"]
    body = {**created, "host": "other.snowflakecomputing.com", "unknown_key": 1}
    updated = admin.ok("PUT", f"/connections/{created['id']}", json=body)
    assert updated["host"] == "other.snowflakecomputing.com"
    listed = admin.ok("GET", "/connections", params={"size": 100})["items"]
    assert any(c["name"] == "c1" for c in listed)
    assert "pa55word" not in admin.get("/connections", params={"size": 100}).text
    dfs = admin.ok("POST", "/connections", json={"name": "c2", "type": "gcs", "uri": "gs://b/",
                                                 "secret_key": "k3y-s3cret"})
    assert dfs["connection_type"] == "dfs" and "secret_key" not in dfs


def test_datastore_round_trip_translates_tags_and_teams(api: Callable[..., Api]) -> None:
    admin = api()
    ds = _new_datastore(admin)
    got = admin.ok("GET", f"/datastores/{ds['id']}")
    assert [t["name"] for t in got["global_tags"]] == ["new"]
    assert got["teams"][0]["name"] == "Public" and "tags" not in got
    got["tags"] = ["new", "second"]
    updated = admin.ok("PUT", f"/datastores/{ds['id']}", json=got)
    assert [t["name"] for t in updated["global_tags"]] == ["new", "second"]
    assert updated["container_count"] == 7


def test_new_datastore_has_no_containers_until_synced(api: Callable[..., Api]) -> None:
    admin = api()
    conn = admin.ok("POST", "/connections", json={"name": "s3", "type": "s3", "uri": "s3://x/"})
    ds = admin.ok("POST", "/datastores", json={"name": "lake-x", "connection_id": conn["id"]})
    assert admin.ok("GET", "/containers/listing", params={"datastore": ds["id"]}) == []
    admin.ok("POST", "/operations/run", json={"type": "catalog", "datastore_id": ds["id"]})
    listing = admin.ok("GET", "/containers/listing", params={"datastore": ds["id"]})
    assert {c["container_type"] for c in listing} == {"file"} and len(listing) == 4
    fields = admin.ok("GET", f"/containers/{listing[0]['id']}/fields")
    assert isinstance(fields, list) and fields[0]["name"]


def test_computed_containers_derive_fields(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    table = admin.ok("POST", "/containers", json={
        "container_type": "computed_table", "datastore_id": ds["id"], "name": "ct",
        "query": "SELECT o.order_id, sum(total_amount) AS revenue, count(*) n FROM orders o"})
    names = [f["name"] for f in admin.ok("GET", f"/containers/{table['id']}/fields")]
    assert names == ["order_id", "revenue", "n"]
    star = admin.ok("POST", "/containers", json={
        "container_type": "computed_table", "datastore_id": ds["id"], "name": "ct2",
        "query": "select * from public.products where price > 0"})
    assert star["field_count"] == 6
    lake = admin.datastore("lake-dev")
    src = admin.container(lake["id"], "web_sessions")
    cf = admin.ok("POST", "/containers", json={
        "container_type": "computed_file", "datastore_id": lake["id"], "name": "cf",
        "source_container_id": src["id"], "select_clause": "session_id, device"})
    assert cf["field_count"] == 2 and cf["container_type"] == "computed_file"
    wrong = admin.post("/containers", json={"container_type": "computed_table",
                                            "datastore_id": lake["id"], "name": "x",
                                            "query": "select 1 as a"})
    assert wrong.status_code == 422
    assert admin.post("/containers", json={"container_type": "table", "datastore_id": ds["id"],
                                           "name": "t"}).status_code == 422


def test_container_update_and_bulk_tags(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    hv = admin.container(ds["id"], "high_value_orders")
    detail = admin.ok("GET", f"/containers/{hv['id']}")
    body = {"container_type": "computed_table", "name": detail["name"],
            "query": "SELECT order_id, customer_id FROM orders", "description": "d"}
    response = admin.put(f"/containers/{hv['id']}", json=body)
    assert response.status_code == 409 and "force_drop_fields" in response.json()["detail"]
    updated = admin.ok("PUT", f"/containers/{hv['id']}", json={**body, "force_drop_fields": True})
    assert updated["field_count"] == 2 and updated["description"] == "d"
    patched = admin.ok("PATCH", "/containers", json=[{"id": hv["id"], "tags": ["a", "b"]}])
    assert [t["name"] for t in patched[0]["global_tags"]] == ["a", "b"]


def test_computed_field_round_trip(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    orders = admin.container(ds["id"], "orders")
    created = admin.ok("POST", "/computed-fields", json={
        "container_id": orders["id"], "name": "amount_x2", "transformation": "customExpression",
        "source_fields": ["total_amount"], "properties": {"column_expression": "total_amount*2"}})
    assert created["transformation_type"] == "customExpression"
    assert created["source_fields"][0]["name"] == "total_amount"
    detail = admin.ok("GET", f"/containers/{orders['id']}")
    assert "amount_x2" in [f["name"] for f in detail["computed_fields"]]
    updated = admin.ok("PUT", f"/computed-fields/{created['id']}", json={
        "name": "amount_x3", "transformation": "customExpression", "source_fields": [],
        "properties": {"column_expression": "total_amount*3"}})
    assert updated["name"] == "amount_x3" and updated["container_id"] == orders["id"]
    dup = admin.post("/computed-fields", json={
        "container_id": orders["id"], "name": "amount_x3", "transformation": "customExpression",
        "properties": {"column_expression": "1"}})
    assert dup.status_code == 409 and "already exists" in dup.json()["detail"]
    assert admin.delete(f"/computed-fields/{created['id']}").status_code == 204


def test_check_round_trip_and_asymmetries(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    orders = admin.container(ds["id"], "orders")
    body = {"container_id": orders["id"], "rule": "between", "fields": ["total_amount"],
            "properties": {"min": 1, "max": 9}, "tags": ["t1"], "filter": "status = 'paid'",
            "coverage": 0.5, "additional_metadata": {"_qualytics_check_uid": "u1", "k": [1]},
            "description": "d", "status": "Draft"}
    created = admin.ok("POST", "/quality-checks", json=body)
    assert created["rule_type"] == "between" and "rule" not in created
    assert created["container"]["id"] == orders["id"] and "container_id" not in created
    assert created["fields"][0]["name"] == "total_amount" and created["fields"][0]["id"]
    assert created["global_tags"][0]["name"] == "t1" and "tags" not in created
    assert created["additional_metadata"] == {"_qualytics_check_uid": "u1", "k": [1]}
    update = {**body, "rule": "notNull", "container_id": 1, "properties": {"min": 2, "max": 3},
              "status": "Active", "id": 999, "created": "x"}
    updated = admin.ok("PUT", f"/quality-checks/{created['id']}", json=update)
    assert updated["rule_type"] == "between" and updated["properties"] == {"min": 2, "max": 3}
    assert updated["status"] == "Active" and updated["id"] == created["id"]
    archived = admin.ok("DELETE", f"/quality-checks/{created['id']}",
                        params={"archive": "true", "status": "Invalid"})
    assert archived["status"] == "Invalid" and archived["deleted_at"]
    ids = [c["id"] for c in admin.ok("GET", "/quality-checks", params={
        "datastore": ds["id"], "size": 100})["items"]]
    assert created["id"] not in ids
    only = admin.ok("GET", "/quality-checks", params={"datastore": ds["id"], "archived": "only"})
    assert created["id"] in [c["id"] for c in only["items"]] and only["total"] == 3
    restored = admin.ok("PUT", f"/quality-checks/{created['id']}", json=update)
    assert restored["status"] == "Active" and restored["deleted_at"] is None


def test_check_validation_errors(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    orders = admin.container(ds["id"], "orders")
    base = {"container_id": orders["id"], "fields": ["status"]}
    for body, loc in [
        ({**base, "rule": "noSuchRule"}, ["body", "rule"]),
        ({**base, "rule": "notNull", "fields": ["nope"]}, ["body", "fields", 0]),
        ({**base, "rule": "between", "properties": {"min": 1}}, ["body", "properties", "max"]),
        ({**base, "rule": "notNull", "coverage": 2}, ["body", "coverage"]),
        ({"rule": "notNull"}, ["body", "container_id"]),
    ]:
        response = admin.post("/quality-checks", json=body)
        assert response.status_code == 422, body
        assert loc in [d["loc"] for d in response.json()["detail"]]
    bad_field = admin.post("/quality-checks", json={**base, "rule": "notNull", "fields": ["nope"]})
    assert "'nope'" in bad_field.json()["detail"][0]["msg"]


def test_list_filters(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    orders = admin.container(ds["id"], "orders")
    params: dict[str, Any] = {"datastore": ds["id"], "size": 100}
    every = admin.ok("GET", "/quality-checks", params=params)["items"]
    by_container = admin.ok("GET", "/quality-checks", params={**params,
                                                              "container": orders["id"]})
    assert {c["container"]["name"] for c in by_container["items"]} == {"orders"}
    tagged = admin.ok("GET", "/quality-checks", params={**params, "tag": ["pii", "sla"]})["items"]
    assert tagged and all({"pii", "sla"} & {t["name"] for t in c["global_tags"]} for c in tagged)
    drafts = admin.ok("GET", "/quality-checks", params={**params, "status": "Draft"})["items"]
    assert drafts and all(c["status"] == "Draft" for c in drafts)
    both = admin.ok("GET", "/quality-checks", params={**params, "archived": "include"})
    assert both["total"] == len(every) + 2


def test_names_are_unique(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    for path, body in [
        ("/connections", {"name": "warehouse-dev-db", "type": "postgresql"}),
        ("/datastores", {"name": "warehouse-dev", "connection_id": 1}),
        ("/containers", {"container_type": "computed_table", "datastore_id": ds["id"],
                         "name": "high_value_orders", "query": "select 1 as a"}),
        ("/containers", {"container_type": "computed_table", "datastore_id": ds["id"],
                         "name": "orders", "query": "select 1 as a"}),
    ]:
        response = admin.post(path, json=body)
        assert response.status_code == 409, (path, response.text)
        assert "already exists" in response.json()["detail"]
    other = admin.datastore("warehouse-staging")
    admin.ok("POST", "/containers", json={"container_type": "computed_table",
                                          "datastore_id": other["id"],
                                          "name": "customer_order_summary",
                                          "query": "select 1 as a"})
    conn = admin.ok("GET", "/connections/1")
    assert admin.delete("/connections/1").status_code == 409
    assert conn["datastores"]


def test_bench_seed_shape(sandbox_factory: Callable[..., Any]) -> None:
    server = sandbox_factory(seed="bench:250")
    admin = Api(server)
    bench, twin = admin.datastore("bench"), admin.datastore("bench-twin")
    assert bench["connection_id"] == twin["connection_id"]
    tables = admin.ok("GET", "/containers/listing", params={"datastore": bench["id"]})
    assert [t["name"] for t in tables] == ["table_0001", "table_0002", "table_0003"]
    assert admin.ok("GET", "/quality-checks", params={"datastore": bench["id"]})["total"] == 250
    assert admin.ok("GET", "/quality-checks", params={"datastore": twin["id"]})["total"] == 0
    assert len(admin.ok("GET", "/containers/listing", params={"datastore": twin["id"]})) == 3


def test_reset_restores_the_seed_quickly(api: Callable[..., Api]) -> None:
    import time

    admin = api()
    admin.ok("POST", "/connections", json={"name": "temp", "type": "mysql"})
    start = time.perf_counter()
    answer = admin.ok("POST", "/_sandbox/reset")
    assert time.perf_counter() - start < 0.5
    assert set(answer["tokens"]) == {"admin", "manager", "editor", "reporter"}
    names = [c["name"] for c in admin.ok("GET", "/connections")["items"]]
    assert "temp" not in names and len(names) == 6


def test_cross_reference_must_exist(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    orders = admin.container(ds["id"], "orders")
    response = admin.post("/quality-checks", json={
        "container_id": orders["id"], "rule": "existsIn", "fields": ["customer_id"],
        "properties": {"field_name": "customer_id", "ref_container_id": 99999}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "properties", "ref_container_id"]
