"""``qualytics-ci ... | head -1``: a reader that goes away is not an error. The command
runs to its end (its JSON file is written), prints nothing more, and exits with its
own code. Real processes, with a stdout pipe whose reader is already gone, so every
write fails with EPIPE."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_kit import Runner, Target, copy_folder, overlay, process_env

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def into_closed_pipe(run: Runner, *argv: str) -> subprocess.CompletedProcess[str]:
    env = process_env({**run.env, "QUALYTICS_URL": run.target.url,
                       "QUALYTICS_TOKEN": run.token})
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "qualytics_ci", *argv], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, cwd=run.tmp_path, env=env,
                              timeout=120, check=False)
    finally:
        os.close(write_end)


def clean(done: subprocess.CompletedProcess[str]) -> None:
    for text in ("Traceback", "BrokenPipe", "Exception ignored", "internal error"):
        assert text not in done.stderr, done.stderr


def test_plan_into_a_closed_pipe_still_writes_its_json_and_keeps_its_exit_code(
        run: Runner, target: Target, demo_export: Path, demo_env: dict[str, str],
        tmp_path: Path) -> None:
    folder = copy_folder(demo_export, tmp_path / "config")
    overlay(BAD / "_probe", folder)  # one new check: the plan has a change
    run.env.update(demo_env)
    mark = target.mark()
    done = into_closed_pipe(run, "plan", "--input", str(folder), "--json", "plan.json",
                            "--detailed-exitcode")
    assert done.returncode == 2, done.stderr
    clean(done)
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["summary"]["create"] == 1
    assert target.writes_since(mark) == []


@pytest.mark.parametrize("argv", [
    ["export", "--output", "out", "--datastore", "warehouse-dev"],
    ["drift", "--input", "{folder}", "--json", "drift.json"],
    ["validate", "--input", "{folder}"],
    ["promote", "--type", "checks", "--from", "warehouse-dev/orders",
     "--to", "warehouse-prod/orders", "--dry-run", "--report", "preview.json"],
])
def test_other_commands_into_a_closed_pipe_end_normally(
        run: Runner, target: Target, demo_export: Path, demo_env: dict[str, str],
        tmp_path: Path, argv: list[str]) -> None:
    folder = copy_folder(demo_export, tmp_path / "config")
    run.env.update(demo_env)
    done = into_closed_pipe(run, *[a.replace("{folder}", str(folder)) for a in argv])
    clean(done)
    assert done.returncode == 0, done.stderr
    for name in ("drift.json", "preview.json"):
        if name in argv:
            json.loads((tmp_path / name).read_text())
    if argv[0] == "export":
        assert (tmp_path / "out" / "datastores" / "warehouse_dev" / "_datastore.yaml").is_file()
