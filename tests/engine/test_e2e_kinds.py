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
