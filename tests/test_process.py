"""The settings a qualytics-ci process makes at its entry point: the collector and the exit."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import qualytics_ci
from qualytics_ci import affinity
from qualytics_ci.cli import process

PACKAGE_ROOT = str(Path(qualytics_ci.__file__).resolve().parents[1])
OFFICIAL = Path(__file__).parent / "data" / "official-format"


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """settle changes this process's settings: they are set back after the test."""
    enabled, exits_after = gc.isenabled(), process._exits_after[0]
    pinning = affinity._allowed[0]
    yield
    affinity._allowed[0] = pinning
    if enabled:
        gc.enable()
    else:
        gc.disable()
    process._exits_after[0] = exits_after
    process._KEPT.clear()


@pytest.mark.parametrize("command", ["plan", "import", "export", "drift", "promote", "action"])
def test_a_command_that_runs_and_exits_turns_the_collector_off(
        collector_restored: None, command: str) -> None:
    gc.enable()
    process.settle(command)
    assert not gc.isenabled()
    assert affinity._allowed[0]  # its reads may keep to one core


@pytest.mark.parametrize("command", ["sandbox", "demo"])
def test_a_command_that_serves_keeps_the_collector(collector_restored: None,
                                                   command: str) -> None:
    gc.enable()
    affinity._allowed[0] = False
    process.settle(command)
    assert gc.isenabled()
    assert not affinity._allowed[0]  # the sandbox's and the demo's threads use every core


def python(code: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120, check=False)


def test_exit_now_sends_what_is_buffered_and_skips_the_teardown() -> None:
    done = python("import atexit, sys\n"
                  "from qualytics_ci.cli import process\n"
                  "atexit.register(lambda: print('teardown ran'))\n"
                  "sys.stdout.write('on stdout')\n"
                  "sys.stderr.write('on stderr')\n"
                  "process.exit_now(3)\n")
    assert (done.returncode, done.stdout, done.stderr) == (3, "on stdout", "on stderr")


def test_exit_now_after_stdout_was_closed_still_exits_with_the_code() -> None:
    done = python("import sys\n"
                  "from qualytics_ci.cli import process\n"
                  "sys.stdout.close()\n"
                  "process.exit_now(4)\n")
    assert (done.returncode, done.stderr) == (4, "")


def a_folder_of_checks(folder: Path, count: int) -> Path:
    """The official example with ``count`` more between checks on orders."""
    shutil.copytree(OFFICIAL, folder)
    checks = folder / "datastores" / "warehouse-prod" / "checks" / "orders"
    template = (checks / "between__total_amount.yaml").read_text()
    for n in range(count):
        (checks / f"between__amount_{n}.yaml").write_text(
            template.replace("total_amount", f"amount_{n}"))
    return folder


def test_the_console_script_validates_a_large_folder_without_a_collection(
        tmp_path: Path) -> None:
    """3,000 check files make far more than the young generation's threshold of objects:
    with the collector on, validating them starts collections; the console script's run
    starts none, and its output and exit code arrive whole."""
    folder = a_folder_of_checks(tmp_path / "config", 3000)
    watch = ("import gc, sys\n"
             "from qualytics_ci.cli import main, run\n"
             "import qualytics_ci.cli.config, qualytics_ci.folder.validate\n"
             "gc.callbacks.append(lambda phase, info: phase == 'start' and"
             " sys.stderr.write(f'collection of generation {info[\"generation\"]}\\n'))\n"
             "sys.argv = ['qualytics-ci', *sys.argv[1:]]\n")
    done = python(watch + "run()\n", "validate", "--input", str(folder))
    assert done.returncode == 0, done.stderr
    assert "collection of generation" not in done.stderr
    assert "is valid: 3008 entities" in done.stdout, done.stdout
    # the same work through main(), as a library call, leaves the collector on: it collects
    library = python(watch + "sys.exit(main(sys.argv[1:]))\n", "validate", "--input",
                     str(folder))
    assert library.returncode == 0, library.stderr
    assert "collection of generation 0" in library.stderr


def test_what_a_command_ends_with_is_kept_for_the_exit_only_at_the_entry_point() -> None:
    """After settle (the console script's, the Action's), a kept value outlives its last
    reference, so the exit drops it rather than the command's return; a library's call
    keeps nothing."""
    probe = ("import sys, weakref\n"
             "from qualytics_ci.cli import process\n"
             "class Plan: pass\n"
             "if sys.argv[1] == 'settled': process.settle('plan')\n"
             "plan = Plan(); alive = weakref.ref(plan)\n"
             "process.keep(plan)\n"
             "del plan\n"
             "print('kept' if alive() is not None else 'freed')\n")
    assert python(probe, "settled").stdout == "kept\n"
    assert python(probe, "library").stdout == "freed\n"
    served = python(probe.replace("settle('plan')", "settle('sandbox')"), "settled")
    assert served.stdout == "freed\n"  # a command that serves until stopped keeps nothing
