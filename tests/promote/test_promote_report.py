"""Reports from operations: failures never lost, exit codes, renderers."""

from __future__ import annotations

import json
from typing import Any

from qualytics_ci.promote.report import build_report, collect_results, exit_code
from qualytics_ci.promote.request import KINDS
from qualytics_ci.render.promote_markdown import render_promote_markdown
from qualytics_ci.render.promote_terminal import render_promote_report

from .fakes import FakeAPI


def row(sid: int, result: str, message: str | None = None) -> dict[str, Any]:
    return {"source_entity_id": sid, "entity_type": "quality_check", "result": result,
            "source_entity": {"id": sid, "rule_type": "notNull", "fields": [{"name": "id"}]},
            "destination_entity_id": None if result == "failed" else sid + 100,
            "message": message}


def operation(result: str = "success", **status: int) -> dict[str, Any]:
    return {"id": 7, "type": "promote", "result": result, "end_time": "t",
            "status": {"total": sum(status.values()), **status},
            "container": {"id": 1, "name": "orders"},
            "destination_container": {"id": 2, "name": "orders"}}


def test_failed_results_are_fetched_first_and_deduplicated() -> None:
    api = FakeAPI()
    api.results = [row(1, "created"), row(2, "failed", "boom"), row(3, "skipped")]
    rows = collect_results(api, 7, KINDS["checks"])
    assert [r["source_entity_id"] for r in rows] == [2, 1, 3]
    assert [c for c in api.calls if c[0] == "list_operation_results"] == [
        ("list_operation_results", ("failed",)),
        ("list_operation_results", ("created", "updated", "skipped"))]


def test_report_json_has_the_contract_shape() -> None:
    report = build_report(operation(created=1, failed=1), [row(1, "created"), row(2, "failed")],
                          KINDS["checks"], source="dev/orders", destination="prod/orders")
    data = json.loads(json.dumps(report.to_json()))
    assert data["operation_id"] == 7 and data["type"] == "promote_quality_check"
    assert data["status"] == {"total": 2, "created": 1, "updated": 0, "skipped": 0, "failed": 1}
    assert data["results"][0] == {
        "entity_type": "quality_check", "source_entity_id": 1, "source_name": "notNull(id)",
        "result": "created", "destination_entity_id": 101, "message": None}


def test_exit_codes() -> None:
    kind = KINDS["checks"]
    ok = build_report(operation(created=1), [row(1, "created")], kind)
    some = build_report(operation(created=1, failed=1), [row(1, "created"), row(2, "failed")],
                        kind)
    all_failed = build_report(operation("failure", failed=1), [row(2, "failed")], kind)
    aborted = build_report(operation("aborted", created=1), [row(1, "created")], kind)
    assert [exit_code(r) for r in (ok, some, all_failed, aborted)] == [0, 3, 1, 1]


def test_terminal_and_markdown_put_failures_first() -> None:
    report = build_report(operation(created=1, failed=1),
                          [row(1, "created"), row(2, "failed", "Validation | failed")],
                          KINDS["checks"])
    text = render_promote_report(report)
    assert text.index("! failed") < text.index("+ created")
    assert "1 created, 0 updated, 0 skipped, 1 failed (of 2)" in text
    md = render_promote_markdown(report)
    assert md.index("failed |") < md.index("created |")
    assert "Validation \\| failed" in md
    assert md.startswith("### ❌ qualytics-ci promote")
    assert "**Promote: 1 created, 0 updated, 0 skipped, 1 failed (of 2).**" in md


def test_markdown_truncates_successes_not_failures() -> None:
    rows = [row(i, "created") for i in range(1, 50)] + [row(99, "failed", "x")]
    report = build_report(operation(created=49, failed=1), rows, KINDS["checks"])
    md = render_promote_markdown(report, max_rows=5)
    assert "| 99 |" in md and "45 more entities not shown" in md


def test_preview_markdown_lists_failures_first_and_the_estimates() -> None:
    from qualytics_ci.render.promote_markdown import render_promote_preview_markdown
    from qualytics_ci.results.config import FieldChange
    from qualytics_ci.results.promote import PreviewEntity, PromotePreview

    preview = PromotePreview(
        "promote_quality_check", "dev/orders", "prod/orders", {"type": "x"},
        (PreviewEntity(1, "notNull(id)", "create"),
         PreviewEntity(2, "between(a)", "update", None, 9,
                       (FieldChange("properties", {"max": 5}, {"max": 10}),)),
         PreviewEntity(3, "unique(email)", "fail", "Validation failed: x")),
        certain=("names resolved",), estimates=("matching | rule",))
    md = render_promote_preview_markdown(preview)
    assert "would **create 1**, **update 1**, skip 0; **1** expected to fail" in md
    assert md.index("❌&nbsp;fail") < md.index("🆕&nbsp;create") < md.index("✏️&nbsp;update")
    assert '`properties`: {"max": 5} → {"max": 10}' in md
    assert "**estimated:** matching \\| rule" in md


def test_preview_json_reads_back_to_the_same_preview() -> None:
    from qualytics_ci.results.config import FieldChange
    from qualytics_ci.results.from_json import promote_preview_from_json
    from qualytics_ci.results.promote import PreviewEntity, PromotePreview

    preview = PromotePreview(
        "promote_computed_field", "dev/orders", "prod/orders", {"type": "promote_computed_field"},
        (PreviewEntity(4, "excluded_one", "excluded", "no such computed field"),
         PreviewEntity(2, "total", "update", None, 9, (FieldChange("properties", 1, 2),))),
        certain=("names resolved",), estimates=("matching rule",))
    data = json.loads(json.dumps(preview.to_json()))
    assert data["entities"][0]["detail"] == "no such computed field"
    assert data["estimated"] == ["matching rule"]
    assert promote_preview_from_json(data) == preview


def test_promote_markdown_cells_cannot_inject_html_or_break_the_table() -> None:
    from qualytics_ci.results.promote import PromoteEntity, PromoteReport

    report = PromoteReport(1, "promote_quality_check", "failure", {"total": 1, "failed": 1},
                           (PromoteEntity("quality_check", 5, "a|b<img src=x>", "failed",
                                          None, "line\nbreak"),))
    md = render_promote_markdown(report)
    assert "| a\\|b\\<img src=x\\> | 5 |  | line<br>break |" in md
