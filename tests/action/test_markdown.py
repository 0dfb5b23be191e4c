"""The job summary and PR comment as a reviewer reads them (rendered from results)."""

from __future__ import annotations

import re

from qualytics_ci import secrets
from qualytics_ci.render import markdown as md
from qualytics_ci.render.fit import Doc, Entry, fit
from qualytics_ci.results.config import Change, FieldChange, Plan
from qualytics_ci.results.promote import (
    PreviewEntity,
    PromoteEntity,
    PromotePreview,
    PromoteReport,
)

from .gfm import html_of, text_of
from .synthetic import import_report_of, plan_of, small_plan

CTX = md.Context(folder="qualytics-config", run_url="https://github.com/o/r/actions/runs/7",
                 sha="0123456789abcdef0123456789abcdef01234567",
                 repo_url="https://github.com/o/r")


def test_plan_summary_leads_with_the_headline_commit_and_digest() -> None:
    plan = small_plan()
    text = md.summary(md.plan_sections(plan, CTX), CTX).text
    assert "**Plan: 3 to create, 1 to update, 0 to archive, 412 unchanged.**" in text
    assert f"plan digest `{plan.digest}`" in text
    assert "commit [`0123456`](https://github.com/o/r/commit/0123456789abcdef" in text
    assert "<summary><code>~</code> check <code>" in text
    assert "~ properties.max: 3 → 53" in text
    assert "orders_enriched" not in text  # unchanged entities are counted, never listed


def test_plan_without_changes_says_so() -> None:
    text = md.summary(md.plan_sections(plan_of(5), CTX), CTX).text
    assert "No changes" in text and "#### Checks" not in text


def test_import_lists_failures_before_successes_with_their_file() -> None:
    report = import_report_of(small_plan(), fail=1)
    text = md.comment(md.import_sections(report, CTX), CTX, marker="<!-- m -->").text
    assert text.startswith("<!-- m -->\n### ❌ qualytics-ci import")
    assert "2 created, 1 updated, 0 archived, 412 unchanged, 1 failed." in text
    assert "| kind | created | updated | archived | unchanged | failed |" in text
    assert "| checks | 2 | 1 | 0 | 411 | **1** |" in text
    assert text.index("❌ Failed (1)") < text.index("#### Checks")
    failed_row = next(ln for ln in text.splitlines() if "must be &gt;= min" in ln
                      or "must be \\>= min" in ln)
    assert ".yaml`](https://github.com/o/r/blob/0123456" in failed_row


def test_drift_verdict_resolution_and_entities() -> None:
    plan = plan_of(10, updates=2, archives=1)
    text = md.summary(md.drift_sections(plan, CTX), CTX).text
    assert "Drift detected: 3 entities differ between the target and the folder (7 in sync)" \
        in text
    assert "**To resolve:**" in text and "adopt the target's change into the folder" in text
    assert "<b>changed on the target</b>:" in text and "<b>only on the target</b>:" in text
    assert "No drift" in md.summary(md.drift_sections(plan_of(4), CTX), CTX).text


def test_promote_with_a_failed_entity_does_not_read_as_success() -> None:
    report = PromoteReport(
        operation_id=42, type="checks", result="success",
        status={"total": 2, "created": 1, "updated": 0, "skipped": 0, "failed": 1},
        results=(PromoteEntity("quality_check", 1, "a_check", "created", 9),
                 PromoteEntity("quality_check", 2, "b_check", "failed", None,
                               "no such field\nsecond line")),
        source="warehouse-dev", destination="warehouse-prod")
    text = md.summary(md.promote_sections(report, CTX), CTX).text
    assert text.startswith("### ❌ qualytics-ci promote")
    assert "✅" not in text
    assert "finished with result `success`, but **1 of 2 entities failed**" in text
    assert text.index("b\\_check") < text.index("a\\_check")
    assert "no such field<br>second line" in text
    many = PromoteReport(
        operation_id=43, type="checks", result="success",
        status={"total": 5000, "created": 5000, "updated": 0, "skipped": 0, "failed": 0},
        results=tuple(PromoteEntity("quality_check", i, f"check_{i}_" + "x" * 40, "created", i)
                      for i in range(5000)))
    fitted = md.comment(md.promote_sections(many, CTX), CTX)
    assert fitted.truncated and len(fitted.text) <= md.COMMENT_BUDGET
    assert "✂️ **Shortened to fit a pull-request comment:**" in fitted.text.split("|")[0]


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
    assert text.startswith("### ⚠️ qualytics-ci promote preview (dry run)")
    assert "it would **create 1**, **update 1**, skip 1; **1** expected to fail; 1 excluded" \
        in text and "Nothing was changed." in text
    order = ["❌&nbsp;fail", "🚫&nbsp;excluded", "🆕&nbsp;create", "✏️&nbsp;update",
             "⏭️&nbsp;skip"]
    assert [text.index(f"| {a} |") for a in order] == sorted(text.index(f"| {a} |")
                                                           for a in order)
    assert "| ✏️&nbsp;update | between(total) | 2 | 9 | `properties.max`: 5 → 10 |" in text
    assert "a\\u0060b" in text and "**estimated:** matching rule" in text
    creates = [PreviewEntity(i, f"check_{i}_" + "x" * 40, "create") for i in range(3000)]
    many = PromotePreview("promote_quality_check", "a", "b", {},
                          (*creates, PreviewEntity(9999, "bad", "fail", "Validation failed")))
    fitted = md.comment(md.promote_preview_sections(many, CTX), CTX)
    assert fitted.truncated and len(fitted.text) <= md.COMMENT_BUDGET
    assert "| ❌&nbsp;fail | bad | 9999 |" in fitted.text


def test_names_render_literally_in_cells_summaries_and_code() -> None:
    glob = Change(kind="container", name="sales/*/2024/*.parquet", action="update",
                  datastore="lake", fields=(FieldChange("tags", ["a"], ["b"]),),
                  file="datastores/lake/containers/sales_2024/_container.yaml")
    odd = Change(kind="check", name="orders<v2>|x_y_z", action="create", datastore="lake",
                 container="orders<v2>", fields=(FieldChange("rule_type", None, "notNull"),))
    report = import_report_of(Plan((glob, odd)), fail=2)
    for doc in (md.plan_sections(Plan((glob, odd)), CTX), md.import_sections(report, CTX)):
        markdown = md.summary(doc, CTX).text
        html = html_of(markdown)
        assert "<em>" not in html and "<strong>2024" not in html
        rendered = text_of(markdown)
        assert "sales/*/2024/*.parquet" in rendered
        assert "orders<v2>|x_y_z" in rendered and "&lt;" not in rendered


def test_cells_cannot_break_the_table_or_inject_html() -> None:
    change = Change(kind="check", name="a|b<script>\nx", action="create", datastore="d",
                    container="c`t", fields=(FieldChange("x", None, "```"),))
    text = md.summary(md.plan_sections(Plan((change,)), CTX), CTX).text
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


def test_large_plan_comment_keeps_every_name_and_counts_cuts_apart() -> None:
    plan = plan_of(2_000, creates=500, updates=500, archives=100)
    fitted = md.comment(md.plan_sections(plan, CTX), CTX, marker="<!-- qualytics-ci:x -->")
    text = fitted.text
    assert fitted.truncated and len(text) <= md.COMMENT_BUDGET < md.COMMENT_LIMIT
    assert text.startswith("<!-- qualytics-ci:x -->")
    notice = text.index("✂️ **Shortened")
    assert text.index("**Plan: 500 to create") < notice < text.index("| kind |")
    assert re.search(r"(\d+) entities listed by name only, without their diffs", text)
    assert "not shown" not in text[notice:text.index("\n", notice)]
    assert "[job summary](https://github.com/o/r/actions/runs/7)" in text
    for c in plan.changes:  # every create, update and archive is named
        if c.action != "unchanged":
            assert c.name in text, c.name
    assert "⚠️ **100 checks will be archived**" in text


def test_huge_plan_counts_entities_not_shown_separately() -> None:
    plan = plan_of(20_000, creates=5_000, updates=5_000, archives=1_000)
    fitted = md.comment(md.plan_sections(plan, CTX), CTX)
    line = next(ln for ln in fitted.text.splitlines() if "✂️" in ln)
    briefed, dropped = (int(n) for n in re.findall(
        r"(\d+) (?:more )?entities (?:listed by name only|not shown)", line))
    assert fitted.cut.briefed == briefed and fitted.cut.dropped == dropped > 0
    assert briefed + dropped + (fitted.text.count("<details>")) + 0 <= 11_000
    summary = md.summary(md.plan_sections(plan, CTX), CTX)
    assert len(summary.text.encode()) <= md.SUMMARY_BUDGET < 1024 * 1024


def test_fit_keeps_everything_that_fits_and_lists_cut_entries_by_name() -> None:
    doc = Doc("# h\n", entries=[Entry("## a\n", "1 long entry\n", "- 1\n"),
                                Entry("## a\n", "2 long entry\n", "- 2\n")],
              brief_heading="## cut\n")
    assert fit(doc, budget=100).text == "# h\n## a\n1 long entry\n2 long entry\n\n"
    cut = fit(doc, budget=35, notice=lambda c: f"!{c.briefed}/{c.dropped}\n")
    assert cut.text == "# h\n!2/0\n## cut\n- 1\n- 2\n\n"
    tiny = fit(doc, budget=20, notice=lambda c: f"!{c.briefed}/{c.dropped}\n")
    assert tiny.text == "# h\n!0/2\n" and tiny.cut.dropped == 2
