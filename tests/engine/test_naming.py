"""File names from entity names: the platform CLI's slug where it works, a short hashed
name where it does not, and reading that finds the entity again either way."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualytics_ci.engine.export import write_export
from qualytics_ci.engine.plan import Scope, adopt_container_names, build_plan
from qualytics_ci.engine.state import TargetState
from qualytics_ci.engine.target import build_state
from qualytics_ci.folder.model import Check, ComputedField, Config, Container
from qualytics_ci.folder.naming import MAX_STEM, assign, hashed_stem, names_dir, plain_stem
from qualytics_ci.folder.reader import read_folder
from qualytics_ci.folder.writer import layout
from qualytics_ci.results.config import KIND_ORDER

from . import apidata

HASHED = re.compile(r"[a-z0-9_]*_[0-9a-f]{8}")


@pytest.mark.parametrize(("name", "stem"), [
    ("orders", "orders"), ("Orders-2024", "orders_2024"), ("price/unit", "price_unit"),
    ("..", None), (".", None), ("日本語", None), ("x" * (MAX_STEM + 1), None), ("CON", None),
    ("nul\x00byte", "nul_byte"),
])
def test_the_plain_stem_is_the_slug_when_it_can_be_a_file_name(name: str,
                                                               stem: str | None) -> None:
    assert plain_stem(name) == stem


def test_a_hashed_stem_is_short_safe_and_depends_on_the_whole_name() -> None:
    long_a, long_b = "x" * 300 + "a", "x" * 300 + "b"
    assert len(hashed_stem(long_a)) == MAX_STEM
    assert hashed_stem(long_a) != hashed_stem(long_b)
    assert HASHED.fullmatch(hashed_stem("..")) and hashed_stem("..") != hashed_stem(".")
    assert hashed_stem("..").startswith("_") and not hashed_stem("..").startswith(".")


def test_the_name_that_is_its_slug_keeps_it_whatever_the_order() -> None:
    names = ["Price Unit", "price/unit", "price_unit"]
    stems = assign(names)
    assert stems["price_unit"] == "price_unit"
    assert HASHED.fullmatch(stems["Price Unit"]) and HASHED.fullmatch(stems["price/unit"])
    assert len(set(stems.values())) == 3
    assert assign(reversed(names)) == stems


def test_without_an_exact_owner_the_first_name_in_order_keeps_the_slug() -> None:
    stems = assign(["b-x", "B x"])
    assert stems == {"B x": "b_x", "b-x": hashed_stem("b-x")}


@pytest.mark.parametrize(("directory", "name", "matches"), [
    ("orders", "orders", True), ("orders", "Orders", True), ("orders_2024", "Orders-2024", True),
    (hashed_stem("Orders"), "Orders", True), ("orders_2", "Orders", True),
    ("_", "..", True), (hashed_stem(".."), "..", True),
    ("orders", "ordrs", False), ("orders", "orders_2024", False), ("orders_1", "orders", False),
    (hashed_stem("Orders"), "orders", False),
])
def test_which_directory_stands_for_which_container(directory: str, name: str,
                                                    matches: bool) -> None:
    assert names_dir(directory, name) is matches


def field(name: str, container: str, datastore: str = "wh") -> ComputedField:
    return ComputedField(name, {"name": name, "transformation": "cleanedEntityName"},
                         datastore, container)


def test_a_catalog_tables_directory_is_hashed_when_its_slug_could_lead_elsewhere() -> None:
    config = Config.of([field("a", "ORDERS"), field("b", "orders"), field("c", "CUSTOMERS"),
                        field("d", "Order Items")])
    tables = {"wh": ["ORDERS", "orders", "CUSTOMERS", "order_items", "Order Items"]}
    dirs = {e.name: Path(rel).parts[3] for rel, e in layout(config, tables).items()}
    assert dirs["b"] == "orders"  # the exact name
    assert dirs["c"] == "customers"  # one table slugs to it: the platform CLI finds it too
    assert dirs["a"] == hashed_stem("ORDERS")  # 'orders' is another table
    assert dirs["d"] == hashed_stem("Order Items")  # 'order_items' is another table


def test_reading_finds_the_catalog_table_of_each_directory() -> None:
    state = apidata.demo_state()
    state.container_ids.update({("warehouse-dev", "ORDERS"): 90, ("warehouse-dev", "Orders-X"): 91})
    desired = Config.of([field(n, c, "warehouse-dev") for n, c in (
        ("a", hashed_stem("ORDERS")), ("b", "orders_x"), ("c", "orders"), ("d", "nowhere"))])
    adopted = {f.name: f.container for f in adopt_container_names(desired, state).computed_fields}
    assert adopted == {"a": "ORDERS", "b": "Orders-X", "c": "orders", "d": "nowhere"}


def test_checks_of_containers_that_slug_alike_get_their_own_directories() -> None:
    checks = [Check("x", {"rule_type": "notNull", "container": c, "fields": ["id"]}, "wh", c,
                    uid=f"u{i}") for i, c in enumerate(["Orders", "orders", ".."])]
    containers = [Container(c, {"name": c}, "wh") for c in ("Orders", "..")]
    paths = layout(Config.of([*containers, *checks]))
    check_dirs = {e.container: Path(rel).parts[3] for rel, e in paths.items() if e.kind == "check"}
    assert check_dirs == {"orders": "orders", "Orders": hashed_stem("Orders"),
                          "..": hashed_stem("..")}
    assert all(names_dir(d, c) for c, d in check_dirs.items())


def test_a_check_on_many_long_fields_gets_a_short_file_name(tmp_path: Path) -> None:
    fields = [f"a_rather_long_column_name_number_{i}" for i in range(12)]
    orders = (20, "orders")
    state = apidata.demo_state(checks={"warehouse-dev": [
        apidata.check(1, "notNull", orders, fields),
        apidata.check(2, "notNull", orders, fields)]})
    write_export(tmp_path, state, frozenset(KIND_ORDER), ["warehouse-dev"], all_datastores=True)
    names = sorted(p.name for p in (tmp_path / "datastores/warehouse_dev/checks/orders").iterdir())
    assert len(names) == 2 and all(len(n) <= MAX_STEM + len("_2.yaml") for n in names)
    config, issues = read_folder(tmp_path)
    assert [i for i in issues if i.level == "error"] == []
    plan = build_plan(config, state, Scope(frozenset(KIND_ORDER), frozenset({"warehouse-dev"})))
    assert not plan.plan.has_changes


any_name = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=120),
    st.sampled_from(["orders", "Orders", "ORDERS", "or-ders", "..", ".", "/", "con", "x" * 300,
                     "orders_" + hashed_stem("Orders").rsplit("_", 1)[1], "a\x00b", "\t"]))


@st.composite
def odd_targets(draw: st.DrawFn) -> TargetState:
    """A target whose every name is generated: connection, datastore, tables, computed
    tables, computed fields (on tables and computed tables) and the checks' containers."""
    names = draw(st.lists(any_name, min_size=3, max_size=7, unique=True))
    conn, ds, *containers = names
    tables = containers[:draw(st.integers(0, len(containers)))]
    computed = containers[len(tables):]
    objs = {"connections": [apidata.connection(name=conn)],
            "datastores": [{**apidata.datastore(name=ds), "teams": []}],
            "containers": {ds: [*(apidata.table(100 + i, t) for i, t in enumerate(tables)),
                                *(apidata.computed_table(200 + i, c, "select 1")
                                  for i, c in enumerate(computed))]},
            "fields": {}, "checks": {ds: []}, "archived": {}}
    ids = {c: 100 + i for i, c in enumerate(tables)} | {c: 200 + i
                                                         for i, c in enumerate(computed)}
    for n, field_name in enumerate(draw(st.lists(any_name, max_size=4, unique=True))):
        owner = draw(st.sampled_from(containers))
        objs["fields"].setdefault(ids[owner], []).append(
            {"id": 500 + n, "name": field_name, "transformation_type": "cleanedEntityName",
             "source_fields": [], "properties": {}, "additional_metadata": None,
             "container_id": ids[owner]})
    for n, owner in enumerate(draw(st.lists(st.sampled_from(containers), max_size=4))):
        objs["checks"][ds].append(apidata.check(n + 1, "notNull", (ids[owner], owner),
                                                [draw(any_name)]))
    return build_state(**objs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_targets())
def test_any_names_export_read_and_plan_with_no_change(state: TargetState) -> None:
    ds = next(iter(state.datastore_ids))
    with tempfile.TemporaryDirectory() as tmp:
        write_export(Path(tmp), state, frozenset(KIND_ORDER), [ds], all_datastores=True)
        for path in Path(tmp).rglob("*"):
            assert len(path.name.encode()) <= 120 and not path.name.startswith(".")
        config, issues = read_folder(tmp)
        assert [i for i in issues if i.level == "error"] == []
        config = adopt_container_names(config, state)
        plan = build_plan(config, state, Scope(frozenset(KIND_ORDER), frozenset({ds}))).plan
        assert not plan.has_changes, [c for c in plan.changes if c.action != "unchanged"]
        assert plan.count("unchanged") == len(list(state.config.entities()))


def test_a_table_named_like_anothers_hashed_directory_still_plans_with_no_change(
        tmp_path: Path) -> None:
    """`Orders` and `ORDERS` slug alike, so `Orders`'s computed fields get the hashed
    directory; a third table is named exactly that directory, so `Orders` gets it with
    `_2`. Reading the export back must still find `Orders` (found by hypothesis)."""
    ds = "00"
    tables = ["Orders", "ORDERS", hashed_stem("Orders")]
    def field(ident: int, name: str, container: int) -> dict[str, object]:
        return {"id": ident, "name": name, "transformation_type": "cleanedEntityName",
                "source_fields": [], "properties": {}, "additional_metadata": None,
                "container_id": container}
    state = build_state(
        connections=[apidata.connection(name="0")],
        datastores=[{**apidata.datastore(name=ds), "teams": []}],
        containers={ds: [apidata.table(100 + i, t) for i, t in enumerate(tables)]},
        fields={100: [field(500, "0", 100)], 102: [field(501, "x", 102)]},
        checks={ds: []}, archived={})
    write_export(tmp_path, state, frozenset(KIND_ORDER), [ds], all_datastores=True)
    assert (tmp_path / f"datastores/00/containers/{hashed_stem('Orders')}_2").is_dir()
    config, issues = read_folder(tmp_path)
    assert [i for i in issues if i.level == "error"] == []
    config = adopt_container_names(config, state)
    plan = build_plan(config, state, Scope(frozenset(KIND_ORDER), frozenset({ds}))).plan
    assert not plan.has_changes
