"""The command line's usage as a new user meets it: typos exit 1 (2 means "changes"),
with the usage line and the nearest option; global flags work after the command;
numbers are checked; the help shows defaults; a closed stdout is not an error."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import qualytics_ci
from qualytics_ci.cli import build_parser, main

PACKAGE_ROOT = str(Path(qualytics_ci.__file__).resolve().parents[1])


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    return captured.err


def test_a_misspelt_flag_exits_1_with_the_usage_line_and_the_flag_meant(
        capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, "plan", "--inptu", "cfg")
    assert err.startswith("usage: qualytics-ci plan ")
    assert "qualytics-ci plan: error: unrecognized arguments: --inptu cfg" in err
    assert "hint: did you mean --input? (`qualytics-ci plan --help` lists the options)" in err


@pytest.mark.parametrize(("argv", "meant"), [
    (["import", "--input", "cfg", "--prnue"], "--prune"),
    (["import", "--concurency=4"], "--concurrency"),
    (["drift", "--jsno", "d.json"], "--json"),
    (["export", "--ouptut", "cfg"], "--output"),
    (["promote", "--type", "checks", "--from", "a", "--to", "b", "--dryrun"], "--dry-run"),
])
def test_the_nearest_option_of_that_command_is_suggested(
        capsys: pytest.CaptureFixture[str], argv: list[str], meant: str) -> None:
    assert f"did you mean {meant}?" in usage_error(capsys, *argv)


def test_a_far_typo_only_points_at_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, "validate", "--zzzzzz")
    assert "did you mean" not in err
    assert "hint: `qualytics-ci validate --help` lists the options" in err


def test_a_misspelt_choice_suggests_the_choice(capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, "promote", "--type", "chekcs", "--from", "a", "--to", "b")
    assert "argument --type: invalid choice: 'chekcs'" in err
    assert "did you mean 'checks'?" in err


def test_a_command_option_given_before_the_command_says_where_it_goes(
        capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, "--url", "http://q.example.com", "plan", "--input", "cfg")
    assert "invalid choice: 'http://q.example.com'" in err
    assert ("hint: --url is an option of the commands: give it after the command, e.g. "
            "`qualytics-ci plan --url ...`") in err


def test_a_missing_required_option_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, "promote", "--type", "checks")
    assert "the following arguments are required: --from, --to" in err


@pytest.mark.parametrize("argv", [
    ["--quiet", "--debug", "validate"], ["validate", "--quiet", "--debug"],
    ["-q", "validate", "--debug"], ["--debug", "validate", "-q"],
])
def test_quiet_and_debug_work_before_and_after_the_command(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert args.quiet is True
    assert args.debug is True


def test_without_quiet_and_debug_both_are_off() -> None:
    args = build_parser().parse_args(["validate"])
    assert (args.quiet, args.debug) == (False, False)


@pytest.mark.parametrize(("argv", "message"), [
    (["import", "--concurrency", "0"], "argument --concurrency: must be at least 1, got 0"),
    (["import", "--concurrency", "-1"], "argument --concurrency: must be at least 1, got -1"),
    (["import", "--concurrency", "many"],
     "argument --concurrency: expected a whole number, got 'many'"),
    (["plan", "--timeout-s", "0"], "argument --timeout-s: must be a number greater than 0"),
    (["promote", "--type", "checks", "--from", "a", "--to", "b", "--timeout", "-5"],
     "argument --timeout: must be a number greater than 0"),
])
def test_counts_and_durations_must_be_positive(capsys: pytest.CaptureFixture[str],
                                               argv: list[str], message: str) -> None:
    assert message in usage_error(capsys, *argv)


def test_help_shows_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "config folder (default: qualytics-config)" in text
    assert "halves on 429 or 503 (default: 32)" in text
    assert "per-request read timeout in seconds (default: 30.0)" in text
    assert "(default: False)" not in text and "(default: None)" not in text


def parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action.choices, dict):
            for sub in action.choices.values():
                found.extend(parsers(sub))
    return found


def test_every_option_of_every_command_has_help_text() -> None:
    missing = [f"{p.prog} {'/'.join(a.option_strings)}" for p in parsers(build_parser())
               for a in p._actions
               if a.option_strings and (not a.help or a.help == argparse.SUPPRESS)]
    assert missing == []


def test_every_command_has_help_text() -> None:
    [commands] = [a for a in build_parser()._actions if isinstance(a.choices, dict)]
    helps = {c.dest: c.help for c in commands._get_subactions()}
    assert set(helps) == set(commands.choices)
    assert all(helps.values()), helps


def test_an_input_that_is_a_file_is_not_called_missing(capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text("{}")
    assert main(["validate", "--input", str(tmp_path / "plan.json")]) == 1
    first, hint = capsys.readouterr().err.splitlines()
    assert first.startswith(f"error: {tmp_path}/plan.json is a file, not a config folder")
    assert hint.startswith("  hint: pass --input the folder that holds connections/")


# -- a closed stdout (`| head -1`) --------------------------------------------------------

def a_connection(folder: Path) -> None:
    """A config folder holding one connection file."""
    (folder / "connections").mkdir(parents=True)
    (folder / "connections" / "db.yaml").write_text(
        "name: db\ntype: postgresql\nhost: db.internal\nport: 5432\nusername: reader\n"
        "password: ${QCI_TEST_DB_PASSWORD}\n")


def run_into_a_closed_pipe(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``qualytics-ci ARGV`` with a stdout whose reader has already gone: every write fails
    with EPIPE (what ``| head -1`` does to all but the first line, deterministically)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT}
    try:
        return subprocess.run([sys.executable, "-m", "qualytics_ci", *argv], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, cwd=cwd, env=env,
                              timeout=120, check=False)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("argv", [["--help"], ["plan", "--help"], ["--version"],
                                  ["validate", "--input", "config"]])
def test_a_closed_stdout_is_not_an_error(tmp_path: Path, argv: list[str]) -> None:
    a_connection(tmp_path / "config")
    done = run_into_a_closed_pipe(argv, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "BrokenPipe" not in done.stderr and "Exception ignored" not in done.stderr


def test_a_closed_stdout_keeps_the_command_exit_code(tmp_path: Path) -> None:
    done = run_into_a_closed_pipe(["validate", "--input", "no-such-folder"], tmp_path)
    assert done.returncode == 1
    assert "error:" in done.stderr
    assert "BrokenPipe" not in done.stderr


# -- output files that cannot be written -------------------------------------------------

@pytest.mark.parametrize(("argv", "option"), [
    (["plan", "--json", "{dir}"], "--json"),
    (["import", "--report", "{dir}"], "--report"),
    (["import", "--dry-run", "--report", "{dir}"], "--report"),
    (["drift", "--json", "{dir}"], "--json"),
    (["export", "--json", "{dir}"], "--json"),
    (["promote", "--type", "checks", "--from", "a/b", "--to", "c/d", "--report", "{dir}"],
     "--report"),
])
def test_an_output_file_that_is_a_folder_is_refused_before_any_request(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str],
        option: str) -> None:
    """No URL is reachable here (port 9): the refusal comes before the first request."""
    folder = tmp_path / "out"
    folder.mkdir()
    full = [a.replace("{dir}", str(folder)) for a in argv]
    assert main([*full, "--url", "http://127.0.0.1:9", "--token", "t"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"error: {option} {folder} is a folder, not a file",
        f"  hint: give {option} a file path, e.g. {folder.as_posix()}/report.json"]


def test_an_output_file_under_a_file_is_refused(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    assert main(["plan", "--json", str(tmp_path / "afile" / "plan.json"),
                 "--url", "http://127.0.0.1:9", "--token", "t"]) == 1
    err = capsys.readouterr().err
    assert f"error: --json {tmp_path}/afile/plan.json: {tmp_path}/afile is a file" in err


def test_a_json_file_written_under_new_folders_is_valid(tmp_path: Path) -> None:
    from qualytics_ci.cli.files import write_output

    target = tmp_path / "a" / "b" / "plan.json"
    write_output(str(target), {"digest": "x"}, "--json")
    assert json.loads(target.read_text()) == {"digest": "x"}
# -- retries are told on stderr ---------------------------------------------------------

def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_cli_tells_each_retry_on_stderr_but_not_with_quiet(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    """``plan`` against a port nobody listens on: one line per retry (the waits are real
    seconds; here sleep is made instant), then the error."""
    monkeypatch.setattr("time.sleep", lambda s: None)
    folder = tmp_path / "config"
    a_connection(folder)
    url = f"http://127.0.0.1:{closed_port()}"
    argv = ["plan", "--input", str(folder), "--url", url, "--token", "tok-0123456789"]
    assert main(argv) == 1
    err = capsys.readouterr().err.splitlines()
    retries = [line for line in err if line.startswith("retrying in ")]
    assert len(retries) == 5, err
    assert err[-2].startswith("error: cannot reach 127.0.0.1:")
    for flags in (["--quiet", *argv], [*argv, "--quiet"]):
        assert main(flags) == 1
        assert "retrying" not in capsys.readouterr().err
