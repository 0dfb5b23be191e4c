"""Promotions as code through the Action, against the sandbox and the GitHub stub: a pull
request that declares a promotion shows its preview in the sticky comment; the push of its
merge imports, runs the promotion and comments the results on that pull request; a later
push finds every copy identical and skips it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from github_stub import GitHubStub

from qualytics_ci.sandbox.server import RunningSandbox

from .gfm import COMMENT_LIMIT, SUMMARY_LIMIT, problems, text_of
from .harness import ActionRun, run_action

PASSWORDS = {"WAREHOUSE_DEV_DB_PASSWORD": "pg-dev-s3cret-value"}
MERGE_SHA = "3f1c9a0b2d4e5f60718293a4b5c6d7e8f9012345"
LATER_SHA = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807"
PROMOTION = """\
# Promoted on every merge; unchanged checks come back as skipped.
- name: orders-checks
  type: checks
  from: warehouse-dev/orders
  to: warehouse-prod/orders
"""


def act(ws: Path, sandbox: RunningSandbox, stub: GitHubStub, direction: str, *,
        push: str | None = None, **inputs: str) -> ActionRun:
    """One step of a workflow: on the pull request (#7), or on the push of commit ``push``."""
    env = dict(PASSWORDS)
    if push is not None:
        env.update({"GITHUB_SHA": push, "GITHUB_REF_NAME": "main"})
    return run_action(ws, {"direction": direction, "url": sandbox.url,
                           "token": sandbox.tokens["admin"], "datastores": "warehouse-dev",
                           **inputs},
                      api_url=stub.url, env=env, fake_engine=False,
                      event_name="push" if push else "pull_request",
                      event={"ref": "refs/heads/main", "after": push} if push else None)


def comment(stub: GitHubStub, number: int, key: str) -> str:
    """The body of the comment on ``number`` whose marker is ``key``."""
    mark = f"<!-- qualytics-ci:{key} -->"
    bodies = [c["body"] for c in stub.comments_on(number) if c["body"].startswith(mark)]
    assert len(bodies) == 1, [c["body"][:60] for c in stub.comments_on(number)]
    body = str(bodies[0])
    assert problems(body, limit=COMMENT_LIMIT) == [], problems(body)
    return body


def cells(row: str) -> list[str]:
    """A table row's cells as a reader sees them (markdown rendered, escapes undone)."""
    inner = row.strip()[1:-1]
    return [" ".join(text_of(c.strip()).split()) for c in re.split(r"(?<!\\)\|", inner)]


def table_rows(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first table after ``heading`` (its header and rule skipped)."""
    rows = []
    for line in text[text.index(heading):].splitlines()[1:]:
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    return [cells(r) for r in rows[2:]]


def row_of(rows: list[list[str]], first: str) -> list[str]:
    (row,) = [r for r in rows if r[0] == first]
    return row


def well_formed(run: ActionRun) -> None:
    assert problems(run.summary, limit=SUMMARY_LIMIT, size="bytes") == [], problems(run.summary)


def test_a_promotion_is_reviewed_on_the_pr_run_on_merge_and_reported_back(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    assert act(ws, sandbox, github_stub, "export", comment="never").code == 0
    folder = ws / "qualytics-config"
    before = act(ws, sandbox, github_stub, "plan", comment="never")
    assert before.code == 0, before.stdout + before.stderr

    # The pull request: raise a threshold in dev and declare the promotion to prod.
    check = next(folder.rglob("between__total_amount.yaml"))
    check.write_text(check.read_text().replace("max: 100000", "max: 75000"))
    (folder / "promotions.yaml").write_text(PROMOTION)
    plan = act(ws, sandbox, github_stub, "plan")
    assert plan.code == 0, plan.stdout + plan.stderr
    assert plan.outputs["updated"] == "1"
    digest = plan.outputs["plan-digest"]
    assert digest != before.outputs["plan-digest"]  # the digest covers the promotions
    well_formed(plan)
    sticky = comment(github_stub, 7, "default")
    assert "#### Promotions (1 declared in `promotions.yaml`)" in sticky
    # the promotions' counts come with the plan's, before any entity
    assert sticky.index("#### Promotions (") < sticky.index("#### Checks")
    assert table_rows(sticky, "#### Promotions (") == [[
        "orders-checks", "checks", "warehouse-dev/orders → warehouse-prod/orders",
        "4", "1", "5", "0", "1"]]
    preview = table_rows(sticky, "##### `orders-checks`")
    assert preview[0][:2] == ["🚫 excluded", "maxLength(currency)"]
    assert [r[1] for r in preview if r[0] == "🆕 create"] == [
        "notFuture(order_date)", "existsIn(customer_id)", "volumetric: volumetric on orders",
        "freshness: freshness on orders"]
    assert any(r[:2] == ["✏️ update", "between(total_amount)"] for r in preview)
    assert "what the import of this pull request changes there is not in it" in sticky
    report = json.loads((ws / plan.outputs["report"]).read_text())
    assert report["promotions"][0]["preview"]["summary"]["create"] == 4
    assert report["promotions_digest"] and report["digest"] == digest

    # The merge: PR 7's merge commit is pushed to main; the deploy imports, then promotes.
    github_stub.add_pull(7, merge_commit_sha=MERGE_SHA, commits=("a" * 40,))
    imported = act(ws, sandbox, github_stub, "import", push=MERGE_SHA,
                   **{"dry-run": "false", "expect-plan": digest})
    assert imported.code == 0, imported.stdout + imported.stderr
    assert imported.outputs["updated"] == "1"
    assert "results comment on merged pull request #7: created" in imported.stdout
    after_import = comment(github_stub, 7, "merged:import:default")
    assert f"**After merge:** the push of `{MERGE_SHA[:12]}` to `main` imported" in after_import
    assert "Import: 0 created, 1 updated, 0 archived" in after_import

    promoted = act(ws, sandbox, github_stub, "promote", push=MERGE_SHA, **{"dry-run": "false"})
    assert promoted.code == 0, promoted.stdout + promoted.stderr
    o = promoted.outputs
    assert (o["created"], o["updated"], o["unchanged"], o["failed"]) == ("4", "1", "5", "0")
    assert o["operation-id"].isdigit()
    results = comment(github_stub, 7, "merged:promote:default")
    assert "ran the declared promotions" in results
    assert "Promotions (1 declared): 4 created, 1 updated, 5 skipped, 0 failed." in results
    rows = table_rows(results, "#### `orders-checks`")
    assert len(rows) == 10 and rows[0][:2] == ["🆕 created", "notFuture(order_date)"]
    assert sum(r[0] == "⏭️ skipped" for r in rows) == 5
    well_formed(promoted)
    assert "Promotions (1 declared): 4 created" in promoted.summary
    # the plan's comment stays as reviewed; the results are two more comments
    assert len(github_stub.comments_on(7)) == 3 and comment(github_stub, 7, "default") == sticky

    # A later merge (PR 8) leaves the declaration alone: running it again changes nothing.
    github_stub.add_pull(8, merge_commit_sha=LATER_SHA)
    again = act(ws, sandbox, github_stub, "promote", push=LATER_SHA, **{"dry-run": "false"})
    assert again.code == 0, again.stdout + again.stderr
    assert (again.outputs["created"], again.outputs["updated"],
            again.outputs["unchanged"]) == ("0", "0", "10")
    later = comment(github_stub, 8, "merged:promote:default")
    assert "0 created, 0 updated, 10 skipped, 0 failed" in later
    assert all(r[0] == "⏭️ skipped" for r in table_rows(later, "#### `orders-checks`"))
    assert len(github_stub.comments_on(7)) == 3

    for run in (plan, imported, promoted, again):
        for secret in (*PASSWORDS.values(), sandbox.tokens["admin"]):
            assert secret not in run.everything.replace(f"::add-mask::{secret}", "")


FAILING = """\
- name: customer-checks
  type: checks
  from: warehouse-dev/customers
  to: warehouse-prod/customers
  active: true
- name: typo
  type: tables
  from: warehouse-dev
  to: warehouse-prood
"""


def test_expected_failures_and_refusals_reach_the_pr_and_a_direct_push_gets_no_comment(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    assert act(ws, sandbox, github_stub, "export", comment="never").code == 0
    (ws / "qualytics-config" / "promotions.yaml").write_text(FAILING)

    plan = act(ws, sandbox, github_stub, "plan")
    assert plan.code == 0, plan.stdout + plan.stderr
    assert ("::warning file=qualytics-config/promotions.yaml,line=6,title=qualytics-ci::"
            "promotion 'typo' cannot be previewed: datastore 'warehouse-prood' not found"
            in plan.stdout)
    well_formed(plan)
    sticky = comment(github_stub, 7, "default")
    counts = table_rows(sticky, "#### Promotions (")
    assert row_of(counts, "typo")[2:4] == ["warehouse-dev → warehouse-prood",
                                           "❌ cannot be previewed"]
    assert "typo: ❌ cannot be previewed: datastore 'warehouse-prood' not found" \
        in text_of(sticky)
    expected = table_rows(sticky, "##### `customer-checks`")
    assert expected[0][:2] == ["❌ fail", "expectedValues(loyalty_tier)"]
    assert "Validation failed: field 'loyalty_tier' not found on destination container" \
        in expected[0][4]

    github_stub.add_pull(9, merge_commit_sha=MERGE_SHA)
    ran = act(ws, sandbox, github_stub, "promote", push=MERGE_SHA, **{"dry-run": "false"})
    assert ran.code == 1, ran.stdout + ran.stderr  # a promotion was refused
    assert ran.outputs["failed"] == "1" and ran.outputs["created"] != "0"
    results = comment(github_stub, 9, "merged:promote:default")
    well_formed(ran)
    failed = table_rows(results, "#### `customer-checks`")[0]
    assert failed[:2] == ["❌ failed", "expectedValues(loyalty_tier)"]
    assert "Validation failed: field 'loyalty_tier' not found on destination container" \
        in failed[4]
    assert row_of(table_rows(results, "**Promotions ("), "typo")[3] == "❌ not run"
    assert "typo: ❌ datastore 'warehouse-prood' not found (hint: did you mean: warehouse-prod" \
        in text_of(results)

    direct = act(ws, sandbox, github_stub, "promote", push=LATER_SHA, **{"dry-run": "false"})
    assert f"commit {LATER_SHA[:12]} came from no merged pull request" in direct.stdout
    assert len(github_stub.comments_on(9)) == 1 and len(github_stub.comments_on(7)) == 1
