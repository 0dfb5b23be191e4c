"""The command line as a user meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import argparse
import sys
import types
from collections.abc import Callable, Iterator

import pytest

from qualytics_ci import __version__, cli, secrets
from qualytics_ci.api.errors import error_for_status
from qualytics_ci.cli import main
from qualytics_ci.errors import EXIT_PARTIAL, QualyticsCIError


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_unknown_command_is_a_usage_error_exit_1_with_a_suggestion(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2 means "changes present": a usage error must not look like one."""
    assert main(["exprot"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("usage: qualytics-ci")
    assert "invalid choice: 'exprot'" in err
    assert "hint: did you mean 'export'? (`qualytics-ci --help` lists the commands)" in err


# -- error handling, through main(argv) ---------------------------------------------------------

SECRET = "s3cr3t-value-0f-the-test"


@pytest.fixture
def handlers(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    """A module of stand-in command handlers, reachable through cli.HANDLERS."""
    module = types.ModuleType("qualytics_ci_test_handlers")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    yield module
    secrets.clear()


def route(monkeypatch: pytest.MonkeyPatch, module: types.ModuleType, name: str,
          func: Callable[[argparse.Namespace], int]) -> None:
    setattr(module, name, func)
    monkeypatch.setitem(cli.HANDLERS, "validate", f"{module.__name__}:{name}")


def test_user_error_prints_message_hint_and_its_exit_code(
    monkeypatch: pytest.MonkeyPatch, handlers: types.ModuleType,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def partial(args: argparse.Namespace) -> int:
        raise QualyticsCIError("2 checks failed", hint="see the report", exit_code=EXIT_PARTIAL)

    route(monkeypatch, handlers, "partial", partial)
    assert main(["validate"]) == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert err.splitlines() == ["error: 2 checks failed", "  hint: see the report"]


def test_api_error_from_a_handler_is_a_user_error(
    monkeypatch: pytest.MonkeyPatch, handlers: types.ModuleType,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def refused(args: argparse.Namespace) -> int:
        raise error_for_status("POST", "/connections", 403, "Insufficient role", host="h")

    route(monkeypatch, handlers, "refused", refused)
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: permission denied (403) for POST /connections")
    assert "hint: this call needs the Manager role" in err
    assert "Traceback" not in err


def test_unexpected_exception_prints_traceback_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, handlers: types.ModuleType,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def buggy(args: argparse.Namespace) -> int:
        raise ZeroDivisionError("a bug")

    route(monkeypatch, handlers, "buggy", buggy)
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError: a bug" in err
    assert "internal error" in err


@pytest.mark.parametrize("kind", ["user", "bug"])
def test_registered_secret_never_appears_in_error_output(
    monkeypatch: pytest.MonkeyPatch, handlers: types.ModuleType,
    capsys: pytest.CaptureFixture[str], kind: str,
) -> None:
    secrets.register(SECRET)

    def leaky(args: argparse.Namespace) -> int:
        if kind == "user":
            raise QualyticsCIError(f"connection failed for {SECRET}", hint=f"try {SECRET}")
        raise RuntimeError(f"password={SECRET}")

    route(monkeypatch, handlers, "leaky", leaky)
    assert main(["validate"]) == 1
    out, err = capsys.readouterr()
    assert SECRET not in err and SECRET not in out
    assert "***" in err
