"""The pure core of `drift --adopt`: which values are taken from the target, the minimal
override, and where an entity the folder lacks is written."""

from __future__ import annotations

from typing import Any

from qualytics_ci.engine.adopt import adoption_files
from qualytics_ci.engine.adopt_body import adopted_body, override_for
from qualytics_ci.engine.adopt_paths import NewPaths
from qualytics_ci.engine.drift import build_drift
from qualytics_ci.engine.plan import Scope
from qualytics_ci.engine.state import TargetState
from qualytics_ci.folder.model import Check, Config, Connection, Datastore
from qualytics_ci.results.config import KIND_ORDER


def check(uid: str, file: str | None, datastore: str = "dwh", **body: Any) -> Check:
    full = {"rule_type": "notNull", "description": "d", "container": "orders",
            "fields": ["id"], "coverage": None, "filter": None,
            "anomaly_message_field": None, "properties": {}, "tags": [], "status": "Active",
            "additional_metadata": {"_qualytics_check_uid": uid}, **body}
    return Check(name=uid, body=full, datastore=datastore, container="orders", uid=uid,
                 file=file)


def test_only_the_differing_paths_take_the_target_value() -> None:
    folder = {"name": "db", "type": "postgresql", "host": "${DB_HOST}", "port": 5432,
              "password": "${DB_PASSWORD}", "parameters": {"ssl": True, "mode": "a"}}
    resolved = {**folder, "host": "db.internal", "password": "s3cret"}
    target = {"name": "db", "type": "postgresql", "host": "db.internal", "port": 6543,
              "password": "${DB_PASSWORD}", "parameters": {"ssl": True, "mode": "b"}}
    out = adopted_body("connection", folder, resolved, target)
    # the variable stays (its value matches), the secret is never compared, order is kept
    assert out == {"name": "db", "type": "postgresql", "host": "${DB_HOST}", "port": 6543,
                   "password": "${DB_PASSWORD}", "parameters": {"ssl": True, "mode": "b"}}
    assert list(out) == list(folder)
    assert folder["port"] == 5432  # the input is not modified


def test_a_key_only_the_target_has_goes_where_its_order_puts_it() -> None:
    folder = {"rule_type": "notNull", "container": "orders", "fields": ["id"],
              "tags": ["b", "a"], "status": "Active"}
    target = check("u", None, filter="id > 0", tags=["a", "b"]).body
    out = adopted_body("check", folder, folder, target)
    assert list(out) == ["rule_type", "description", "container", "fields", "filter", "tags",
                         "status", "additional_metadata"]
    assert out["filter"] == "id > 0" and out["description"] == "d"
    assert out["tags"] == ["b", "a"]  # the same tags in another order are no change


def test_a_key_the_target_dropped_is_removed() -> None:
    folder = {"name": "dwh", "connection_name": "db", "tags": ["x"], "teams": ["Public"]}
    target = {"name": "dwh", "connection_name": "db", "tags": []}
    out = adopted_body("datastore", folder, folder, target)
    assert out == {"name": "dwh", "connection_name": "db", "tags": []}


def test_override_holds_only_what_differs_from_the_base() -> None:
    base = {"rule_type": "between", "filter": None, "properties": {"min": 1, "max": 10},
            "tags": ["a"], "description": "kept"}
    wanted = {"rule_type": "between", "filter": "x > 0",
              "properties": {"min": 1, "max": 20}, "tags": ["a", "b"]}
    assert override_for(base, wanted) == {"filter": "x > 0", "properties": {"max": 20},
                                          "tags": ["a", "b"], "description": None}
    # keys already in the environment's file come first, in its order
    existing = {"tags": ["a"], "properties": {"max": 15}}
    assert list(override_for(base, wanted, existing)) == ["tags", "properties", "filter",
                                                          "description"]
    assert override_for(base, base) == {}
    assert override_for({"n": 1}, {"n": True}) == {"n": True}  # True is not 1


def test_new_entities_follow_the_folders_own_directories() -> None:
    desired = Config.of([
        Datastore(name="dwh", body={"name": "dwh", "connection_name": "db"},
                  file="datastores/warehouse/_datastore.yaml"),
        check("a", "datastores/warehouse/checks/ord/notnull__id.yaml"),
    ])
    target = Config.of([
        Datastore(name="dwh", body={"name": "dwh"}),
        Datastore(name="warehouse", body={"name": "warehouse"}),
        check("a", None),
        check("b", None, fields=["id"], description="same shape"),
        check("c", None, datastore="warehouse"),
    ])
    existing = {"datastores/warehouse/_datastore.yaml",
                "datastores/warehouse/checks/ord/notnull__id.yaml"}
    paths = NewPaths(desired, target, existing)
    new = {e.key: e for e in target.entities()}
    # a new check of a known container: in the folder's directory, the name made unique
    assert paths.path(new[("check", "dwh", "", "b")]) == \
        "datastores/warehouse/checks/ord/notnull__id_2.yaml"
    # a new datastore whose export directory another datastore already uses
    assert paths.path(new[("datastore", "", "", "warehouse")]) == \
        "datastores/warehouse_2/_datastore.yaml"
    assert paths.path(new[("check", "warehouse", "", "c")]) == \
        "datastores/warehouse_2/checks/orders/notnull__id.yaml"


def test_adoption_files_in_an_environment() -> None:
    base_check = check("a", "datastores/dwh/checks/orders/notnull__id.yaml")
    gone = check("g", "datastores/dwh/checks/orders/notnull__gone.yaml", fields=["gone"])
    desired = Config.of([
        Connection(name="db", body={"name": "db", "type": "postgresql"},
                   file="connections/db.yaml"),
        Datastore(name="dwh", body={"name": "dwh", "connection_name": "db"},
                  file="datastores/dwh/_datastore.yaml"),
        base_check, gone])
    on_target = check("a", None, filter="id > 0")
    target = TargetState(config=Config.of([*list(desired.entities())[:2], on_target]))
    drift = build_drift(desired, target, Scope(frozenset(KIND_ORDER), frozenset({"dwh"})))
    docs = {"datastores/dwh/checks/orders/notnull__id.yaml": base_check.body}
    files = adoption_files(drift, desired, target.config, resolved={}, existing=set(docs),
                           load=docs.__getitem__, environment="prod")
    assert files == {
        "overrides/prod/datastores/dwh/checks/orders/notnull__id.yaml": "filter: id > 0\n",
        "overrides/prod/datastores/dwh/checks/orders/notnull__gone.yaml": "_delete: true\n",
    }
    without_env = adoption_files(drift, desired, target.config, resolved={}, existing=set(docs),
                                 load=docs.__getitem__)
    assert without_env["datastores/dwh/checks/orders/notnull__gone.yaml"] is None
    assert "filter: id > 0\n" in str(without_env["datastores/dwh/checks/orders/notnull__id.yaml"])
