"""Every kind of markdown the Action writes, at every size, parses as GitHub would parse
it: balanced <details>, closed fences, tables whose rows have equal cells, under the
comment's and the summary's limits. (The end-to-end tests check the same of what they
post; this covers the sizes only synthetic results reach.)"""

from __future__ import annotations

import pytest

from qualytics_ci.render import markdown as md
from qualytics_ci.render.fit import Doc
from qualytics_ci.results.config import Change, FieldChange, Plan
from qualytics_ci.results.promote import (
    PreviewEntity,
    PromoteEntity,
    PromotePreview,
    PromoteReport,
)

from .gfm import COMMENT_LIMIT, SUMMARY_LIMIT, problems
from .synthetic import import_report_of, plan_of

CTX = md.Context(folder="qualytics-config", run_url="https://github.com/o/r/actions/runs/7",
                 sha="0" * 40, repo_url="https://github.com/o/r")
QUERY_A = "SELECT a,\n  b\nFROM t\nWHERE x > 1"
QUERY_B = "SELECT a,\n  b,\n  c ```\nFROM t\nWHERE x > 2 | <b>"


def with_texts(plan: Plan) -> Plan:
    """The plan plus a computed table whose query (with backticks and pipes) changes."""
    table = Change(kind="container", name="t|*x*", action="update", datastore="warehouse-prod",
                   file="datastores/w/containers/t/_container.yaml",
                   fields=(FieldChange("query", QUERY_A, QUERY_B),))
    return Plan((table, *plan.changes))


def preview_of(n: int) -> PromotePreview:
    return PromotePreview("promote_quality_check", "a", "b", {"tags": ["x`y"]},
                          tuple(PreviewEntity(i, f"c_{i}|<x>", ("create", "fail")[i % 2],
                                              "line 1\nline 2") for i in range(n)))


def promote_of(n: int) -> PromoteReport:
    return PromoteReport(1, "checks", "success", {"total": n},
                         tuple(PromoteEntity("quality_check", i, f"c_{i}", "failed", None,
                                             "a\nb|c") for i in range(n)))


DOCS = {
    "plan": lambda n: md.plan_sections(with_texts(plan_of(n, creates=n // 4, updates=n // 4,
                                                          archives=n // 10)), CTX),
    "import": lambda n: md.import_sections(
        import_report_of(with_texts(plan_of(n, creates=n // 3, updates=n // 3)),
                         fail=n // 5), CTX),
    "drift": lambda n: md.drift_sections(with_texts(plan_of(n, updates=n // 2,
                                                            archives=n // 4)), CTX, 3),
    "promote": lambda n: md.promote_sections(promote_of(n), CTX),
    "preview": lambda n: md.promote_preview_sections(preview_of(n), CTX),
    "error": lambda n: md.error_sections(
        f"{n} errors in the folder:\n  a\n  b", CTX, verb="plan",
        problems=[(f"qualytics-config/x{i}|.yaml", i, f"bad `{i}`\nnext", "set `X`")
                  for i in range(n)]),
}


@pytest.mark.parametrize("kind", sorted(DOCS))
@pytest.mark.parametrize("n", [3, 400, 12_000])
def test_every_output_is_well_formed_at_every_size(kind: str, n: int) -> None:
    doc: Doc = DOCS[kind](n)
    comment = md.comment(doc, CTX, marker="<!-- qualytics-ci:default -->").text
    summary = md.summary(doc, CTX).text
    assert problems(comment, limit=COMMENT_LIMIT) == []
    assert problems(summary, limit=SUMMARY_LIMIT, size="bytes") == []


def test_the_checker_finds_what_breaks_a_rendered_comment() -> None:
    assert problems("```diff\n+ a\n") == ["fence opened at line 1 is not closed"]
    assert problems("| a | b |\n|---|---|\n| 1 | 2 | 3 |\n") == [
        "table at line 1 has rows of [2, 3] cells"]
    assert problems("<details><summary>x</summary>\n\ny\n") == [
        "<details> opened 1 times, closed 0"]
    assert problems("x" * 10, limit=5) == ["10 chars > 5"]
    assert problems("| a \\| b | c |\n|---|---|\n| `x \\| y` | z |\n") == []
