"""The job summary and PR comment as a reviewer reads them."""

from __future__ import annotations

from qualytics_ci import secrets
from qualytics_ci.render import markdown as md
from qualytics_ci.render.fit import Section, fit
from qualytics_ci.results.config import Change, FieldChange, Plan
from qualytics_ci.results.promote import (
    PreviewEntity,
    PromoteEntity,
    PromotePreview,
    PromoteReport,
)

from .synthetic import import_report_of, plan_of, small_plan

CTX = md.Context(folder="qualytics-config", run_url="https://github.com/o/r/actions/runs/7")


def test_plan_summary_leads_with_the_headline_and_digest() -> None:
    plan = small_plan()
    text = md.summary(md.plan_sections(plan, CTX), CTX).text
    assert "**Plan: 3 to create, 1 to update, 0 to archive, 412 unchanged.**" in text
    assert f"Plan digest: `{plan.digest}`" in text
    assert text.index("#### Checks") < text.index("#### Field changes")
    assert "<details><summary>~ update check" in text
    assert "- 3\n+ 53" in text
    # unchanged entities are counted, never listed
    assert "orders_enriched" not in text


def test_plan_without_changes_says_so() -> None:
    plan = plan_of(5)
    text = md.summary(md.plan_sections(plan, CTX), CTX).text
    assert "No changes" in text and "#### Checks" not in text


def test_import_lists_failures_before_successes() -> None:
    report = import_report_of(small_plan(), fail=1)
    text = md.comment(md.import_sections(report, CTX), CTX, marker="<!-- m -->").text
    assert text.startswith("<!-- m -->\n")
    assert "2 created, 1 updated, 0 archived, 412 unchanged, 1 failed." in text
    assert text.index("❌ Failed (1)") < text.index("#### Checks")
    assert "must be &gt;= min" in text
    assert "+ create ❌ failed" in text


def test_drift_verdict_and_entities() -> None:
    plan = plan_of(10, updates=2, archives=1)
    text = md.summary(md.drift_sections(plan, CTX), CTX).text
    assert "Drift detected: 3 entities differ between the target and the folder (7 in sync)" \
        in text
    assert "| changed on target |" in text and "| only on target |" in text
    clean = md.summary(md.drift_sections(plan_of(4), CTX), CTX).text
    assert "No drift" in clean


def test_promote_lists_failed_entities_first() -> None:
    report = PromoteReport(
        operation_id=42, type="checks", result="failure",
        status={"total": 2, "created": 1, "updated": 0, "skipped": 0, "failed": 1},
        results=(PromoteEntity("quality_check", 1, "a_check", "created", 9),
                 PromoteEntity("quality_check", 2, "b_check", "failed", None, "no such field")),
        source="warehouse-dev", destination="warehouse-prod")
    text = md.summary(md.promote_sections(report, CTX), CTX).text
    assert text.startswith("### qualytics-ci: promote\n\n#### Promote ❌ failure")
    assert text.index("b_check") < text.index("a_check")
    many = PromoteReport(
        operation_id=43, type="checks", result="success",
        status={"total": 5000, "created": 5000, "updated": 0, "skipped": 0, "failed": 0},
        results=tuple(PromoteEntity("quality_check", i, f"check_{i}_" + "x" * 40, "created", i)
                      for i in range(5000)))
    fitted = md.comment(md.promote_sections(many, CTX), CTX)
    assert fitted.truncated and len(fitted.text) <= md.COMMENT_BUDGET
    assert fitted.text.splitlines()[-1].startswith("> ✂️")


def test_promote_preview_is_a_table_with_expected_failures_and_exclusions_first() -> None:
    preview = PromotePreview(
        "promote_quality_check", "warehouse-dev/orders", "warehouse-prod/orders",
        {"type": "promote_quality_check", "additional_tags": ["a`b"]},
        (PreviewEntity(1, "notNull(id)", "create"),
         PreviewEntity(2, "between(total)", "update", None, 9,
                       (FieldChange("properties.max", 5, 10),)),
         PreviewEntity(3, "unique(email)", "skip", "identical copy at the destination", 8),
         PreviewEntity(4, "notNull(gone)", "excluded", "status Discarded"),
         PreviewEntity(5, "unique(tier)", "fail", "Validation failed: x")),
        certain=("names resolved",), estimates=("matching rule",))
    text = md.summary(md.promote_preview_sections(preview, CTX), CTX).text
    assert text.startswith("### qualytics-ci: promote preview (dry run, nothing changed)\n\n"
                           "#### Promote preview: `warehouse-dev/orders` → "
                           "`warehouse-prod/orders`")
    assert ("would **create 1**, **update 1**, skip 1; **1** expected to fail; 1 excluded"
            in text)
    assert "| action | source | source id | destination id | detail |" in text
    order = ["❌ fail", "🚫 excluded", "🆕 create", "✏️ update", "⏭️ skip"]
    assert [text.index(f"| {a} |") for a in order] == sorted(text.index(f"| {a} |")
                                                           for a in order)
    assert "| ✏️ update | between(total) | 2 | 9 | `properties.max`: 5 → 10 |" in text
    assert "```text" not in text
    assert "a\\u0060b" in text and "**estimated:** matching rule" in text
    creates = [PreviewEntity(i, f"check_{i}_" + "x" * 40, "create") for i in range(3000)]
    many = PromotePreview("promote_quality_check", "a", "b", {},
                          (*creates, PreviewEntity(9999, "bad", "fail", "Validation failed")))
    fitted = md.comment(md.promote_preview_sections(many, CTX), CTX)
    assert fitted.truncated and len(fitted.text) <= md.COMMENT_BUDGET
    assert "| ❌ fail | bad | 9999 |" in fitted.text


def test_cells_cannot_break_the_table_or_inject_html() -> None:
    change = Change(kind="check", name="a|b<script>\nx", action="create", datastore="d",
                    container="c`t", fields=(FieldChange("x", None, "```"),))
    text = md.summary(md.plan_sections(Plan((change,)), CTX), CTX).text
    assert "a\\|b&lt;script&gt; x" in text
    assert "<script>" not in text
    assert "````diff" in text  # a longer fence than the value's backticks


def test_secrets_never_reach_markdown() -> None:
    secrets.clear()
    secrets.register("s3cr3t-value")
    change = Change(kind="connection", name="db", action="update",
                    fields=(FieldChange("password", "old-pass", "s3cr3t-value"),))
    text = md.comment(md.plan_sections(Plan((change,)), CTX), CTX).text
    secrets.clear()
    assert "s3cr3t-value" not in text and "***" in text


def test_large_plan_comment_is_cut_by_whole_rows_under_the_limit() -> None:
    plan = plan_of(20_000, creates=5_000, updates=5_000, archives=1_000)
    fitted = md.comment(md.plan_sections(plan, CTX), CTX, marker="<!-- qualytics-ci:x -->")
    assert fitted.truncated
    assert len(fitted.text) <= md.COMMENT_BUDGET < md.COMMENT_LIMIT
    assert fitted.text.startswith("<!-- qualytics-ci:x -->")
    assert "Plan: 5000 to create, 5000 to update, 1000 to archive, 9000 unchanged." in fitted.text
    assert "more entries are in the [job summary](https://github.com/o/r/actions/runs/7)" \
        in fitted.text
    # every table row kept is whole, and archives (destructive) come first
    rows = [ln for ln in fitted.text.splitlines() if ln.startswith("| ")]
    assert rows and all(ln.endswith("|") for ln in rows)
    assert "| - archive |" in fitted.text


def test_large_plan_summary_stays_under_one_mebibyte() -> None:
    plan = plan_of(20_000, creates=5_000, updates=10_000)
    fitted = md.summary(md.plan_sections(plan, CTX), CTX)
    assert len(fitted.text.encode()) <= md.SUMMARY_BUDGET < 1024 * 1024
    assert fitted.truncated and "1 MiB" in fitted.text


def test_fit_keeps_everything_that_fits() -> None:
    sections = [Section("# h\n", essential=True), Section("## a\n", ["1\n", "2\n"])]
    assert fit(sections, budget=100).text == "# h\n## a\n1\n2\n"
    cut = fit(sections, budget=12, cut_note=lambda i, s: "!")
    assert cut.truncated and cut.text.endswith("!")
