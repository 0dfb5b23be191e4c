"""Workflow commands, outputs and the step summary as the runner reads them."""

from __future__ import annotations

import io
from pathlib import Path

from qualytics_ci import secrets
from qualytics_ci.action.runner import (
    SUMMARY_CUT_NOTE,
    SUMMARY_LIMIT_BYTES,
    Runner,
    append_summary,
    is_fork_pull_request,
    parse_output_file,
    pull_request_number,
    write_output,
)


def test_properties_and_messages_are_percent_encoded() -> None:
    out = io.StringIO()
    runner = Runner(out, workspace="/github/workspace")
    runner.error("bad value: 100%\nsecond line", file="/github/workspace/a,b:c.yaml", line=3)
    assert out.getvalue() == (
        "::error file=a%2Cb%3Ac.yaml,line=3::bad value: 100%25%0Asecond line\n")


def test_relative_paths_stay_relative_and_outside_paths_stay_absolute() -> None:
    runner = Runner(io.StringIO(), workspace="/github/workspace")
    assert runner.relative("cfg/x.yaml") == "cfg/x.yaml"
    assert runner.relative("/github/workspace/cfg/x.yaml") == "cfg/x.yaml"
    assert runner.relative("/tmp/x.yaml") == "/tmp/x.yaml"


def test_mask_emits_one_command_per_line() -> None:
    out = io.StringIO()
    Runner(out).mask("line-one\nline-two")
    assert out.getvalue() == "::add-mask::line-one\n::add-mask::line-two\n"


def test_groups_do_not_nest() -> None:
    out = io.StringIO()
    runner = Runner(out)
    with runner.group("outer"), runner.group("inner"):
        runner.log("hello")
    assert out.getvalue() == "::group::outer\nhello\n::endgroup::\n"


def test_outputs_are_multiline_safe_and_written_twice(tmp_path: Path) -> None:
    path = tmp_path / "out"
    write_output("has-changes", "true", str(path))
    write_output("plan-text", "line 1\nline 2\nghadelimiter_x", str(path))
    text = path.read_text()
    parsed = parse_output_file(text)
    assert parsed["has-changes"] == parsed["has_changes"] == "true"
    assert parsed["plan-text"] == parsed["plan_text"] == "line 1\nline 2\nghadelimiter_x"
    # random delimiters: the two copies use different ones
    heads = [ln.split("<<")[1] for ln in text.splitlines() if "<<" in ln]
    assert len(heads) == len(set(heads)) == 2


def test_outputs_are_redacted(tmp_path: Path) -> None:
    secrets.register("tok-abcdef")
    write_output("summary", "a tok-abcdef b", str(tmp_path / "o"))
    assert "tok-abcdef" not in (tmp_path / "o").read_text()


def test_step_summary_never_exceeds_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("x" * 100_000)
    written = append_summary("é" * 1_000_000, str(path))
    size = path.stat().st_size
    assert written > 0 and size <= SUMMARY_LIMIT_BYTES
    assert path.read_text(encoding="utf-8").endswith(SUMMARY_CUT_NOTE)


def test_pull_request_number_and_fork_detection() -> None:
    event = {"pull_request": {"number": 5, "head": {"repo": {"full_name": "them/dq"}}}}
    assert pull_request_number(event) == 5
    assert is_fork_pull_request(event, "acme/dq")
    assert not is_fork_pull_request(event, "them/dq")
    assert pull_request_number({"issue": {"number": 9, "pull_request": {}}}) == 9
    assert pull_request_number({"ref": "refs/heads/main"}) is None
