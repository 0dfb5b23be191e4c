"""The Action's drift direction with `adopt: true` against the sandbox: a change made through
the API is written into the workspace's folder (for a later pull-request step), and the next
drift finds nothing."""

from __future__ import annotations

import json
from pathlib import Path

from github_stub import GitHubStub

from qualytics_ci.action.inputs import Inputs, cli_argv
from qualytics_ci.sandbox.server import RunningSandbox

from .harness import raise_a_between_max_on_the_target
from .test_action_engine import act


def test_adopt_input_adds_the_flag_to_drift_only() -> None:
    assert "--adopt" in cli_argv(Inputs(direction="drift", adopt=True), "r.json")
    assert "--adopt" not in cli_argv(Inputs(direction="drift"), "r.json")
    assert "--adopt" not in cli_argv(Inputs(direction="plan", adopt=True), "r.json")


def test_drift_with_adopt_writes_the_change_into_the_folder(
        sandbox: RunningSandbox, github_stub: GitHubStub, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    assert act(ws, sandbox, github_stub, "export", comment="never").code == 0
    folder = ws / "qualytics-config"
    before = {p: p.read_bytes() for p in folder.rglob("*.yaml")}
    raise_a_between_max_on_the_target(sandbox.url, sandbox.tokens["admin"])

    adopted = act(ws, sandbox, github_stub, "drift", adopt="true", comment="never",
                  **{"fail-on-drift": "false"})
    assert adopted.code == 0, adopted.stdout + adopted.stderr
    assert adopted.outputs["drift"] == "true" and "123456" in adopted.outputs["summary"]
    assert "Adopted into the folder: 1 file(s) written, 0 removed." in adopted.stdout
    report = json.loads((ws / adopted.outputs["report"]).read_text())
    written = report["adopted"]["written"]
    assert len(written) == 1 and written[0].endswith("between__total_amount.yaml")
    changed = [p for p in folder.rglob("*.yaml") if p.read_bytes() != before.get(p)]
    assert changed == [folder / written[0]]
    assert "max: 123456" in changed[0].read_text()

    clean = act(ws, sandbox, github_stub, "drift", comment="never")
    assert clean.code == 0 and clean.outputs["drift"] == "false", clean.stdout + clean.stderr
