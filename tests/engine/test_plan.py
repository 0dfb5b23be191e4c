"""Normalisation and the field-level plan, without any server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qualytics_ci.engine.diff import diff
from qualytics_ci.engine.export import write_export
from qualytics_ci.engine.plan import Scope, build_plan, mass_archive_problem
from qualytics_ci.engine.state import TargetState
from qualytics_ci.folder.model import Check, Config, Connection
from qualytics_ci.folder.reader import read_folder
from qualytics_ci.folder.variables import resolve
from qualytics_ci.render.terminal import render_plan
from qualytics_ci.results.config import KIND_ORDER
from qualytics_ci.results.from_json import plan_from_json

from . import apidata

ALL = frozenset(KIND_ORDER)
SCOPE = Scope(ALL, frozenset({"warehouse-dev"}))


def exported(tmp_path: Path, state: TargetState) -> Config:
    write_export(tmp_path, state, ALL, ["warehouse-dev"], all_datastores=True)
    config, issues = read_folder(tmp_path)
    assert [i for i in issues if i.level == "error"] == []
    return config


def test_export_then_plan_against_the_same_state_is_empty(tmp_path: Path) -> None:
    state = apidata.demo_state()
    config = exported(tmp_path, state)
    resolved, _ = resolve(config, {"WAREHOUSE_DEV_DB_PASSWORD": "pw-value"})
    planned = build_plan(config, state, SCOPE, resolved=resolved)
    assert not planned.plan.has_changes, render_plan(planned.plan)
    assert planned.plan.summary["unchanged"] == len(list(config.entities()))


def test_same_shaped_checks_get_distinct_stable_uids(tmp_path: Path) -> None:
    config = exported(tmp_path, apidata.demo_state())
    uids = sorted(c.uid for c in config.checks if c.rule_type == "notNull")
    assert uids == ["orders__notnull__id", "orders__notnull__id__2"]
    files = sorted(c.file or "" for c in config.checks if c.rule_type == "notNull")
    assert [Path(f).name for f in files] == ["notnull__id.yaml", "notnull__id_2.yaml"]


def test_export_writes_names_placeholders_and_drops_server_keys(tmp_path: Path) -> None:
    exported(tmp_path, apidata.demo_state())
    conn = (tmp_path / "connections/warehouse_dev_db.yaml").read_text()
    assert "password: ${WAREHOUSE_DEV_DB_PASSWORD}" in conn
    assert "product_name" not in conn and "id:" not in conn
    ds = (tmp_path / "datastores/warehouse_dev/_datastore.yaml").read_text()
    assert "connection_name: warehouse-dev-db" in ds and "score" not in ds
    assert "tags:\n- dev\n- tier-1\n" in ds
    exists = (tmp_path / "datastores/warehouse_dev/checks/orders/existsin__customer_id.yaml")
    text = exists.read_text()
    assert "ref_container_name: customers" in text and "ref_datastore_name: warehouse-dev" in text
    between = (tmp_path / "datastores/warehouse_dev/checks/orders/between__total.yaml").read_text()
    assert "from quality check id" not in between


def test_one_edited_property_is_one_update_naming_the_field(tmp_path: Path) -> None:
    state = apidata.demo_state()
    config = exported(tmp_path, state)
    edited = [c if c.uid != "orders__between__total" else
              Check(c.name, {**c.body, "properties": {**c.body["properties"], "max": 200}},
                    c.datastore, c.container, c.file, uid=c.uid)
              for c in config.checks]
    config = Config.of([*config.connections, *config.datastores, *config.containers,
                        *config.computed_fields, *edited])
    plan = build_plan(config, state, SCOPE).plan
    (change,) = [c for c in plan.changes if c.action != "unchanged"]
    assert change.action == "update" and change.uid == "orders__between__total"
    assert [(f.path, f.before, f.after) for f in change.fields] == [("properties.max", 100, 200)]
    text = render_plan(plan)
    assert "  ~ update check warehouse-dev/orders/orders__between__total" in text
    assert "      ~ properties.max: 100 -> 200" in text
    assert text.rstrip().endswith("Plan: 0 to create, 1 to update, 0 to archive, "
                                  f"{plan.count('unchanged')} unchanged.")


def test_tag_order_and_server_metadata_are_not_changes() -> None:
    state = apidata.demo_state()
    current = state.config.get(("check", "warehouse-dev", "", "orders__between__total"))
    assert current is not None
    body: dict[str, Any] = {**current.body, "tags": ["finance"],
                            "additional_metadata": {**current.body["additional_metadata"],
                                                    "main datastore id": 3}}
    check = Check("between__total", body, "warehouse-dev", "orders", uid=current.uid)
    plan = build_plan(Config.of([check]), state, SCOPE).plan
    assert plan.changes[0].action == "unchanged"


def test_secrets_are_write_only_and_never_rendered() -> None:
    state = apidata.demo_state()
    body = {"name": "warehouse-dev-db", "type": "postgresql", "host": "${DB_HOST}",
            "port": 5432, "username": "qualytics", "password": "${PW}"}
    conn = Connection("warehouse-dev-db", body, file="connections/x.yaml")
    config = Config.of([conn])
    resolved, _ = resolve(config, {"DB_HOST": "db2.example.com", "PW": "s3cr3t-pw"})
    plan = build_plan(config, state, SCOPE, resolved=resolved).plan
    (change,) = plan.changes
    # host comes from ${DB_HOST}: the target's value may be the old secret, so neither side
    # is shown; the field is still listed as changed.
    assert [(f.path, f.before, f.after, f.sensitive) for f in change.fields] == [
        ("host", "(sensitive)", "(sensitive)", True)]
    assert "db.example.com" not in render_plan(plan) and "db2" not in render_plan(plan)
    assert '~ host: "(sensitive)" -> "(sensitive)"' in render_plan(plan)
    resolved, _ = resolve(config, {"DB_HOST": "db.example.com", "PW": "other-pw"})
    assert build_plan(config, state, SCOPE, resolved=resolved).plan.count("unchanged") == 1


def test_a_sensitive_field_binds_the_digest_to_its_placeholder_not_its_values() -> None:
    """The digest a reviewer approves changes when the folder's text changes, and does not
    depend on the secret values on either side (the target's old one, the folder's new one)."""
    def digest(host_text: str, env: dict[str, str], target_host: str = "db.example.com") -> str:
        body = {"name": "warehouse-dev-db", "type": "postgresql", "host": host_text,
                "port": 5432, "username": "qualytics"}
        target = apidata.demo_state(connections=[{**apidata.connection(), "host": target_host}])
        config = Config.of([Connection("warehouse-dev-db", body, file="connections/x.yaml")])
        resolved, _ = resolve(config, env)
        return build_plan(config, target, SCOPE, resolved=resolved).plan.digest

    reviewed = digest("${DB_HOST}", {"DB_HOST": "db2.example.com"})
    assert digest("${DB_HOST}", {"DB_HOST": "db3.example.com"}) == reviewed
    assert digest("${DB_HOST}", {"DB_HOST": "db2.example.com"},
                  target_host="old-db.example.com") == reviewed
    assert digest("${NEW_HOST}", {"NEW_HOST": "db2.example.com"}) != reviewed
    assert digest("db-${ENV}.example.com", {"ENV": "blue"}) != reviewed


def test_a_sensitive_field_survives_the_json_round_trip_with_its_digest() -> None:
    """The Action renders (and computes plan-digest) from the JSON plan the CLI wrote."""
    body = {"name": "warehouse-dev-db", "type": "postgresql", "host": "${DB_HOST}",
            "port": 5432, "username": "qualytics"}
    config = Config.of([Connection("warehouse-dev-db", body, file="connections/x.yaml")])
    resolved, _ = resolve(config, {"DB_HOST": "db2.example.com"})
    plan = build_plan(config, apidata.demo_state(), SCOPE, resolved=resolved).plan
    again = plan_from_json(json.loads(json.dumps(plan.to_json())))
    assert again.digest == plan.digest
    assert [(f.sensitive, f.folder_text) for f in again.changes[0].fields] == [
        (True, "${DB_HOST}")]


def test_a_created_connection_shows_none_of_its_variables() -> None:
    state = apidata.demo_state()
    body = {"name": "new-db", "type": "postgresql", "host": "${NEW_HOST}", "port": 5432,
            "username": "svc", "password": "${NEW_PW}"}
    config = Config.of([Connection("new-db", body, file="connections/new.yaml")])
    resolved, _ = resolve(config, {"NEW_HOST": "10.0.0.7", "NEW_PW": "pw-1234"})
    (change,) = build_plan(config, state, SCOPE, resolved=resolved).plan.changes
    shown = {f.path: (f.before, f.after, f.sensitive) for f in change.fields}
    assert shown["host"] == (None, "(sensitive)", True)
    assert shown["password"] == (None, "(sensitive)", True)
    assert shown["username"] == (None, "svc", False)


def test_new_entities_are_created_and_prune_archives(tmp_path: Path) -> None:
    state = apidata.demo_state()
    config = exported(tmp_path, state)
    kept = [c for c in config.checks if c.uid != "orders__notnull__id__2"]
    new = Check("n", {"rule_type": "notNull", "container": "customers", "fields": ["email"]},
                "warehouse-dev", "customers", uid="customers__notnull__email")
    config = Config.of([*config.datastores, *kept, new])
    planned = build_plan(config, state, SCOPE, prune=True)
    actions = {(c.action, c.name) for c in planned.plan.changes if c.action != "unchanged"}
    assert actions == {("create", "customers__notnull__email"),
                       ("archive", "orders__notnull__id__2")}
    assert "  - archive check warehouse-dev/orders/orders__notnull__id__2" in render_plan(
        planned.plan)
    assert mass_archive_problem(planned.plan, state, SCOPE.datastores) is not None  # 1 of 5


def test_archived_check_in_folder_is_a_restore_not_a_create(tmp_path: Path) -> None:
    objs = apidata.demo_objects()
    live = objs["checks"]["warehouse-dev"]
    between = next(c for c in live if c["id"] == 2)
    objs["checks"] = {"warehouse-dev": [c for c in live if c["id"] != 2]}
    objs["archived"] = {"warehouse-dev": [{**between, "status": "Discarded"}]}
    config = exported(tmp_path, apidata.demo_state())
    plan = build_plan(config, _state(objs), SCOPE).plan
    (change,) = [c for c in plan.changes if c.action != "unchanged"]
    assert change.action == "update"
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("status", "Archived", "Active")]


def _state(objs: dict[str, Any]) -> TargetState:
    from qualytics_ci.engine.target import build_state

    return build_state(**objs)


def test_digest_is_stable_and_content_sensitive(tmp_path: Path) -> None:
    state = apidata.demo_state()
    config = exported(tmp_path, state)
    a = build_plan(config, state, SCOPE).plan
    b = build_plan(config, state, SCOPE).plan
    assert a.digest == b.digest
    c = build_plan(config, state, SCOPE, prune=True).plan
    assert a.digest == c.digest  # nothing to prune
    smaller = Config.of(config.checks[1:])
    assert build_plan(smaller, state, SCOPE, prune=True).plan.digest != a.digest


def test_computed_field_directory_slug_finds_its_catalog_table() -> None:
    from qualytics_ci.engine.plan import adopt_container_names
    from qualytics_ci.folder.model import ComputedField

    state = TargetState(container_ids={("wh", "Orders-2024"): 5, ("wh", "orders"): 6})
    field = ComputedField("f", {"name": "f"}, "wh", "orders_2024")
    exact = ComputedField("g", {"name": "g"}, "wh", "orders")
    adopted = adopt_container_names(Config.of([field, exact]), state)
    assert [f.container for f in adopted.computed_fields] == ["Orders-2024", "orders"]


def test_import_exit_codes() -> None:
    from qualytics_ci.cli.config import import_exit_code
    from qualytics_ci.results.config import Change, ImportReport, Outcome

    def report(*results: str) -> ImportReport:
        return ImportReport("d", tuple(
            Outcome(Change("check", str(i), "create"), r) for i, r in enumerate(results)))  # type: ignore[arg-type]

    unchanged = Outcome(Change("check", "u", "unchanged"), "ok")
    assert import_exit_code(report("ok", "ok")) == 0
    assert import_exit_code(report("ok", "failed", "skipped")) == 3
    all_failed = ImportReport("d", (unchanged, *report("failed", "skipped").outcomes))
    assert import_exit_code(all_failed) == 1


def test_a_boolean_written_as_a_number_is_a_change_even_though_python_calls_them_equal() -> None:
    """``True == 1`` in Python; a plan must still show ``1 -> true``."""
    base = {"rule_type": "between", "container": "orders", "fields": ["total"],
            "properties": {"min": 0, "max": 10, "inclusive_min": True}}
    same = {**base, "properties": {**base["properties"]}}
    number = {**base, "properties": {**base["properties"], "inclusive_min": 1}}
    assert diff("check", same, base) == ()
    changed = diff("check", number, base)
    assert [(c.path, c.before, c.after) for c in changed] == [
        ("properties.inclusive_min", True, 1)]
