"""The Action on a pull request, as a team sets it up: a mistyped ``input:`` fails with an
annotation that names the folder meant."""

from __future__ import annotations

from pathlib import Path

import requests
from github_stub import GitHubStub

from qualytics_ci.sandbox.server import RunningSandbox

from .harness import ActionRun, run_action


def act(ws: Path, sandbox: RunningSandbox, stub: GitHubStub, direction: str, *,
        token: str = "admin", env: dict[str, str] | None = None, **inputs: str) -> ActionRun:
    return run_action(ws, {"direction": direction, "url": sandbox.url,
                           "token": sandbox.tokens[token], **inputs},
                      api_url=stub.url, env=env or {}, fake_engine=False)


def last_seq(sandbox: RunningSandbox) -> int:
    response = requests.get(f"{sandbox.url}/_sandbox/stats", headers=sandbox.headers("admin"),
                            timeout=30)
    response.raise_for_status()
    return int(response.json()["last_seq"])


def test_an_input_one_level_too_deep_fails_with_an_annotation(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    exported = act(ws, sandbox, github_stub, "export", datastores="warehouse-prod",
                   comment="never")
    assert exported.code == 0, exported.stdout + exported.stderr
    before = last_seq(sandbox)
    for direction in ("validate", "plan", "import", "drift"):
        run = act(ws, sandbox, github_stub, direction, input="qualytics-config/datastores",
                  **{"dry-run": "false"})
        assert run.code == 1, run.stdout
        errors = [ln for ln in run.stdout.splitlines() if ln.startswith("::error")]
        assert errors == ["::error title=qualytics-ci::qualytics-config/datastores does not "
                          "look like a config folder: expected connections/ and datastores/ "
                          "(or qualytics-ci.yaml) at its root; did you mean qualytics-config? "
                          "(hint: set the step's `input:` to the folder that holds "
                          "connections/ and datastores/ (relative to the repository), or "
                          "export into a new one first)"], direction
        assert "did you mean qualytics-config?" in run.summary
        assert "No changes" not in run.summary and "No drift" not in run.summary
    assert last_seq(sandbox) == before  # nothing was read from the target


def test_a_pull_request_plans_with_a_reporter_token_and_the_deploy_needs_the_passwords(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    scope = {"datastores": "warehouse-prod"}
    assert act(ws, sandbox, github_stub, "export", comment="never", **scope).code == 0
    check = next((ws / "qualytics-config").rglob("between__total_amount.yaml"))
    check.write_text(check.read_text().replace("max: 50000", "max: 75000"))

    plan = act(ws, sandbox, github_stub, "plan", token="reporter", **scope)
    assert plan.code == 0, plan.stdout + plan.stderr
    assert plan.outputs["updated"] == "1"
    assert ("connections/warehouse_prod_db.yaml:6: variable WAREHOUSE_PROD_DB_PASSWORD not set: "
            "needed at import") in plan.stdout + plan.stderr
    comment = github_stub.comments_on(7)[0]["body"]
    assert "~ properties.max: 50000 → 75000" in comment
    # the reviewer sees what the deploy will need, with the file as the repository names it
    assert "<summary>⚠️ 1 warning</summary>" in comment
    assert ("- `qualytics-config/connections/warehouse_prod_db.yaml:6`: variable "
            "WAREHOUSE\\_PROD\\_DB\\_PASSWORD not set: needed at import") in comment

    before = last_seq(sandbox)
    refused = act(ws, sandbox, github_stub, "import", token="manager", comment="never",
                  **scope, **{"dry-run": "false", "expect-plan": plan.outputs["plan-digest"]})
    assert refused.code == 1
    errors = [ln for ln in refused.stdout.splitlines() if ln.startswith("::error")]
    assert errors and errors[0].startswith(
        "::error file=qualytics-config/connections/warehouse_prod_db.yaml,line=6,"
        "title=qualytics-ci::variable WAREHOUSE_PROD_DB_PASSWORD not set")
    assert last_seq(sandbox) == before  # refused before reading anything

    password = {"WAREHOUSE_PROD_DB_PASSWORD": "pg-prod-s3cret-value"}
    applied = act(ws, sandbox, github_stub, "import", token="manager", comment="never",
                  env=password,
                  **scope, **{"dry-run": "false", "expect-plan": plan.outputs["plan-digest"]})
    assert applied.code == 0, applied.stdout + applied.stderr
    assert applied.outputs["updated"] == "1"
    assert "pg-prod-s3cret-value" not in applied.everything.replace(
        "::add-mask::pg-prod-s3cret-value", "")


def test_an_option_input_the_plan_did_not_have_is_refused_on_deploy(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    assert act(ws, sandbox, github_stub, "export", comment="never",
               datastores="warehouse-prod").code == 0
    folder = ws / "qualytics-config"
    (folder / "qualytics-ci.yaml").write_text("prune: true\ndatastores: [warehouse-prod]\n")
    next(folder.rglob("notnull__shipped_at.yaml")).unlink()
    plan = act(ws, sandbox, github_stub, "plan", token="reporter")
    assert plan.code == 0 and plan.outputs["archived"] == "1", plan.stdout + plan.stderr
    body = github_stub.comments_on(7)[0]["body"]
    assert ("Options: `prune=true include=all datastores=warehouse-prod environment=none "
            "allow_mass_archive=false`") in body

    before = last_seq(sandbox)
    refused = act(ws, sandbox, github_stub, "import", token="manager", comment="never",
                  env={"WAREHOUSE_PROD_DB_PASSWORD": "pg"},
                  **{"dry-run": "false", "prune": "false",
                     "expect-plan": plan.outputs["plan-digest"]})
    assert refused.code == 1
    errors = [ln for ln in refused.stdout.splitlines() if ln.startswith("::error")]
    assert errors and errors[0].startswith(
        "::error title=qualytics-ci::the plan is not the reviewed one: options differ: prune "
        "(this run has prune=false); nothing was applied")
    writes = [r for r in requests.get(f"{sandbox.url}/_sandbox/requests",
                                      params={"since": before}, timeout=30,
                                      headers=sandbox.headers("admin")).json()
              if r["method"] != "GET"]
    assert writes == []


def test_option_inputs_map_to_the_flags_and_empty_ones_to_the_settings_file() -> None:
    from qualytics_ci.action.inputs import cli_argv, read_inputs

    def argv(**inputs: str) -> list[str]:
        env = {"INPUT_DIRECTION": "import", "INPUT_DRY-RUN": "false",
               **{f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()}}
        return cli_argv(read_inputs(env), "r.json")

    assert argv(prune="", environment="", allow_mass_archive="") == [
        "import", "--input", "qualytics-config", "--report", "r.json"]
    assert argv(prune="false", environment="prod", allow_mass_archive="true") == [
        "import", "--input", "qualytics-config", "--env", "prod", "--no-prune",
        "--allow-mass-archive", "--report", "r.json"]
    assert argv(prune="true")[3:4] == ["--prune"]
