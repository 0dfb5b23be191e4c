"""The dry run's predictions, over plain API objects."""

from __future__ import annotations

from typing import Any

from qualytics_ci.promote.match import match_checks
from qualytics_ci.promote.preview import (
    preview_checks,
    preview_fields,
    preview_files,
    preview_tables,
)


def check(cid: int, rule: str = "notNull", fields: tuple[str, ...] = ("id",), **kw: Any
          ) -> dict[str, Any]:
    row: dict[str, Any] = {"id": cid, "rule_type": rule, "fields": [{"name": f} for f in fields],
                           "description": f"check {cid}", "coverage": 1.0, "filter": None,
                           "properties": {}, "global_tags": [], "status": "Active",
                           "additional_metadata": {}}
    row.update(kw)
    return row


def test_new_identical_and_changed_checks() -> None:
    sources = [check(1), check(2, "between", ("amount",), properties={"min": 0, "max": 10}),
               check(3, "unique", ("email",))]
    copy_of_2 = check(20, "between", ("amount",), description="check 2",
                      properties={"min": 0, "max": 5},
                      additional_metadata={"from quality check id": "2"})
    same_as_3 = check(30, "unique", ("email",), description="check 3", status="Draft")
    out = {e.source_entity_id: e for e in preview_checks(sources, [], [copy_of_2, same_as_3])}
    assert out[1].action == "create"
    assert out[2].action == "update" and out[2].destination_entity_id == 20
    assert [(f.path, f.before, f.after) for f in out[2].fields] == [
        ("properties", {"min": 0, "max": 5}, {"min": 0, "max": 10})]
    assert out[3].action == "skip" and out[3].destination_entity_id == 30


def test_archived_checks_are_excluded_even_by_id() -> None:
    archived = [check(9, status="Discarded")]
    out = preview_checks([check(1)], archived, [], ids=(1, 9, 77))
    by_id = {e.source_entity_id: e for e in out}
    assert by_id[9].action == "excluded" and "never promoted" in (by_id[9].reason or "")
    assert by_id[77].action == "excluded" and "no such check" in (by_id[77].reason or "")
    assert by_id[1].action == "create"


def test_tags_filter_and_additional_tags_count_in_identity() -> None:
    tagged = check(1, global_tags=[{"name": "pii"}])
    copy = check(10, description="check 1", global_tags=[{"name": "pii"}],
                 additional_metadata={"from quality check id": 1})
    out = preview_checks([tagged, check(2)], [], [copy], tags=("pii",),
                         additional_tags=("promoted",))
    assert [(e.source_entity_id, e.action) for e in out] == [(1, "update")]
    assert out[0].fields[0].path == "tags"


def test_active_promotion_predicts_validation_failures() -> None:
    out = preview_checks([check(1, fields=("email",))], [], [], active=True,
                         destination_fields={"id"})
    assert out[0].action == "fail"
    assert out[0].reason == "Validation failed: field 'email' not found on destination container"
    draft = preview_checks([check(1, fields=("email",))], [], [], destination_fields={"id"})
    assert draft[0].action == "create" and "could not be resolved" in (draft[0].reason or "")


def test_a_copy_claimed_by_origin_is_not_matched_by_shape() -> None:
    a, b = check(1), check(2)
    copy_of_b = check(20, additional_metadata={"from quality check id": "2"})
    assert match_checks([a, b], [copy_of_b]) == {2: copy_of_b}


def test_computed_field_with_missing_source_field_fails() -> None:
    fields = [{"id": 1, "name": "amount_usd", "transformation_type": "customExpression",
               "source_fields": [{"name": "amount"}], "properties": {}},
              {"id": 2, "name": "amount_eur", "transformation_type": "customExpression",
               "source_fields": [{"name": "amount_usd"}], "properties": {}},
              {"id": 3, "name": "x", "transformation_type": "customExpression",
               "source_fields": [{"name": "gone"}], "properties": {}}]
    out = {e.source_entity_id: e for e in preview_fields(fields, [],
                                                         destination_fields={"amount"})}
    assert out[1].action == "create" and out[2].action == "create"
    assert out[3].action == "fail"
    assert out[3].reason == ("Source field(s) ['gone'] not available on destination — their "
                             "parent computed field may have failed to promote")


def test_table_over_a_plain_table_fails() -> None:
    sources = [{"id": 5, "name": "orders", "container_type": "computed_table", "query": "q"},
               {"id": 6, "name": "summary", "container_type": "computed_table", "query": "q"}]
    listing = [{"id": 50, "name": "orders", "container_type": "table"},
               {"id": 60, "name": "summary", "container_type": "computed_table"}]
    full = [{"id": 60, "name": "summary", "container_type": "computed_table", "query": "q"}]
    out = {e.source_entity_id: e for e in preview_tables(sources, listing, full)}
    assert out[5].reason == "Cannot promote over non-computed-table container (type: table)"
    assert out[6].action == "skip"


def test_file_compares_its_mapped_pattern() -> None:
    src = {"id": 5, "name": "enriched", "container_type": "computed_file",
           "select_clause": "*", "source_container_id": 4}
    dest = {"id": 70, "name": "enriched", "container_type": "computed_file",
            "select_clause": "*", "source_container_id": 61}
    same = preview_files([(src, 61)], [dest], [dest])
    moved = preview_files([(src, 62)], [dest], [dest])
    assert same[0].action == "skip"
    assert moved[0].action == "update" and moved[0].fields[0].path == "source_container_id"
