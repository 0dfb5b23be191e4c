"""The declared promotions' markdown (the plan's "Promotions" part, a dry run of them, the
results of running them) parses as GitHub parses it at every size, shows hostile names as
written, and keeps every promotion's counts and errors when the comment has to be cut."""

from __future__ import annotations

import pytest

from qualytics_ci.render import markdown as md
from qualytics_ci.render import promotions_markdown as pmd
from qualytics_ci.render.fit import Doc
from qualytics_ci.results.promote import (
    PreviewEntity,
    PromoteEntity,
    PromotePreview,
    PromoteReport,
)
from qualytics_ci.results.promotions import (
    PromotionError,
    PromotionPreview,
    PromotionRef,
    PromotionResult,
    PromotionsPreview,
    PromotionsReport,
)

from .gfm import COMMENT_LIMIT, SUMMARY_LIMIT, problems, text_of
from .synthetic import plan_of

CTX = md.Context(folder="qualytics-config", run_url="https://github.com/o/r/actions/runs/7",
                 sha="0" * 40, repo_url="https://github.com/o/r")
HOSTILE = "orders|*x*`<b>"  # a pipe, emphasis, a backtick and a tag in a promotion's name
REFS = (PromotionRef(HOSTILE, "checks", "dev|a/orders", "prod/orders", "promotions.yaml", 1),
        PromotionRef("fields", "fields", "dev/c", "prod/c", "promotions.yaml", 6),
        PromotionRef("typo", "tables", "dev", "prood", "promotions.yaml", 10))
MISSING = PromotionError("datastore 'prood' not found", "did you mean: prod?")


def preview_of(n: int) -> PromotePreview:
    return PromotePreview("promote_quality_check", "dev/orders", "prod/orders",
                          {"check_tags": ["x`y"], "datastore_id": 1},
                          tuple(PreviewEntity(i, f"c_{i}|<x>", ("create", "fail", "skip")[i % 3],
                                              "line 1\nline | 2") for i in range(n)),
                          certain=("names resolved",), estimates=("create is an estimate",))


def previews_of(n: int) -> PromotionsPreview:
    return PromotionsPreview((PromotionPreview(REFS[0], preview_of(n)),
                              PromotionPreview(REFS[1], preview_of(0)),
                              PromotionPreview(REFS[2], error=MISSING)))


def report_of(n: int) -> PromotionsReport:
    ran = PromoteReport(12, "promote_quality_check", "success",
                        {"total": n, "failed": n // 2, "created": n - n // 2},
                        tuple(PromoteEntity("quality_check", i, f"c_{i}|`",
                                            ("failed", "created")[i % 2], None, "a\nb|c")
                              for i in range(n)))
    return PromotionsReport((PromotionResult(REFS[0], ran),
                             PromotionResult(REFS[2], error=MISSING)))


DOCS = {
    "plan": lambda n: pmd.with_promotions(md.plan_sections(plan_of(n, updates=n // 2), CTX),
                                          previews_of(n)),
    "dry-run": lambda n: pmd.promotions_preview_doc(previews_of(n), CTX),
    "run": lambda n: pmd.promotions_report_doc(report_of(n), CTX),
}


@pytest.mark.parametrize("kind", sorted(DOCS))
@pytest.mark.parametrize("n", [3, 400, 12_000])
def test_every_promotions_output_is_well_formed_at_every_size(kind: str, n: int) -> None:
    doc: Doc = DOCS[kind](n)
    comment = md.comment(doc, CTX, marker="<!-- qualytics-ci:default -->")
    summary = md.summary(doc, CTX).text
    assert problems(comment.text, limit=COMMENT_LIMIT) == []
    assert problems(summary, limit=SUMMARY_LIMIT, size="bytes") == []
    seen = text_of(comment.text)
    # what a reviewer must see survives any cut: each promotion, and why one failed
    assert HOSTILE in seen and "typo" in seen and "datastore 'prood' not found" in seen
    assert comment.truncated == (n == 12_000) or n == 400


def test_the_plan_shows_the_promotions_counts_with_its_own_and_their_entities_after() -> None:
    doc = DOCS["plan"](3)
    text = md.comment(doc, CTX).text
    counts = text.index("#### Promotions (3 declared in `promotions.yaml`)")
    assert text.index("| kind |") < counts < text.index("#### Checks")
    assert text.index("#### Checks") < text.index("#### Promotions, entity by entity")
    seen = text_of(text)
    assert f"{HOSTILE} checks dev|a/orders → prod/orders 1 0 1 1 0" in " ".join(seen.split())
    assert "fields: nothing selected on the source." in seen
    assert "typo: ❌ cannot be previewed: datastore 'prood' not found (hint: did you mean: " \
        "prod?)" in seen
    assert "c_1|<x>" in seen and "line | 2" in seen
    assert "the request that would be sent" in seen and '"x\\u0060y"' in seen
    assert seen.count("certain: names resolved") == 1


def test_a_cut_comment_names_the_promotions_entities_it_could_not_show() -> None:
    previews = PromotionsPreview((PromotionPreview(REFS[0], preview_of(700)),))
    doc = pmd.with_promotions(md.plan_sections(plan_of(100, updates=50), CTX), previews)
    comment = md.comment(doc, CTX)
    assert comment.cut.briefed and not comment.cut.dropped
    assert "#### Promotions (1 declared" in comment.text  # the counts are never cut
    seen = text_of(comment.text)
    assert f"c_698|<x> (promotion {HOSTILE})" in seen  # the last entity, by name
    assert "Everything is in the job summary" in seen


def test_the_results_put_failures_first_and_say_what_did_not_run() -> None:
    doc = DOCS["run"](4)
    assert doc.head.startswith("### ❌ qualytics-ci promote")
    seen = " ".join(text_of(md.summary(doc, CTX).text).split())
    assert "Promotions (2 declared): 2 created, 0 updated, 0 skipped, 2 failed; 1 did not " \
        "run or finish." in seen
    assert "typo tables dev → prood ❌ not run" in seen
    assert f"{HOSTILE} checks dev|a/orders → prod/orders ❌ success #12 2 0 0 2" in seen
    assert seen.index("❌ failed c_2|`") < seen.index("🆕 created c_1|`")
    assert "| a<br>b\\|c |" in md.summary(doc, CTX).text  # a message keeps its lines
