"""The Action's self-test in .github/workflows/ci.yml, replayed here step by step against
the sandbox: each ``uses: ./`` step runs the Action (entrypoint.py, the real commands) with
the step's inputs and env, each ``run:`` step runs in bash in the workspace, and
``${{ steps.<id>.outputs.<name> }}`` reads what an earlier step set. So the story the CI
job tells (a deleted check from the pull request's plan to the deploy) is proven before a
runner ever sees it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml
from github_stub import GitHubStub

from qualytics_ci.action.github import marker
from qualytics_ci.sandbox.server import RunningSandbox

from .harness import ROOT, run_action

STEP_OUTPUT = re.compile(r"\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}")


class Replay:
    def __init__(self, sandbox: RunningSandbox) -> None:
        # the job's "Start the sandbox" step, done by the fixture
        self.outputs: dict[str, dict[str, str]] = {
            "sandbox": {"url": sandbox.url, **sandbox.tokens}}

    def expand(self, text: str) -> str:
        out = STEP_OUTPUT.sub(lambda m: self.outputs[m.group(1)][m.group(2)], text)
        assert "${{" not in out, f"expression the replay does not know: {out}"
        return out


def test_the_ci_self_test_story_passes_against_the_sandbox(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    job: dict[str, Any] = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "ci.yml").read_text())["jobs"]["action"]
    ws = tmp_path / "ws"
    ws.mkdir()
    replay = Replay(sandbox)
    replayed = []
    for step in job["steps"]:
        uses, script = step.get("uses", ""), step.get("run", "")
        if uses.startswith("actions/") or script.startswith("pip install") or \
                step.get("id") == "sandbox":
            continue  # the runner's set-up
        name = step.get("name", step.get("id", uses))
        if uses == "./":
            inputs = {k: replay.expand(str(v)) for k, v in step["with"].items()}
            env = {k: replay.expand(str(v)) for k, v in (step.get("env") or {}).items()}
            run = run_action(ws, inputs, api_url=github_stub.url, env=env, fake_engine=False)
            assert run.code == 0, f"{name}:\n{run.stdout}\n{run.stderr}"
            if "id" in step:
                replay.outputs[step["id"]] = run.outputs
        else:
            proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", replay.expand(script)],
                                  cwd=ws, capture_output=True, text=True, timeout=60)
            assert proc.returncode == 0, f"{name}:\n{proc.stdout}\n{proc.stderr}"
        replayed.append(name)

    assert len(replayed) == 8, replayed
    plan, deployed = replay.outputs["plan"], replay.outputs["import"]
    assert (plan["updated"], plan["archived"]) == ("1", "1")
    assert deployed["plan-digest"] == plan["plan-digest"]
    (comment,) = [c for c in github_stub.comments_on(7)
                  if c["body"].startswith(marker("ci-self-test"))]
    assert "orders\\_\\_notnull\\_\\_shipped\\_at" in comment["body"]  # markdown-escaped
    assert "Options: `prune=true include=all datastores=warehouse-prod" in comment["body"]
