"""Seed data sets: ``demo``, ``empty`` and ``bench:N``.

Seeds are built through the same entity functions the API uses (so they obey
every rule), by the seed Admin, with operations finishing instantly. Built data
is cached as a pickle per seed name, so a reset costs milliseconds; so is the
JSON of the seed's checks and containers (:mod:`.rendered`), so the first read
of a page after a reset finds it written already.
"""

from __future__ import annotations

import copy
import math
import pickle
import threading
from typing import Any

from qualytics_ci.sandbox import auth, checks, containers, entities, rendered, tags
from qualytics_ci.sandbox.operations import start_operation
from qualytics_ci.sandbox.problems import ApiError
from qualytics_ci.sandbox.store import Record, Store

Rendered = dict[tuple[str, int], bytes]
_cache: dict[str, tuple[bytes, Rendered]] = {}
_cache_lock = threading.Lock()
ENVS = ("dev", "staging", "prod")


def build(seed: str) -> dict[str, Any]:
    """A fresh copy of the data of ``seed`` (demo | empty | bench:N)."""
    return build_rendered(seed)[0]


def build_rendered(seed: str) -> tuple[dict[str, Any], Rendered]:
    """:func:`build`, with the JSON of the seed's checks and containers (a fresh dict;
    the bytes are shared, being immutable) for :meth:`.Store.replace`."""
    with _cache_lock:
        if seed not in _cache:
            store = _build(seed)
            _cache[seed] = (store.snapshot(), rendered.all_of(store))
        blob, json_of = _cache[seed]
    data: dict[str, Any] = pickle.loads(blob)
    return data, dict(json_of)


def _build(seed: str) -> Store:
    store = Store()
    auth.seed_users(store)
    tags.ensure_teams(store, ["Public", "Data Engineering"])
    if seed == "empty":
        return store
    if seed == "demo":
        _demo(store)
        return store
    if seed.startswith("bench:") and seed[6:].isdigit():
        _bench(store, int(seed[6:]))
        return store
    raise ApiError(422, f"unknown seed {seed!r} (use demo, empty or bench:N)")


def _admin(store: Store) -> Record:
    return next(store.where("users", username="admin"))


def _sync(store: Store, admin: Record, ds: Record) -> None:
    start_operation(store, admin, {"type": "sync", "datastore_id": ds["id"]})


def _check(store: Store, admin: Record, ds: Record, container: str, rule: str,
           fields: list[str], props: dict[str, Any] | None = None, *, tags: tuple[str, ...] = (),
           status: str = "Active", uid: bool = True, desc: str = "", **extra: Any) -> Record:
    c = store.container_by_name(ds["id"], container)
    assert c is not None, container
    meta = dict(extra.pop("meta", {}))
    if uid:
        suffix = "__" + "_".join(sorted(fields)) if fields else ""
        meta["_qualytics_check_uid"] = f"{container}__{rule.lower()}{suffix}"
    body = {"container_id": c["id"], "rule": rule, "fields": fields, "properties": props or {},
            "tags": list(tags), "status": status, "additional_metadata": meta or None,
            "description": desc or f"{rule} on {container}" + (f".{','.join(fields)}"
                                                                if fields else ""), **extra}
    return checks.create_check(store, admin, body)


def _environment(store: Store, admin: Record, env: str) -> tuple[Record, Record]:
    wconn = entities.create_connection(store, admin, {
        "name": f"warehouse-{env}-db", "type": "postgresql", "host": f"{env}-db.acme.internal",
        "port": 5432, "username": "qualytics_reader", "password": f"{env}-warehouse-secret",
        "parameters": {"ssl": True}})
    lconn = entities.create_connection(store, admin, {
        "name": f"lake-{env}-s3", "type": "s3", "uri": f"s3://acme-lake-{env}/",
        "access_key": f"AKIASANDBOX{env.upper()}", "secret_key": f"{env}-lake-secret"})
    wh = entities.create_datastore(store, admin, {
        "name": f"warehouse-{env}", "connection_id": wconn["id"], "database": "analytics",
        "schema": "public", "tags": ["warehouse", env], "teams": ["Public", "Data Engineering"]})
    lake = entities.create_datastore(store, admin, {
        "name": f"lake-{env}", "connection_id": lconn["id"], "root_path": "/raw/",
        "tags": ["lake", env], "teams": ["Public"]})
    _sync(store, admin, wh)
    _sync(store, admin, lake)
    return wh, lake


def _computed(store: Store, admin: Record, ds: Record, kind: str, name: str,
              **body: Any) -> Record:
    for key in ("source_container_id", "left_container_id", "right_container_id"):
        if isinstance(body.get(key), str):
            ref = store.container_by_name(ds["id"], body[key])
            assert ref is not None
            body[key] = ref["id"]
    return containers.create_container(store, admin, {
        "container_type": kind, "datastore_id": ds["id"], "name": name, **body})


def _field(store: Store, admin: Record, ds: Record, container: str, name: str, kind: str,
           sources: list[str], props: dict[str, Any]) -> None:
    c = store.container_by_name(ds["id"], container)
    assert c is not None
    containers.create_computed_field(store, admin, {
        "container_id": c["id"], "name": name, "transformation": kind,
        "source_fields": sources, "properties": props})


def _demo(store: Store) -> None:
    admin = _admin(store)
    made = {env: _environment(store, admin, env) for env in ENVS}
    hv_query = "SELECT order_id, customer_id, order_date, total_amount FROM orders " \
               "WHERE total_amount > {}"
    for env, (wh, _lake) in made.items():
        if env != "staging":
            _computed(store, admin, wh, "computed_table", "high_value_orders",
                      query=hv_query.format(1000 if env == "dev" else 500),
                      description="Orders above the review threshold",
                      tags=["finance"])
            _field(store, admin, wh, "customers", "full_name", "customExpression",
                   ["first_name", "last_name"],
                   {"column_expression": "concat(first_name, ' ', last_name)"})
    wh, lake = made["dev"]
    _computed(store, admin, wh, "computed_table", "customer_order_summary",
              query="SELECT customer_id, count(*) AS order_count, "
                    "sum(total_amount) AS lifetime_value FROM orders GROUP BY customer_id",
              tags=["finance"])
    _computed(store, admin, wh, "computed_join", "orders_with_customers",
              left_container_id="orders", right_container_id="customers",
              left_join_field_name="customer_id", right_join_field_name="customer_id",
              left_prefix="o_", right_prefix="c_", join_type="inner",
              select_clause="o_order_id, o_total_amount, o_status, c_email, c_country")
    _field(store, admin, wh, "customers", "email_domain", "customExpression", ["email"],
           {"column_expression": "lower(split(email, '@')[1])"})
    _field(store, admin, wh, "products", "clean_name", "cleanedEntityName", ["name"],
           {"drop_from_suffix": True, "terms_to_drop": ["inc", "ltd"]})
    _field(store, admin, wh, "orders", "total_amount_numeric", "convertFormattedNumeric",
           ["total_amount"], {})
    _computed(store, admin, lake, "computed_file", "engaged_sessions",
              source_container_id="web_sessions", select_clause="session_id, user_id, "
              "page_views, started_at", where_clause="page_views > 1", tags=["web"])
    _computed(store, admin, lake, "computed_file", "open_tickets",
              source_container_id="support_tickets",
              select_clause="ticket_id, priority, opened_at", where_clause="status = 'open'")
    _field(store, admin, lake, "support_tickets", "resolution_hours", "customExpression",
           ["opened_at", "closed_at"], {"column_expression": "(unix_timestamp(closed_at) - "
                                        "unix_timestamp(opened_at)) / 3600",
                                        "field_type": "Fractional"})
    from qualytics_ci.sandbox.seed_checks import demo_checks

    demo_checks(store, admin, made, _check)


def _bench(store: Store, n: int) -> None:
    admin = _admin(store)
    tables = max(1, math.ceil(n / 100))
    conn = entities.create_connection(store, admin, {
        "name": "bench-db", "type": "postgresql", "host": "bench-db.acme.internal",
        "port": 5432, "username": "bench", "password": "bench-secret"})
    cols = [["id", "Integral"], ["amount", "Fractional"], ["code", "String"],
            ["status", "String"], ["created_at", "Timestamp"], ["quantity", "Integral"]]
    store.data["catalogs"][conn["id"]] = {
        f"table_{i:04d}": {"type": "table", "columns": copy.deepcopy(cols)}
        for i in range(1, tables + 1)}
    made = []
    for name in ("bench", "bench-twin"):
        ds = entities.create_datastore(store, admin, {
            "name": name, "connection_id": conn["id"], "database": "bench", "schema": "public"})
        _sync(store, admin, ds)
        made.append(ds)
    specs: list[tuple[str, list[str], dict[str, Any]]] = [
        ("notNull", ["id"], {}), ("unique", ["id"], {}),
        ("between", ["amount"], {"min": 0, "max": 10000, "inclusive_min": True,
                                 "inclusive_max": True}),
        ("expectedValues", ["status"], {"list": ["new", "paid", "shipped"]}),
        ("matchesPattern", ["code"], {"pattern": "^[A-Z]{3}-[0-9]+$"}),
        ("minValue", ["quantity"], {"value": 0}), ("notNull", ["created_at"], {}),
    ]
    for i in range(n):
        rule, fields, props = specs[i % len(specs)]
        table = f"table_{i // 100 + 1:04d}"
        c = store.container_by_name(made[0]["id"], table)
        assert c is not None
        checks.create_check(store, admin, {
            "container_id": c["id"], "rule": rule, "fields": fields, "properties": props,
            "description": f"bench check {i + 1}", "tags": ["bench"],
            "additional_metadata": {"_qualytics_check_uid": f"{table}__{rule.lower()}__{i + 1}"}})
