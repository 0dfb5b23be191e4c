"""No secret leaves the process: a canary in the token and in every ``${VAR}``,
every command run for real (a fresh process each, with --debug too), and then
every byte written to stdout, stderr, reports and the exported folder searched."""

from __future__ import annotations

import json
import secrets as pysecrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_kit import Target, check_files, placeholders, process_env

ROOT = Path(__file__).resolve().parents[2]
CANARY = "cAnArY" + pysecrets.token_hex(6)


def canary_token(template: str) -> str:
    head, payload, _ = template.split(".")
    return f"{head}.{payload}.{CANARY}tokensig"


@pytest.fixture(scope="module")
def secret_target() -> Iterator[Target]:
    from qualytics_ci.sandbox.server import start_sandbox

    probe: Any = start_sandbox(seed="empty")
    token = canary_token(probe.tokens["admin"])
    probe.stop()
    running: Any = start_sandbox(seed="demo", tokens={"admin": token})
    try:
        target = Target(running)
        assert target.tokens["admin"] == token
        yield target
    finally:
        running.stop()


class Session:
    """Runs qualytics-ci processes and keeps everything they print."""

    def __init__(self, target: Target, tmp: Path) -> None:
        self.target = target
        self.tmp = tmp
        self.env = process_env({})
        self.env["QUALYTICS_URL"] = target.url
        self.env["QUALYTICS_TOKEN"] = target.tokens["admin"]
        self.outputs: list[tuple[str, str]] = []
        self.codes: dict[str, int] = {}

    def __call__(self, *argv: str, debug: bool = False) -> int:
        flags = ["--debug"] if debug else []
        done = subprocess.run(
            [sys.executable, "-c", "from qualytics_ci.cli import run; run()", *flags, *argv],
            env=self.env, cwd=self.tmp, capture_output=True, text=True, timeout=120, check=False)
        label = " ".join(argv[:1]) + (" --debug" if debug else "")
        self.outputs += [(f"{label} stdout", done.stdout), (f"{label} stderr", done.stderr)]
        self.codes[label] = done.returncode
        return done.returncode


def leaks(text: str, values: list[str]) -> list[str]:
    return [v for v in values if v in text]


def test_no_secret_in_any_output(secret_target: Target, tmp_path: Path) -> None:
    run = Session(secret_target, tmp_path)
    folder = tmp_path / "config"
    assert run("export", "--output", str(folder), "--datastore", "warehouse-dev",
               "--datastore", "lake-dev") == 0
    names = placeholders(folder)
    assert names, "the export has no ${VAR} placeholder to resolve"
    canaries = {name: f"{CANARY}-{name.lower()}" for name in names}
    run.env.update(canaries)
    # Make the plan show connection changes, so their fields are rendered.
    for conn in (folder / "connections").glob("*.yaml"):
        text = conn.read_text(encoding="utf-8")
        conn.write_text(text.replace("port: 5432", "port: 6543"), encoding="utf-8")
    reports = tmp_path / "reports"
    reports.mkdir()
    assert run("validate", "--input", str(folder)) == 0
    assert run("plan", "--input", str(folder), "--json", str(reports / "plan.json")) == 0
    assert run("plan", "--input", str(folder), debug=True) == 0
    assert run("import", "--input", str(folder), "--report", str(reports / "import.json"),
               debug=True) == 0
    assert run("drift", "--input", str(folder), "--json", str(reports / "drift.json")) in (0, 2)
    assert run("promote", "--type", "checks", "--from", "warehouse-dev/orders",
               "--to", "warehouse-prod/orders", "--report", str(reports / "promote.json"),
               debug=True) in (0, 3)
    # Error paths: a folder the import must refuse, and a refused write.
    broken = check_files(folder, "warehouse-dev")[0]
    broken.write_text(broken.read_text(encoding="utf-8").replace("container: ", "container: x_"),
                      encoding="utf-8")
    assert run("import", "--input", str(folder), debug=True) == 1
    assert run("export", "--output", str(folder), "--datastore", "warehouse-dev") == 0

    values = [secret_target.tokens["admin"], f"{CANARY}tokensig", *canaries.values()]
    found: list[str] = []
    for label, text in run.outputs:
        found += [f"{label}: {v}" for v in leaks(text, values)]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            found += [f"{path.relative_to(tmp_path)}: {v}" for v in leaks(text, values)]
    assert found == [], "secrets leaked:\n" + "\n".join(found)
    # The values were really in play: the import sent the connections' secrets.
    report = json.loads((reports / "import.json").read_text(encoding="utf-8"))
    sent = [e for e in report["results"] if e["kind"] == "connection" and e["result"] == "ok"
            and e["action"] != "unchanged"]
    assert sent, "the import changed no connection, so no secret was sent"


def run_action(workspace: Path, inputs: dict[str, str], env: dict[str, str],
               api_url: str) -> tuple[int, list[tuple[str, str]]]:
    """entrypoint.py as the runner starts a Docker action; what it left behind, by name."""
    runner = workspace.parent / f"runner-{workspace.name}"
    runner.mkdir()
    files = {name: runner / name for name in ("output", "summary.md", "event.json")}
    files["output"].write_text("")
    files["summary.md"].write_text("")
    files["event.json"].write_text(json.dumps({"number": 7, "pull_request": {
        "number": 7, "head": {"repo": {"full_name": "acme/dq"}, "ref": "feature"},
        "base": {"repo": {"full_name": "acme/dq"}, "ref": "main"}}}))
    full_env = process_env({
        **env, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(files["event.json"]), "GITHUB_OUTPUT": str(files["output"]),
        "GITHUB_STEP_SUMMARY": str(files["summary.md"]), "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "acme/dq", "GITHUB_API_URL": api_url, "GITHUB_RUN_ID": "1",
        "GITHUB_SERVER_URL": "https://github.com", "RUNNER_TEMP": str(runner),
        "INPUT_GITHUB-TOKEN": "ghs_stub_token", "HOME": str(runner),
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()}})
    done = subprocess.run([sys.executable, str(ROOT / "entrypoint.py")], cwd=workspace,
                          env=full_env, capture_output=True, text=True, timeout=120,
                          check=False)
    label = inputs["direction"] + ("" if inputs.get("dry-run") != "false" else " apply")
    outputs = [(f"action {label} stdout", done.stdout), (f"action {label} stderr", done.stderr)]
    outputs += [(f"action {label} {p.name}", p.read_text(encoding="utf-8", errors="replace"))
                for p in files.values()]
    return done.returncode, outputs


def without_mask_commands(text: str) -> str:
    """``::add-mask::VALUE`` is how a secret is handed to the runner to mask: not a leak."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("::add-mask::"))


def test_no_secret_in_any_action_output(secret_target: Target, tmp_path: Path) -> None:
    from github_stub import GitHubStub

    token = secret_target.tokens["admin"]
    workspace = tmp_path / "ws"
    workspace.mkdir()
    stub = GitHubStub()
    outputs: list[tuple[str, str]] = []
    codes: dict[str, int] = {}
    common = {"url": secret_target.url, "token": token, "input": "qualytics-config",
              "comment": "always"}
    try:
        export_inputs = {**common, "direction": "export", "datastores": "warehouse-dev",
                         "dry-run": "false"}
        code, out = run_action(workspace, export_inputs, {}, stub.url)
        codes["export"] = code
        outputs += out
        names = placeholders(workspace / "qualytics-config")
        assert names, "the Action's export has no ${VAR} placeholder"
        canaries = {name: f"{CANARY}-{name.lower()}" for name in names}
        for n, (direction, extra) in enumerate((
                ("validate", {}), ("import", {}), ("import", {"dry-run": "false"}),
                ("drift", {}),
                ("promote", {"promote-type": "checks", "from": "warehouse-dev/orders",
                             "to": "warehouse-prod/orders", "dry-run": "false"}))):
            ws = tmp_path / f"ws{n}"
            shutil.copytree(workspace, ws)
            # One comment key per run, so that every run's comment is kept, not edited over.
            code, out = run_action(ws, {**common, "direction": direction,
                                        "comment-key": f"run-{n}", **extra}, canaries, stub.url)
            codes[f"{direction} {extra.get('dry-run', '')}"] = code
            outputs += out
        comments = [c["body"] for c in stub.state.comments.values()]
    finally:
        stub.stop()
    assert codes["export"] == 0 and all(c in (0, 2, 3) for c in codes.values()), codes
    assert len(comments) >= 5, f"only {len(comments)} pull-request comments were written"
    values = [token, f"{CANARY}tokensig", *canaries.values()]
    found = [f"{label}: {v}" for label, text in outputs
             for v in leaks(without_mask_commands(text), values)]
    found += [f"comment: {v}" for body in comments for v in leaks(body, values)]
    for path in tmp_path.rglob("*"):
        if path.is_file() and "runner-" not in str(path):
            text = without_mask_commands(path.read_bytes().decode("utf-8", errors="replace"))
            found += [f"{path.relative_to(tmp_path)}: {v}" for v in leaks(text, values)]
    assert found == [], "secrets leaked:\n" + "\n".join(found)
