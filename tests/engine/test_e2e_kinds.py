"""Updates of every kind, and request counts at scale."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qualytics_ci.sandbox.server import RunningSandbox

from .e2e import DEV, Cli, Counting


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))


def test_every_kind_updates_with_one_put_and_converges(cli: Cli) -> None:
    cli.run("export", *DEV)
    ds = cli.folder / "datastores/warehouse_dev"
    replace(cli.folder / "connections/warehouse_dev_db.yaml", "port: 5432", "port: 5433")
    replace(ds / "_datastore.yaml", "- dev\n", "- dev\n- gold\n")
    replace(ds / "containers/high_value_orders/_container.yaml", "> 1000", "> 2000")
    replace(ds / "containers/customers/computed_fields/full_name.yaml", "' '", "'  '")
    plan = cli.run("plan", *DEV)
    assert "0 to create, 4 to update" in plan.out, plan.out
    assert "  ~ port: 5432 -> 5433" in plan.out
    assert "  ~ tags: [\"dev\", \"warehouse\"] -> [\"dev\", \"gold\", \"warehouse\"]" in plan.out
    with Counting(cli) as sent:
        result = cli.run("import", *DEV)
    assert result.code == 0, result.out + result.err
    assert sent.writes == {"PUT /api/connections/{id}": 1, "PUT /api/datastores/{id}": 1,
                           "PUT /api/containers/{id}": 1, "PUT /api/computed-fields/{id}": 1}
    again = cli.run("plan", *DEV, "--detailed-exitcode")
    assert again.code == 0, again.out


def test_new_computed_container_is_created_then_tagged(cli: Cli) -> None:
    cli.run("export", *DEV)
    src = cli.folder / "datastores/warehouse_dev/containers/high_value_orders"
    dst = src.parent / "huge_orders"
    dst.mkdir()
    text = (src / "_container.yaml").read_text()
    (dst / "_container.yaml").write_text(text.replace("name: high_value_orders",
                                                      "name: huge_orders"))
    with Counting(cli) as sent:
        assert cli.run("import", *DEV).code == 0
    assert sent.writes == {"POST /api/containers": 1, "PATCH /api/containers": 1}
    assert cli.run("plan", *DEV, "--detailed-exitcode").code == 0


@pytest.fixture
def bench(sandbox_factory: Callable[..., RunningSandbox], tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("BENCH_DB_PASSWORD", "bench-password")
    return Cli(sandbox_factory(seed="bench:1000"), tmp_path, monkeypatch)


def test_plan_and_noop_import_of_1000_checks_read_one_page_per_100(bench: Cli) -> None:
    scope = ["--datastore", "bench"]
    with Counting(bench) as export:
        assert bench.run("export", *scope).code == 0
    assert export.by_template["GET /api/quality-checks"] == 10
    assert not export.writes and len(export.by_template) == 4
    with Counting(bench) as noop:
        assert bench.run("import", *scope).code == 0
    assert noop.writes == {}
    assert noop.by_template == {"GET /api/connections": 1, "GET /api/datastores": 1,
                                "GET /api/containers": 1, "GET /api/quality-checks": 11}


def test_new_connection_secret_is_sent_never_shown_and_never_diffed(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.run("export", *DEV)
    monkeypatch.setenv("QA_DB_PASSWORD", "very-secret-qa-pw")
    (cli.folder / "connections/qa_db.yaml").write_text(
        "name: qa-db\ntype: postgresql\nhost: qa-db.acme.internal\nport: 5432\n"
        "username: qualytics\npassword: ${QA_DB_PASSWORD}\n")
    ds = cli.folder / "datastores/warehouse_dev/_datastore.yaml"
    qa = cli.folder / "datastores/warehouse_qa/_datastore.yaml"
    qa.parent.mkdir()
    qa.write_text(ds.read_text().replace("name: warehouse-dev\n", "name: warehouse-qa\n")
                  .replace("connection_name: warehouse-dev-db", "connection_name: qa-db"))
    scope = ["--datastore", "warehouse-qa"]
    plan = cli.run("plan", *scope, "--json", "plan.json")
    assert "  + create connection qa-db" in plan.out
    assert "very-secret-qa-pw" not in plan.out + Path("plan.json").read_text()
    assert '"${QA_DB_PASSWORD}"' in Path("plan.json").read_text()
    with Counting(cli) as sent:
        result = cli.run("import", *scope, "--report", "report.json")
    assert result.code == 0, result.out + result.err
    assert sent.writes["POST /api/connections"] == 1
    assert "very-secret-qa-pw" not in result.out + result.err + Path("report.json").read_text()
    monkeypatch.setenv("QA_DB_PASSWORD", "rotated-password")
    again = cli.run("plan", *scope, "--detailed-exitcode")
    assert again.code == 0, again.out  # secrets are write-only: never an update


def test_datastore_selected_by_id(cli: Cli) -> None:
    cli.run("export", "--datastore", "1")
    assert sorted(p.name for p in (cli.folder / "datastores").iterdir()) == ["warehouse_dev"]
    assert cli.run("plan", "--datastore", "1", "--detailed-exitcode").code == 0


def test_enrichment_datastore_is_linked_and_unlinked(cli: Cli) -> None:
    cli.run("export", *DEV)
    ds = cli.folder / "datastores/warehouse_dev/_datastore.yaml"
    ds.write_text(ds.read_text() + "enrich_datastore_name: lake-dev\n")
    plan = cli.run("plan", *DEV)
    assert '~ enrich_datastore_name: null -> "lake-dev"' in plan.out, plan.out
    with Counting(cli) as sent:
        assert cli.run("import", *DEV).code == 0
    assert sent.writes == {"PUT /api/datastores/{id}": 1,
                           "PATCH /api/datastores/{id}/enrichment/{enrich_id}": 1}
    assert cli.run("plan", *DEV, "--detailed-exitcode").code == 0
    ds.write_text(ds.read_text().replace("enrich_datastore_name: lake-dev\n",
                                         "enrich_datastore_name: null\n"))
    assert cli.run("import", *DEV).code == 0
    assert cli.run("plan", *DEV, "--detailed-exitcode").code == 0


def test_changed_rule_type_archives_and_recreates(cli: Cli) -> None:
    cli.run("export", *DEV)
    path = cli.folder / "datastores/warehouse_dev/checks/orders/notnull__order_id.yaml"
    replace(path, "rule_type: notNull", "rule_type: unique")
    plan = cli.run("plan", *DEV)
    assert '~ rule_type: "notNull" -> "unique"' in plan.out
    assert "cannot change in place" in plan.out
    with Counting(cli) as sent:
        assert cli.run("import", *DEV).code == 0
    assert sent.writes == {"DELETE /api/quality-checks/{id}": 1, "POST /api/quality-checks": 1}
    assert cli.run("plan", *DEV, "--detailed-exitcode").code == 0
