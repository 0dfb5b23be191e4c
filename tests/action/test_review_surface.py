"""What a reviewer sees on the pull request and in the job summary, end to end: the
Action's entrypoint against the sandbox, the comment read back from the GitHub stub,
every markdown output parsed as GitHub parses it."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from github_stub import GitHubStub

from qualytics_ci.cli import main as cli_main
from qualytics_ci.sandbox.server import RunningSandbox

from .gfm import COMMENT_LIMIT, SUMMARY_LIMIT, problems, text_of
from .harness import ActionRun, pr_event, run_action

PASSWORDS = {"WAREHOUSE_PROD_DB_PASSWORD": "pg-prod-s3cret-value",
             "WAREHOUSE_DEV_DB_PASSWORD": "pg-dev-s3cret-value",
             "WAREHOUSE_STAGING_DB_PASSWORD": "pg-staging-s3cret-value"}
HEAD_SHA = "3f5e2a9c1d7b4e6f8a0c2b4d6e8f0a1b3c5d7e9f"
QUERY = ("query: |-\n  SELECT order_id,\n         customer_id,\n         total_amount\n"
         "  FROM orders\n  WHERE total_amount > 1000\n")


def act(ws: Path, sandbox: RunningSandbox, stub: GitHubStub, direction: str,
        env: dict[str, str] | None = None, **inputs: str) -> ActionRun:
    event = pr_event()
    event["pull_request"]["head"]["sha"] = HEAD_SHA  # type: ignore[index]
    run = run_action(ws, {"direction": direction, "url": sandbox.url,
                          "token": sandbox.tokens["admin"], "datastores": "warehouse-prod",
                          **inputs}, api_url=stub.url, event=event,
                     env={**PASSWORDS, "GITHUB_SHA": "f" * 40, **(env or {})},
                     fake_engine=False)
    assert problems(run.summary, limit=SUMMARY_LIMIT, size="bytes") == []
    assert problems(run.outputs.get("summary", ""), limit=COMMENT_LIMIT) == []
    return run


def exported(ws: Path, sandbox: RunningSandbox, stub: GitHubStub) -> Path:
    run = act(ws, sandbox, stub, "export", comment="never")
    assert run.code == 0, run.stdout + run.stderr
    return ws / "qualytics-config" / "datastores" / "warehouse_prod"


def body(stub: GitHubStub) -> str:
    comments = stub.comments_on(7)
    assert len(comments) == 1
    text = str(comments[0]["body"])
    assert problems(text, limit=COMMENT_LIMIT) == []
    return text


def test_a_pull_request_plan_says_what_changes_archives_and_where(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    ds = exported(ws, sandbox, github_stub)
    check = ds / "checks" / "orders" / "between__total_amount.yaml"
    check.write_text(check.read_text().replace("max: 50000", "max: 75000"))
    table = ds / "containers" / "high_value_orders" / "_container.yaml"
    table.write_text(re.sub(r"query: .*?\n(?=\w)", QUERY, table.read_text(), flags=re.S))
    (ds / "checks" / "payments" / "notnull__payment_id.yaml").unlink()

    run = act(ws, sandbox, github_stub, "plan", prune="true")
    assert run.code == 0, run.stdout + run.stderr
    text = body(github_stub)
    # the header: the PR's head commit (not the merge commit), the run, the digest
    assert (f"commit [`3f5e2a9`](https://github.com/acme/dq/commit/{HEAD_SHA}) · "
            "[workflow run](https://github.com/acme/dq/actions/runs/4242) · "
            f"plan digest `{run.outputs['plan-digest']}`") in text
    # archives are called out under the headline, with rule and the removed file
    headline = text.index("**Plan: 0 to create, 2 to update, 1 to archive")
    warning = text.index("⚠️ **1 check will be archived**")
    assert headline < warning < text.index("| kind |")
    assert ("- check **payments\\_\\_notnull\\_\\_payment\\_id**: notNull on payment\\_id in "
            "`payments` · no longer in the folder  \n  file removed: "
            "`qualytics-config/datastores/warehouse_prod/checks/payments/notnull__payment_id"
            ".yaml`") in text
    # one collapsed line per entity that says what changes; inside, one line per field
    assert ("<summary><code>~</code> check <code>orders__between__total_amount</code>: "
            "properties.max 50000 → 75000</summary>") in text
    assert "\n~ properties.max: 50000 → 75000\n" in text
    # the file is linked at the reviewed commit
    assert (f"](https://github.com/acme/dq/blob/{HEAD_SHA}/qualytics-config/datastores/"
            "warehouse_prod/checks/orders/between__total_amount.yaml)") in text
    # the query is diffed line by line, never one escaped JSON string
    assert "<summary><code>~</code> container <code>high_value_orders</code>: query" in text
    assert "\n+          customer_id,\n+          total_amount\n+   FROM orders\n" in text
    assert "\\n" not in text
    # tables do not repeat datastore and container in columns of their own
    assert "| datastore |" not in text and "| container |" not in text
    # the terminal plan in the log: the same line-by-line diff and the warning
    assert "      +          customer_id," in run.stdout
    assert "warning: 1 check will be archived" in run.stdout


def test_cut_comment_names_every_entity_and_points_at_the_full_summary(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    ds = exported(ws, sandbox, github_stub)
    for n in range(120):  # 120 new checks with a long description each
        (ds / "checks" / "orders" / f"notnull__c{n}.yaml").write_text(
            f"rule_type: notNull\ncontainer: orders\nfields: [order_id]\n"
            f"description: {'long words ' * 60}\nadditional_metadata:\n"
            f"  _qualytics_check_uid: orders__extra_{n:03d}\n")
    run = act(ws, sandbox, github_stub, "plan")
    assert run.code == 0, run.stdout + run.stderr
    text = body(github_stub)
    notice = text.index("✂️ **Shortened to fit a pull-request comment:**")
    assert notice < text.index("| kind |")
    found = re.search(r"(\d+) entities listed by name only", text)
    assert found and int(found.group(1)) > 0
    assert "[job summary](https://github.com/acme/dq/actions/runs/4242)" in text
    assert all(f"orders__extra_{n:03d}" in text for n in range(120))
    assert "✂️" not in run.summary  # the job summary has every diff
    assert run.summary.count("<details>") == 120


def test_an_import_failure_never_reads_as_success(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    ds = exported(ws, sandbox, github_stub)
    (ds / "checks" / "orders" / "notnull__no_such_column.yaml").write_text(
        "rule_type: notNull\ncontainer: orders\nfields: [no_such_column]\n")
    run = act(ws, sandbox, github_stub, "import", comment="never", **{"dry-run": "false"})
    assert run.code != 0 and run.outputs["failed"] == "1"
    s = run.summary
    assert s.startswith("### ❌ qualytics-ci import")
    assert "| kind | created | updated | archived | unchanged | failed |" in s
    assert re.search(r"\| checks \| 0 \| 0 \| 0 \| \d+ \| \*\*1\*\* \|", s)
    row = next(ln for ln in s.splitlines() if ln.startswith("| `+`&nbsp;create |"))
    assert (f"[`notnull__no_such_column.yaml`](https://github.com/acme/dq/blob/{HEAD_SHA}/"
            "qualytics-config/datastores/warehouse_prod/checks/orders/"
            "notnull__no_such_column.yaml)") in row
    assert "(422) for POST /quality-checks:<br>" in row  # the message keeps its lines


def test_a_promote_with_a_failed_entity_is_not_a_success(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    run = act(ws, sandbox, github_stub, "promote", comment="never", active="true",
              **{"promote-type": "checks", "from": "warehouse-dev/orders",
                 "to": "warehouse-prod/customers", "dry-run": "false"})
    assert int(run.outputs["failed"]) > 0 and int(run.outputs["created"]) > 0
    s = run.summary
    assert s.startswith("### ❌ qualytics-ci promote") and "✅" not in s
    assert "finished with result `success`, but **" in s
    rows = [ln for ln in s.splitlines() if ln.startswith("| ")][2:]
    assert rows[0].startswith("| ❌&nbsp;failed |")


def test_drift_shows_what_is_only_on_the_target_and_how_to_resolve(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    ds = exported(ws, sandbox, github_stub)
    (ds / "checks" / "payments" / "notnull__payment_id.yaml").unlink()
    run = act(ws, sandbox, github_stub, "drift", comment="never", **{"fail-on-drift": "false"})
    assert run.outputs["drift"] == "true", run.stdout + run.stderr
    s = run.summary
    assert ("<summary><b>only on the target</b>: check "
            "<code>payments__notnull__payment_id</code>: notNull on payment_id</summary>") in s
    assert '\n+ fields: ["payment_id"]\n' in s
    assert "**To resolve:** run an import of the folder" in s
    assert "adopt the target's change into the folder (edit the file, or export)" in s
    assert "To resolve: import the folder" in run.stdout


def test_folder_errors_are_listed_once_with_repository_paths_and_action_hints(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    ds = exported(ws, sandbox, github_stub)
    for n in (1, 2):
        (ds / "checks" / "orders" / f"bad{n}.yaml").write_text(
            f"rule_type: between\ncontainer: orders\nfields: [f{n}]\nproperties: {{min: 1}}\n")
    conn = ws / "qualytics-config" / "connections" / "warehouse_prod_db.yaml"
    conn.write_text(conn.read_text().replace("${WAREHOUSE_PROD_DB_PASSWORD}", "${NOT_SET_PW}"))
    run = act(ws, sandbox, github_stub, "validate")
    assert run.code == 1
    text = body(github_stub)
    head = text.split("| file |")[0]
    assert "bad1.yaml" not in head and "bad2.yaml" not in head  # no run-on paragraph
    rows = [ln for ln in text.splitlines() if ln.startswith("| `")]
    assert len(rows) == 2  # an unset variable is not an error before import
    assert all(r.startswith("| `qualytics-config/") for r in rows)
    # The deploy needs it: the error says where a workflow gives it.
    for n in (1, 2):
        (ds / "checks" / "orders" / f"bad{n}.yaml").unlink()
    run = act(ws, sandbox, github_stub, "import", **{"dry-run": "false"})
    assert run.code == 1
    s = run.summary
    assert "**variable NOT\\_SET\\_PW not set; import sends the connection with its value**" in s
    assert "environment or .env" not in s and "job's environment" not in s  # the CLI's hint
    assert "In `qualytics-config/connections/warehouse_prod_db.yaml:6`." in s
    assert "give it in the step's `env:`" in s and "named by the `env-file` input" in s


def test_names_with_markdown_characters_render_literally(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    ds = exported(ws, sandbox, github_stub)
    (ds / "checks" / "orders" / "odd.yaml").write_text(
        "rule_type: notNull\ncontainer: orders\nfields: [order_id]\n"
        "additional_metadata:\n  _qualytics_check_uid: 'orders<v2>_*x*_|_y_'\n")
    run = act(ws, sandbox, github_stub, "plan")
    assert run.code == 0, run.stdout + run.stderr
    seen = text_of(body(github_stub))
    assert "orders<v2>_*x*_|_y_" in seen and "&lt;" not in seen


def test_import_dry_run_says_nothing_was_changed(sandbox: RunningSandbox,
                                                 tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    target = ["--url", sandbox.url, "--token", sandbox.tokens["admin"]]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert cli_main(["-q", "export", *target, "--output", str(folder),
                         "--datastore", "warehouse-dev", "--include", "checks"]) == 0
        assert cli_main(["-q", "import", "--dry-run", *target, "--input", str(folder),
                         "--datastore", "warehouse-dev", "--include", "checks"]) == 0
    assert "Dry run: nothing was changed." in out.getvalue()

