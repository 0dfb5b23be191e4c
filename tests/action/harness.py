"""Run the Action as a subprocess with a runner-like environment, and read what it left."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from qualytics_ci.action.runner import parse_output_file

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REPO = "acme/dq"


@dataclass
class ActionRun:
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str

    @property
    def everything(self) -> str:
        return "\n".join([self.stdout, self.stderr, self.summary, *self.outputs.values()])


def pr_event(number: int = 7, head_repo: str = REPO) -> dict[str, object]:
    return {"number": number, "pull_request": {
        "number": number, "head": {"repo": {"full_name": head_repo}, "ref": "feature"},
        "base": {"repo": {"full_name": REPO}, "ref": "main"}}}


def run_action(workspace: Path, inputs: dict[str, str], *, api_url: str = "http://127.0.0.1:9",
               event_name: str = "pull_request", event: dict[str, object] | None = None,
               env: dict[str, str] | None = None, fake_engine: bool = True,
               command: list[str] | None = None, timeout: float = 60) -> ActionRun:
    """Run entrypoint.py (or ``command``) like the runner runs a Docker action."""
    runner_dir = workspace.parent / f"runner-{workspace.name}"
    runner_dir.mkdir(exist_ok=True)
    out, summary, event_path = (runner_dir / "output", runner_dir / "summary.md",
                                runner_dir / "event.json")
    for f in (out, summary):
        f.write_text("")
    event_path.write_text(json.dumps(pr_event() if event is None else event))
    full_env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(runner_dir),
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
        "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path), "GITHUB_OUTPUT": str(out),
        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": api_url,
        "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "4242",
        "RUNNER_TEMP": str(runner_dir), "INPUT_GITHUB-TOKEN": "ghs_fake_github_token_123",
    }
    full_env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    full_env.update(env or {})
    script = HERE / "run_fake.py" if fake_engine else ROOT / "entrypoint.py"
    argv = command or [sys.executable, str(script)]
    proc = subprocess.run(argv, cwd=workspace, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    return ActionRun(proc.returncode, proc.stdout, proc.stderr,
                     parse_output_file(out.read_text()), summary.read_text())


def raise_a_between_max_on_the_target(url: str, token: str, value: int = 123456,
                                      datastore: str = "warehouse-prod") -> int:
    """A change made in the UI: the datastore's first ``between`` check gets ``max: value``
    through the API. Returns the check's id."""
    from qualytics_ci.api.client import Client

    with Client(url, token) as api:
        store = next(d for d in api.list_datastores() if d["name"] == datastore)
        check = next(c for c in api.list_quality_checks(store["id"])
                     if c["rule_type"] == "between")
        api.update_quality_check(check["id"], {
            "description": check.get("description"),
            "fields": [f["name"] for f in check.get("fields", [])],
            "coverage": check.get("coverage"), "filter": check.get("filter"),
            "properties": {**(check.get("properties") or {}), "max": value},
            "tags": [t["name"] for t in check.get("global_tags", [])],
            "additional_metadata": check.get("additional_metadata"),
            "status": check.get("status", "Active")})
        return int(check["id"])
