"""A team moves its warehouse's host, user and role into secrets after a rotation.

The connection file now says ``host: ${DB_HOST}``; the target still holds the old
values, which were the secrets until today. Plan, drift, the JSON plan and the
Action's pull-request plan must list those fields as changed, and show neither the
old values nor the new ones anywhere: terminal, JSON files, job summary, PR comment.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from qualytics_ci.cli import main
from qualytics_ci.sandbox.server import RunningSandbox

from .harness import run_action

OLD = {"host": "old-host-7f3a.acme.internal", "username": "old_user_7f3a",
       "role": "old_role_7f3a"}
NEW = {"DB_HOST": "new-host-91c2.acme.internal", "DB_USER": "new_user_91c2",
       "DB_ROLE": "new_role_91c2"}
CONNECTION = "connections/warehouse_dev_db.yaml"


def api(sandbox: RunningSandbox, method: str, path: str, **kw: Any) -> Any:
    response = requests.request(method, f"{sandbox.url}/api{path}",
                                headers=sandbox.headers("admin"), timeout=30, **kw)
    response.raise_for_status()
    return response.json()


def connection(sandbox: RunningSandbox) -> dict[str, Any]:
    (conn,) = [c for c in api(sandbox, "GET", "/connections")["items"]
               if c["name"] == "warehouse-dev-db"]
    return dict(conn)


def old_values_on_the_target(sandbox: RunningSandbox) -> None:
    conn = connection(sandbox)
    body = {k: conn[k] for k in ("name", "type", "port", "parameters")}
    body.update(host=OLD["host"], username=OLD["username"],
                parameters={**(conn.get("parameters") or {}), "role": OLD["role"]})
    api(sandbox, "PUT", f"/connections/{conn['id']}", json=body)


@dataclass
class Result:
    code: int
    out: str
    err: str


class Cli:
    """``qualytics-ci`` in this process, against the sandbox, on one folder."""

    def __init__(self, sandbox: RunningSandbox, tmp_path: Path) -> None:
        self.sandbox = sandbox
        self.folder = tmp_path / "config"

    def run(self, command: str, *args: str) -> Result:
        where = "--output" if command == "export" else "--input"
        argv = [command, "--url", self.sandbox.url, "--token", self.sandbox.tokens["admin"],
                where, str(self.folder), *args]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        return Result(code, out.getvalue(), err.getvalue())


def leaks(text: str) -> list[str]:
    """The old and new values found in ``text`` (``::add-mask::VALUE`` hands a value to the
    runner to mask: not a leak)."""
    text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("::add-mask::"))
    return [v for v in [*OLD.values(), *NEW.values()] if v in text]


@pytest.fixture
def story(sandbox: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    old_values_on_the_target(sandbox)
    cli = Cli(sandbox, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WAREHOUSE_DEV_DB_PASSWORD", "s3cret-warehouse-dev")
    assert cli.run("export", "--datastore", "warehouse-dev").code == 0
    path = cli.folder / CONNECTION
    text = path.read_text(encoding="utf-8")
    assert OLD["host"] in text  # the export wrote what the target holds
    text = re.sub(r"^host: .*$", "host: ${DB_HOST}", text, flags=re.M)
    text = re.sub(r"^username: .*$", "username: ${DB_USER}", text, flags=re.M)
    text = re.sub(r"^  role: .*$", "  role: ${DB_ROLE}", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    assert not leaks(text)
    for name, value in NEW.items():
        monkeypatch.setenv(name, value)
    return cli


SENSITIVE_FIELDS = {"host": "${DB_HOST}", "username": "${DB_USER}",
                    "parameters.role": "${DB_ROLE}"}


def sensitive_rows(fields: list[dict[str, Any]], before: str, after: str) -> dict[str, Any]:
    return {f["path"]: f["folder_text"] for f in fields
            if f.get("sensitive") and f[before] == f[after] == "(sensitive)"}


def test_plan_drift_and_json_list_the_fields_but_show_no_value(story: Cli,
                                                              tmp_path: Path) -> None:
    plan = story.run("plan", "--json", str(tmp_path / "plan.json"))
    assert plan.code == 0, plan.err
    for path in SENSITIVE_FIELDS:
        assert f'~ {path}: "(sensitive)" -> "(sensitive)"' in plan.out
    assert "Plan: 0 to create, 1 to update" in plan.out
    drift = story.run("drift", "--json", str(tmp_path / "drift.json"))
    assert drift.code == 2, drift.err
    for path in SENSITIVE_FIELDS:
        assert f'~ {path}: folder "(sensitive)", target "(sensitive)"' in drift.out
    doc = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    (change,) = [c for c in doc["changes"] if c["action"] != "unchanged"]
    assert change["kind"] == "connection"
    assert sensitive_rows(change["fields"], "before", "after") == SENSITIVE_FIELDS
    drifted = json.loads((tmp_path / "drift.json").read_text(encoding="utf-8"))
    (item,) = drifted["items"]
    assert sensitive_rows(item["fields"], "folder", "target") == SENSITIVE_FIELDS
    for text in (plan.out, plan.err, drift.out, drift.err,
                 (tmp_path / "plan.json").read_text(encoding="utf-8"),
                 (tmp_path / "drift.json").read_text(encoding="utf-8")):
        assert leaks(text) == []
    # The values are compared all the same: import writes the new ones, then nothing differs.
    assert story.run("import").code == 0
    conn = connection(story.sandbox)
    assert (conn["host"], conn["username"], conn["parameters"]["role"]) == tuple(NEW.values())
    assert "No changes." in story.run("plan").out


def test_the_actions_pull_request_plan_shows_no_value(story: Cli, tmp_path: Path,
                                                     github_stub: Any) -> None:
    sandbox = story.sandbox
    ws = tmp_path / "ws"
    ws.mkdir()
    story.folder = story.folder.rename(ws / "qualytics-config")
    passwords = {"WAREHOUSE_DEV_DB_PASSWORD": "s3cret-warehouse-dev"}
    run = run_action(ws, {"direction": "import", "url": sandbox.url,
                          "token": sandbox.tokens["admin"], "input": "qualytics-config",
                          "comment": "always"},
                     api_url=github_stub.url, env={**NEW, **passwords}, fake_engine=False)
    assert run.code == 0, run.stdout + run.stderr
    assert run.outputs["has-changes"] == "true" and run.outputs["updated"] == "1"
    comments = [c["body"] for c in github_stub.comments_on(7)]
    assert len(comments) == 1
    report = ws / run.outputs["report"]
    for label, text in {"stdout": run.stdout, "stderr": run.stderr, "summary": run.summary,
                        "comment": comments[0], "outputs": json.dumps(run.outputs),
                        "report": report.read_text(encoding="utf-8")}.items():
        assert leaks(text) == [], label
    for doc in (run.summary, comments[0]):
        for path in SENSITIVE_FIELDS:
            assert f'~ {path}: "(sensitive)" → "(sensitive)"' in doc
    # The digest the reviewer approves is the one the CLI computes for the same folder.
    plan = story.run("plan")
    assert f"Plan digest: {run.outputs['plan-digest']}" in plan.out
