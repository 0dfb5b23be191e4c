"""Promoting computed fields, tables and files against the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualytics_ci.sandbox.server import RunningSandbox

from .helpers import by_result, client, control, ids, promote, promote_json

FIELDS = ("--type", "fields", "--from", "warehouse-dev/customers",
          "--to", "warehouse-prod/customers")
TABLES = ("--type", "tables", "--from", "warehouse-dev", "--to", "warehouse-prod")
FILES = ("--type", "files", "--from", "lake-dev", "--to", "lake-prod",
         "--mapping", "engaged_sessions=web_sessions", "--mapping", "open_tickets=support_tickets")


def test_fields_create_skip_update(sandbox: RunningSandbox, tmp_path: Path) -> None:
    code, first = promote_json(sandbox, tmp_path, *FIELDS)
    assert code == 0 and by_result(first) == {"created": ["email_domain"],
                                              "skipped": ["full_name"]}
    code, second = promote_json(sandbox, tmp_path, *FIELDS)
    assert by_result(second) == {"skipped": ["email_domain", "full_name"]}
    api = client(sandbox)
    _dev, customers = ids(sandbox, "warehouse-dev", "customers")
    assert customers is not None
    field = next(f for f in api.get_container(customers)["computed_fields"]
                 if f["name"] == "email_domain")
    api.update_computed_field(field["id"], {
        "name": "email_domain", "transformation": "customExpression", "source_fields": ["email"],
        "properties": {"column_expression": "upper(split(email, '@')[1])"}})
    code, third = promote_json(sandbox, tmp_path, *FIELDS, "--additional-tags", "promoted")
    assert by_result(third) == {"updated": ["email_domain", "full_name"]}


def test_field_whose_source_field_is_missing_fails_with_the_platform_message(
        sandbox: RunningSandbox, tmp_path: Path) -> None:
    api = client(sandbox)
    _dev, customers = ids(sandbox, "warehouse-dev", "customers")
    api.create_computed_field({
        "container_id": customers, "name": "tier_label", "transformation": "customExpression",
        "source_fields": ["loyalty_tier"], "properties": {"column_expression": "upper(x)"}})
    api.create_computed_field({
        "container_id": customers, "name": "tier_code", "transformation": "customExpression",
        "source_fields": ["tier_label"], "properties": {"column_expression": "left(x, 1)"}})
    code, report = promote_json(sandbox, tmp_path, *FIELDS)
    assert code == 3
    failed = {r["source_name"]: r["message"] for r in report["results"]
              if r["result"] == "failed"}
    assert failed == {
        "tier_label": "Source field(s) ['loyalty_tier'] not available on destination — their "
                      "parent computed field may have failed to promote",
        "tier_code": "Source field(s) ['tier_label'] not available on destination — their "
                     "parent computed field may have failed to promote",
    }


def test_tables_create_update_skip(sandbox: RunningSandbox, tmp_path: Path) -> None:
    code, first = promote_json(sandbox, tmp_path, *TABLES)
    assert code == 0 and by_result(first) == {"created": ["customer_order_summary"],
                                              "updated": ["high_value_orders"]}
    code, second = promote_json(sandbox, tmp_path, *TABLES)
    assert by_result(second) == {"skipped": ["customer_order_summary", "high_value_orders"]}
    prod = ids(sandbox, "warehouse-prod")[0]
    table = sandbox.store.container_by_name(prod, "high_value_orders")
    assert table is not None and "> 1000" in table["query"]


def test_table_over_a_non_computed_container_fails(sandbox: RunningSandbox,
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # a physical table of that name exists on prod's database, found by a sync
    api = client(sandbox)
    prod = api.get_datastore(ids(sandbox, "warehouse-prod")[0])
    control(sandbox, "catalog", {"connection_id": prod["connection_id"], "type": "table",
                                 "name": "customer_order_summary",
                                 "columns": [["customer_id", "Integral"]]})
    api.run_operation({"type": "sync", "datastore_id": prod["id"]})
    assert promote(sandbox, *TABLES, "--dry-run") == 0
    assert "non-computed-table container (type: table)" in capsys.readouterr().out
    code, report = promote_json(sandbox, tmp_path, *TABLES)
    assert code == 3
    failed = next(r for r in report["results"] if r["result"] == "failed")
    assert failed["message"] == "Cannot promote over non-computed-table container (type: table)"


def test_files_create_skip_update(sandbox: RunningSandbox, tmp_path: Path) -> None:
    code, first = promote_json(sandbox, tmp_path, *FILES, "--additional-tags", "promoted")
    assert code == 0 and by_result(first) == {"created": ["engaged_sessions", "open_tickets"]}
    prod = ids(sandbox, "lake-prod")[0]
    copy = sandbox.store.container_by_name(prod, "engaged_sessions")
    pattern = sandbox.store.container_by_name(prod, "web_sessions")
    assert copy is not None and pattern is not None
    assert copy["source_container_id"] == pattern["id"]
    assert set(copy["tags"]) == {"web", "promoted"}
    code, second = promote_json(sandbox, tmp_path, *FILES, "--additional-tags", "promoted")
    assert by_result(second) == {"skipped": ["engaged_sessions", "open_tickets"]}
    api = client(sandbox)
    _dev, source = ids(sandbox, "lake-dev", "open_tickets")
    assert source is not None
    api.update_container(source, {
        "container_type": "computed_file", "name": "open_tickets",
        "source_container_id": ids(sandbox, "lake-dev", "support_tickets")[1],
        "select_clause": "ticket_id, priority, opened_at, status",
        "where_clause": "status = 'open'"})
    code, third = promote_json(sandbox, tmp_path, *FILES, "--additional-tags", "promoted")
    assert by_result(third)["updated"] == ["open_tickets"]


def test_files_need_dfs_and_a_mapping(sandbox: RunningSandbox,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert promote(sandbox, "--type", "files", "--from", "lake-dev", "--to", "lake-prod") == 1
    assert "explicit mapping" in capsys.readouterr().err
    assert promote(sandbox, "--type", "files", "--from", "lake-dev", "--to", "warehouse-prod",
                   "--mapping", "open_tickets=support_tickets") == 1
    err = capsys.readouterr().err
    assert "--to warehouse-prod is a JDBC datastore" in err
