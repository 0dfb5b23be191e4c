"""promotions.yaml read and checked offline: every problem at its line, the Promote API's
type rules, references to the folder, and the digest that binds plan and merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualytics_ci.engine.binding import folder_part, require_expected
from qualytics_ci.engine.plan import Scope
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.model import Check, Config, Connection, Container, Datastore
from qualytics_ci.folder.promotions import (
    PROMOTION_FIELDS,
    Promotion,
    promotions_digest,
    read_promotions,
)
from qualytics_ci.folder.promotions_refs import reference_issues
from qualytics_ci.folder.schema import Issue
from qualytics_ci.folder.validate import validate_folder
from qualytics_ci.results.config import KIND_ORDER, Change, Plan

ALL_FOUR = """\
- name: orders-checks
  type: checks
  from: warehouse-dev/orders
  to: warehouse-prod/orders
  tags: [pii, critical]
  additional_tags: [promoted]
  active: true
- name: customer-fields
  type: fields
  from: warehouse-dev/customers
  to: warehouse-prod/customers
  ids: [3, 1, 3]
- name: computed-tables
  type: tables
  from: warehouse-dev
  to: warehouse-prod
  description: every computed table
- name: lake-files
  type: files
  from: lake-dev
  to: lake-prod
  mappings:
    engaged_sessions: web_sessions
    open_tickets: support_tickets
"""


def read(tmp_path: Path, text: str) -> tuple[tuple[Promotion, ...], list[Issue]]:
    (tmp_path / "promotions.yaml").write_text(text, encoding="utf-8")
    return read_promotions(tmp_path)


def errors(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    _, issues = read(tmp_path, text)
    assert all(i.level == "error" and i.file == "promotions.yaml" for i in issues)
    return [(i.line, i.message) for i in issues]


def test_each_of_the_four_types_is_read_in_order_with_its_options(tmp_path: Path) -> None:
    declared, issues = read(tmp_path, ALL_FOUR)
    assert issues == []
    checks, fields, tables, files = declared
    assert (checks.name, checks.type, checks.source, checks.destination) == (
        "orders-checks", "checks", "warehouse-dev/orders", "warehouse-prod/orders")
    assert (checks.tags, checks.additional_tags, checks.active) == (
        ("pii", "critical"), ("promoted",), True)
    assert fields.ids == (3, 1)
    assert tables.description == "every computed table" and tables.line() == 13
    assert files.mappings == (("engaged_sessions", "web_sessions"),
                              ("open_tickets", "support_tickets"))
    assert files.line("mappings.open_tickets") == 24
    assert files.ref().to_json() == {"name": "lake-files", "type": "files", "from": "lake-dev",
                                     "to": "lake-prod", "file": "promotions.yaml", "line": 18}


def test_no_file_or_an_empty_file_declares_nothing(tmp_path: Path) -> None:
    assert read_promotions(tmp_path) == ((), [])
    assert read(tmp_path, "# nothing yet\n") == ((), [])


BASE = "- name: p\n  type: checks\n  from: dev/orders\n  to: prod/orders\n"


@pytest.mark.parametrize(("text", "line", "expected"), [
    (BASE + "  addtional_tags: [x]\n", 5,
     "unknown key 'addtional_tags' (did you mean 'additional_tags'?)"),
    (BASE + "  tags: [pii]\n  ids: [4]\n", 6,
     "ids and tags are mutually exclusive; select quality checks either by id or by tag"),
    (BASE.replace("to: prod/orders", "to: prod"), 4,
     "to: prod names no container: quality checks are promoted from one container"),
    (BASE.replace("checks", "tables"), 3,
     "from: dev/orders: computed tables are promoted between datastores, so give a "
     "datastore only"),
    ("- name: f\n  type: files\n  from: lake-dev\n  to: lake-prod\n", 1,
     "computed files need an explicit mapping to destination file patterns; add mappings:"),
    ("- name: f\n  type: files\n  from: lake-dev\n  to: lake-prod\n  tags: [a]\n"
     "  mappings: {a: b}\n", 5, "ids and tags do not apply to computed files"),
    (BASE.replace("checks", "fields") + "  active: true\n", 5,
     "active applies only to type: checks"),
    (BASE + "  mappings: {a: b}\n", 5, "mappings applies only to type: files"),
    (BASE.replace("type: checks", "type: monitors"), 2, "unknown promote type 'monitors'"),
    (BASE.replace("prod/orders", "dev/orders"), 4,
     "source and destination must be different (both are dev/orders)"),
    (BASE + "  ids: [x]\n", 5, "'ids' must be a list of positive integer ids"),
    (BASE + "  tags: pii\n", 5, "'tags' must be a list of strings"),
    (BASE + "  active: yes please\n", 5, "'active' must be true or false"),
    (BASE.replace("  from: dev/orders\n", ""), 1, "missing required key 'from'"),
    (BASE.replace("from: dev/orders", "from: dev/"), 3,
     "from: 'dev/' is not DATASTORE or DATASTORE/CONTAINER"),
])
def test_a_bad_promotion_is_an_error_at_its_line(tmp_path: Path, text: str, line: int,
                                                 expected: str) -> None:
    found = errors(tmp_path, text)
    assert any(n == line and expected in m for n, m in found), found
    assert all(m.startswith("promotion 'p'") or m.startswith("promotion 'f'")
               for _, m in found)


def test_a_name_used_twice_is_refused_where_it_repeats(tmp_path: Path) -> None:
    text = BASE + BASE.replace("orders", "payments")
    declared, issues = read(tmp_path, text)
    assert [p.source for p in declared] == ["dev/orders"]
    assert [(i.line, i.message) for i in issues] == [
        (5, "promotion name 'p' is used twice (first at line 1)")]


@pytest.mark.parametrize(("text", "line", "expected"), [
    ("name: p\ntype: checks\n", 1, "promotions.yaml must be a list of promotions"),
    ("- just a string\n", 1, "each promotion is a mapping"),
    ("- name: p\n  type: [unclosed\n", 3, "invalid YAML"),
])
def test_a_malformed_file_is_one_error(tmp_path: Path, text: str, line: int,
                                       expected: str) -> None:
    (found_line, message), = errors(tmp_path, text)
    assert found_line == line and expected in message


def folder_config() -> Config:
    return Config.of([
        Connection("wh-db", {"name": "wh-db", "type": "postgresql"}),
        Connection("lake-s3", {"name": "lake-s3", "type": "s3"}),
        Datastore("warehouse-dev", {"name": "warehouse-dev", "connection_name": "wh-db"}),
        Datastore("lake-dev", {"name": "lake-dev", "connection_name": "lake-s3"}),
        Container("engaged_sessions", {"name": "engaged_sessions",
                                       "container_type": "computed_file"}, "lake-dev"),
        Container("daily", {"name": "daily", "container_type": "computed_table"}, "lake-dev"),
        Check("not_null__id", {"rule_type": "notNull", "container": "orders"},
              "warehouse-dev", "orders", uid="u"),
    ])


def refs(tmp_path: Path, text: str) -> list[tuple[str, int | None, str]]:
    declared, issues = read(tmp_path, text)
    assert issues == []
    return [(i.level, i.line, i.message) for i in reference_issues(declared, folder_config())]


def test_a_datastore_the_folder_lacks_is_a_warning_once(tmp_path: Path) -> None:
    text = ("- name: a\n  type: checks\n  from: warehouse-dev/orders\n  to: warehouse-prod/orders\n"
            "- name: b\n  type: tables\n  from: warehouse-dev\n  to: warehouse-prod\n")
    assert refs(tmp_path, text) == [
        ("warning", 4, "promotion 'a': datastore 'warehouse-prod' is not in the folder; "
                       "it must exist on the target")]


def test_a_container_the_folder_never_names_is_a_warning(tmp_path: Path) -> None:
    text = "- name: a\n  type: checks\n  from: warehouse-dev/ordrs\n  to: lake-dev/x\n"
    found = refs(tmp_path, text)
    assert ("warning", 3, "promotion 'a': container 'ordrs' of datastore 'warehouse-dev' is "
            "not in the folder (no computed container, check or computed field names it); "
            "it must exist on the target") in found


def test_store_types_the_folder_knows_must_fit(tmp_path: Path) -> None:
    text = ("- name: t\n  type: tables\n  from: lake-dev\n  to: warehouse-dev\n"
            "- name: f\n  type: files\n  from: lake-dev\n  to: warehouse-dev\n"
            "  mappings:\n    daily: web\n    gone: web\n    engaged_sessions: web\n")
    found = refs(tmp_path, text)
    assert ("error", 3, "promotion 't': from lake-dev is a DFS datastore, but computed tables "
            "are promoted between JDBC datastores; computed tables live on JDBC (database) "
            "datastores, computed files on DFS (file storage) datastores") in found
    assert any(f[:2] == ("error", 8) and "to warehouse-dev is a JDBC datastore" in f[2]
               for f in found)
    assert ("error", 10, "promotion 'f': mappings: daily on lake-dev is a computed_table, "
            "not a computed file") in found
    assert ("warning", 11, "promotion 'f': computed file 'gone' is not in the folder's "
            "datastore 'lake-dev'; it must exist on the target") in found
    assert not any(f[1] == 12 for f in found)


def test_validate_reads_promotions_yaml_as_part_of_the_folder(tmp_path: Path) -> None:
    ds = tmp_path / "datastores" / "warehouse_dev"
    ds.mkdir(parents=True)
    (ds / "_datastore.yaml").write_text("name: warehouse-dev\nconnection_name: elsewhere\n")
    (tmp_path / "promotions.yaml").write_text(BASE + "  ids: [1]\n  tags: [a]\n")
    _, issues = validate_folder(tmp_path, {})
    located = [(i.level, i.file, i.line) for i in issues]
    assert ("error", "promotions.yaml", 5) in located
    assert not any("not part of the folder layout" in i.message for i in issues)


def promotion(**kw: object) -> Promotion:
    base: dict[str, object] = {"name": "p", "type": "checks", "source": "dev/orders",
                               "destination": "prod/orders"}
    base.update(kw)
    return Promotion(**base)  # type: ignore[arg-type]


def test_the_digest_covers_what_runs_and_in_which_order() -> None:
    a, b = promotion(), promotion(name="q", tags=("pii",))
    assert promotions_digest([]) == ""
    assert promotions_digest([a, b]) == promotions_digest([promotion(), b])
    assert promotions_digest([a, b]) != promotions_digest([b, a])
    assert promotions_digest([a]) != promotions_digest([promotion(active=True)])
    assert promotions_digest([a]) == promotions_digest([promotion(description="reworded")])


def test_the_digests_folder_part_changes_with_the_promotions_and_only_then() -> None:
    config = Config.of([Check("not_null__id", {"rule_type": "notNull", "fields": ["id"]},
                              "dev", "orders", "datastores/dev/checks/orders/not_null__id.yaml",
                              uid="orders__not_null__id")])
    scope = Scope(frozenset(KIND_ORDER), frozenset({"dev"}))
    bare = folder_part(config, scope)
    assert folder_part(config, scope, promotions_digest([])) == bare  # none: as without
    declared = folder_part(config, scope, promotions_digest([promotion()]))
    assert declared != bare
    assert folder_part(config, scope, promotions_digest([promotion(active=True)])) != declared

    # an import whose promotions are not the reviewed ones is refused: the folder differs
    changes = (Change("check", "c", "unchanged", "dev", "orders", "c"),)
    reviewed = Plan(changes, folder_digest=bare)
    now = Plan(changes, folder_digest=declared, promotions_digest="x")
    assert reviewed.parts.changes == now.parts.changes
    with pytest.raises(QualyticsCIError, match="folder differs: the folder's entities in "
                                               "scope or its declared promotions changed"):
        require_expected(now, reviewed.digest)
    require_expected(now, now.digest)


def test_every_field_is_described_for_the_schema() -> None:
    assert set(PROMOTION_FIELDS) >= {"name", "type", "from", "to", "tags", "ids",
                                     "additional_tags", "active", "mappings"}
    for spec in PROMOTION_FIELDS.values():
        assert spec.type in ("string", "boolean", "array", "object") and spec.doc
    assert PROMOTION_FIELDS["type"].enum == ("checks", "fields", "tables", "files")
