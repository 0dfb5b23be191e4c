"""Every name the API accepts round-trips: created through the sandbox's API, exported,
read back and planned with no change. Names are data; file names are derived."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from qualytics_ci.folder.reader import read_folder

from .e2e import Cli

ODD = ["price/unit", "Price Unit", "price_unit", "..", ".", "nul\x00byte", "tab\there",
       "line\nbreak", "x" * 300, "CON", "日本語", " padded ", "$HOME ${X}"]
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def admin(cli: Cli, path: str, body: dict[str, Any]) -> Any:
    response = requests.post(cli.sandbox.url + path, json=body, timeout=30,
                             headers=cli.sandbox.headers("admin"))
    assert response.status_code == 200, response.text
    return response.json()


def container_id(cli: Cli, ds: int, name: str) -> int:
    found = [c for c in cli.api("GET", "/containers/listing", params={"datastore": ds})
             if c["name"] == name]
    assert len(found) == 1, name
    return int(found[0]["id"])


def datastore(cli: Cli, name: str) -> dict[str, Any]:
    items = cli.api("GET", "/datastores", params={"size": 100})["items"]
    return next(d for d in items if d["name"] == name)


def computed_field(cli: Cli, container: int, name: str, source: str) -> None:
    cli.api("POST", "/computed-fields", json={
        "name": name, "container_id": container, "transformation": "cleanedEntityName",
        "source_fields": [source], "properties": {}})


def check(cli: Cli, container: int, field: str, uid: str) -> None:
    cli.api("POST", "/quality-checks", json={
        "container_id": container, "rule": "notNull", "fields": [field],
        "description": f"not null on {field}", "properties": {}, "tags": [],
        "additional_metadata": {"_qualytics_check_uid": uid}, "status": "Active"})


def make_odd_names(cli: Cli) -> list[str]:
    """Connections, datastores, containers, computed fields and check containers whose
    names slug alike, slug to nothing, are too long for a file name or hold control
    characters; the datastores to export."""
    dev = datastore(cli, "warehouse-dev")
    orders = container_id(cli, dev["id"], "orders")
    for name in ODD:
        computed_field(cli, orders, name, "status")
    # catalog tables whose slugs are other tables' names
    for table in ("ORDERS", "Order Items"):
        admin(cli, "/_sandbox/catalog", {"connection_id": dev["connection_id"], "name": table,
                                         "columns": [["order_id", "Integral"]]})
    cli.api("POST", "/operations/run", json={"type": "sync", "datastore_id": dev["id"]})
    for table in ("ORDERS", "Order Items"):
        table_id = container_id(cli, dev["id"], table)
        computed_field(cli, table_id, "order id text", "order_id")
        check(cli, table_id, "order_id", f"odd__{table}")
    for i, name in enumerate(["../../escape", "Orders", "t" * 300, "."]):
        created = cli.api("POST", "/containers", json={
            "container_type": "computed_table", "datastore_id": dev["id"], "name": name,
            "query": "SELECT order_id, status FROM orders"})
        computed_field(cli, created["id"], "..", "status")
        check(cli, created["id"], "order_id", f"odd__computed_{i}")
    selected = ["warehouse-dev"]
    for conn_name, ds_name in (("1st/db..", "warehouse/dev"), ("Warehouse $Dev DB", "…")):
        conn = cli.api("POST", "/connections", json={
            "name": conn_name, "type": "postgresql", "host": "db.example.net", "port": 5432,
            "username": "svc$reader", "password": "pw"})
        cli.api("POST", "/datastores", json={"name": ds_name, "connection_id": conn["id"],
                                             "database": "analytics", "schema": "public"})
        selected.append(ds_name)
    return selected


def test_every_name_the_api_accepts_exports_and_plans_with_no_change(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    scope = [arg for name in make_odd_names(cli) for arg in ("--datastore", name)]
    exported = cli.run("export", *scope)
    assert exported.code == 0, exported.err

    files = [p for p in cli.folder.rglob("*") if p.is_file()]
    for path in files:
        rel = path.relative_to(cli.folder)
        assert all(len(part.encode()) <= 120 and not part.startswith(".")
                   for part in rel.parts), rel
    # the true names are inside the files
    config, issues = read_folder(cli.folder)
    assert [i for i in issues if i.level == "error"] == []
    fields = {f.name for f in config.computed_fields if f.container == "orders"}
    assert fields >= set(ODD)
    assert {c.name for c in config.containers} >= {"../../escape", "Orders", "t" * 300, "."}
    assert {c.name for c in config.connections} >= {"1st/db..", "Warehouse $Dev DB"}
    assert {d.name for d in config.datastores} >= {"warehouse/dev", "…"}
    # two connections whose names slug alike get different variables; none starts with a digit
    texts = [p.read_text() for p in (cli.folder / "connections").iterdir()]
    names = [n for text in texts for n in PLACEHOLDER.findall(text)]
    assert len(names) == len(set(names)) and "_1ST_DB_PASSWORD" in names
    for name in names:
        monkeypatch.setenv(name, "a-password")

    plan = cli.run("plan", *scope, "--detailed-exitcode")
    assert plan.code == 0, plan.out + plan.err
    assert "No changes." in plan.out

    again = cli.run("export", *scope)
    assert again.code == 0 and "0 written" in again.out, again.out
    assert sorted(p for p in cli.folder.rglob("*") if p.is_file()) == sorted(files)


def test_a_catalog_tables_computed_fields_find_it_again_when_slugs_collide(cli: Cli) -> None:
    """``ORDERS`` and ``orders`` both exist: the fields of ``ORDERS`` live in a directory
    of their own that leads back to it, and an import of the folder changes nothing."""
    scope = [arg for name in make_odd_names(cli)[:1] for arg in ("--datastore", name)]
    assert cli.run("export", *scope).code == 0
    containers = cli.folder / "datastores/warehouse_dev/containers"
    dirs = sorted(d.name for d in containers.iterdir())
    assert "orders" in dirs and "order_items" not in dirs
    upper = [d for d in dirs if d.startswith("orders_") and not (containers / d /
                                                                 "_container.yaml").exists()]
    assert len(upper) == 1 and re.fullmatch(r"orders_[0-9a-f]{8}", upper[0]), dirs
    names = sorted(p.name for p in (containers / upper[0] / "computed_fields").iterdir())
    assert names == ["order_id_text.yaml"]
    result = cli.run("import", *scope)
    assert result.code == 0, result.out + result.err
    assert "0 created, 0 updated" in result.out, result.out
