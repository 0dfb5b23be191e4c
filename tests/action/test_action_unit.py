"""The Action's flow in-process, with a stand-in command: errors, forks, limits."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from qualytics_ci.action.inputs import Inputs, cli_argv
from qualytics_ci.action.main import Action
from qualytics_ci.action.runner import Runner, parse_output_file
from qualytics_ci.errors import QualyticsCIError

from .harness import pr_event


def make_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    (tmp_path / "event.json").write_text(json.dumps(pr_event(head_repo="someone/fork")))
    for name in ("out", "summary.md"):
        (tmp_path / name).write_text("")
    return {"GITHUB_WORKSPACE": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "out"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "acme/dq",
            "GITHUB_EVENT_PATH": str(tmp_path / "event.json"), "INPUT_DIRECTION": "validate",
            "INPUT_GITHUB-TOKEN": "ghs_token_for_tests", "GITHUB_API_URL": "http://127.0.0.1:9",
            **extra}


class ManyErrors(QualyticsCIError):
    def __init__(self, errors: list[QualyticsCIError]) -> None:
        super().__init__(f"{len(errors)} problems in the folder", file=errors[0].file,
                         line=errors[0].line)
        self.errors = errors


def test_many_errors_give_ten_annotations_and_a_count(tmp_path: Path) -> None:
    def command(argv: list[str]) -> int:
        raise ManyErrors([QualyticsCIError(f"unknown rule {n}", file="qualytics-config/x.yaml",
                                           line=n + 1) for n in range(14)])

    out = io.StringIO()
    code = Action(make_env(tmp_path), Runner(out, workspace=str(tmp_path)), command).main()
    lines = out.getvalue().splitlines()
    assert code == 1
    errors = [ln for ln in lines if ln.startswith("::error ")]
    assert len(errors) == 10
    assert errors[0] == ("::error file=qualytics-config/x.yaml,line=1,"
                         "title=qualytics-ci::unknown rule 0")
    assert any("4 more errors" in ln for ln in lines if ln.startswith("::warning "))
    assert "14 problems in the folder" in (tmp_path / "summary.md").read_text()


def test_fork_pull_request_gets_no_comment_attempt(tmp_path: Path) -> None:
    out = io.StringIO()
    code = Action(make_env(tmp_path), Runner(out, workspace=str(tmp_path)),
                  lambda argv: 0).main()
    assert code == 0
    assert "pull request from a fork" in out.getvalue()
    outputs = parse_output_file((tmp_path / "out").read_text())
    assert outputs["has-changes"] == "false"
    assert outputs["summary"].startswith("### ✅ qualytics-ci validate")


def test_a_bug_is_reported_without_secrets(tmp_path: Path) -> None:
    def command(argv: list[str]) -> int:
        raise RuntimeError("boom with qtok-secret-9999 inside")

    out = io.StringIO()
    env = make_env(tmp_path, **{"INPUT_TOKEN": "qtok-secret-9999"})
    code = Action(env, Runner(out, workspace=str(tmp_path)), command).main()
    text = out.getvalue()
    assert code == 1 and "internal error: RuntimeError" in text
    assert "qtok-secret-9999" not in text.replace("::add-mask::qtok-secret-9999", "")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("INPUT_DIRECTION", "apply", "input `direction` must be one of"),
    ("INPUT_DIRECTION", "plna", "not 'plna' (did you mean 'plan'?)"),
    ("INPUT_COMMENT", "sometimes", "input `comment` must be one of"),
    ("INPUT_CONCURRENCY", "many", "input `concurrency` must be a number"),
])
def test_bad_inputs_are_user_errors(tmp_path: Path, name: str, value: str,
                                    message: str) -> None:
    out = io.StringIO()
    code = Action(make_env(tmp_path, **{name: value}), Runner(out), lambda argv: 0).main()
    assert code == 1 and message in out.getvalue()


def test_promote_without_type_from_and_to_runs_the_declared_promotions() -> None:
    declared = Inputs(direction="promote", input="cfg", dry_run=True, timeout=60)
    assert cli_argv(declared, "r.json") == ["promote", "--input", "cfg", "--dry-run",
                                            "--timeout", "60", "--report", "r.json"]
    with pytest.raises(QualyticsCIError, match=r"input\(s\) tags, active apply to one promote"):
        cli_argv(Inputs(direction="promote", tags="pii", active=True), "r.json")
    with pytest.raises(QualyticsCIError, match=r"needs the input\(s\) to"):
        cli_argv(Inputs(direction="promote", promote_type="checks", source="a"), "r.json")
