"""`qualytics-ci sandbox` in the foreground: ready file, tokens, clean stop."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from qualytics_ci.cli import main

COMMAND = [sys.executable, "-c", "from qualytics_ci.cli import run; run()", "sandbox"]


def test_sandbox_command_prints_url_writes_ready_file_and_stops_on_ctrl_c(
        tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    proc = subprocess.Popen([*COMMAND, "--port", "0", "--seed", "empty", "--ready-file",
                             str(ready), "--token", "reporter=a.b.c"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not ready.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        info = json.loads(ready.read_text())
        assert set(info["tokens"]) == {"admin", "manager", "editor", "reporter"}
        assert info["tokens"]["reporter"] == "a.b.c"
        response = requests.get(f"{info['url']}/api/datastores", timeout=10,
                                headers={"Authorization": "Bearer a.b.c"})
        assert response.json()["total"] == 0
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert info["url"] in out and info["tokens"]["admin"] in out


def test_bad_token_option_is_a_user_error(capsys: object) -> None:
    assert main(["sandbox", "--token", "root=x"]) == 1


def test_unreadable_state_file_is_a_user_error(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("not json")
    assert main(["sandbox", "--state", str(state)]) == 1


def test_unknown_seed_is_a_user_error() -> None:
    assert main(["sandbox", "--seed", "nope"]) == 1
