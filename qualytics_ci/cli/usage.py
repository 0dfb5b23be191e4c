"""The argument parser's behaviour: usage errors exit 1 with a "did you mean", the help
shows defaults, and numbers that must be positive are checked.

Exit code 2 means "changes present" or "drift found", so a misspelt flag must not
produce it: argparse's usage errors (exit 2 by default) exit 1 here.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from qualytics_ci.errors import EXIT_ERROR, did_you_mean

_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)'")
_UNRECOGNIZED = "unrecognized arguments: "


class HelpFormatter(argparse.HelpFormatter):
    """Appends ``(default: X)`` to an option's help when it has a meaningful default
    (not None, False or an empty list) and the help does not already say it."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if ("default" in text or not action.option_strings or default is None
                or default is False or default is argparse.SUPPRESS or default == []):
            return text
        return text + " (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose usage errors exit 1 and suggest the
    nearest option, command or choice. Subparsers are of the same class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self._argv: list[str] = []

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        """As argparse's, but an unknown argument is reported by the subcommand's own
        parser (its usage line, its options to suggest from)."""
        self._argv = list(sys.argv[1:] if args is None else args)
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.chosen(parsed).error(_UNRECOGNIZED + " ".join(extras))
        return parsed

    def chosen(self, parsed: argparse.Namespace) -> Parser:
        """The parser of the subcommand ``parsed`` names (else this one)."""
        for action in self._actions:
            choices = action.choices
            if isinstance(choices, dict):
                sub = choices.get(getattr(parsed, action.dest, None))
                if isinstance(sub, Parser):
                    return sub.chosen(parsed)
        return self

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = f"{self.prog}: error: {message}\n"
        near = self._suggestion(message)
        listed = "commands" if any(isinstance(a.choices, dict) for a in self._actions) \
            else "options"
        see = f"`{self.prog} --help` lists the {listed}"
        text += f"  hint: {near} ({see})\n" if near else f"  hint: {see}\n"
        self.exit(EXIT_ERROR, text)

    def option_names(self) -> list[str]:
        return [s for a in self._actions for s in a.option_strings if s.startswith("--")]

    def _suggestion(self, message: str) -> str | None:
        if message.startswith(_UNRECOGNIZED):
            for word in message[len(_UNRECOGNIZED):].split():
                if word.startswith("-"):
                    near = did_you_mean(word.split("=", 1)[0], self.option_names(),
                                        quote=False)
                    if near:
                        return near
            return None
        found = _INVALID_CHOICE.search(message)
        if found:
            choices = [str(c) for a in self._actions if a.choices for c in a.choices]
            return did_you_mean(found.group(1), choices) or self._misplaced()
        return None

    def _misplaced(self) -> str | None:
        """``qualytics-ci --url X plan``: a command's option given before the command."""
        commands = {name: sub for a in self._actions if isinstance(a.choices, dict)
                    for name, sub in a.choices.items() if isinstance(sub, Parser)}
        mine = set(self.option_names())
        for word in self._argv:
            option = word.split("=", 1)[0]
            if not option.startswith("--") or option in mine:
                continue
            using = [name for name, sub in commands.items() if option in sub.option_names()]
            if using:
                command = next((w for w in self._argv if w in commands), using[0])
                return (f"{option} is an option of the commands: give it after the command, "
                        f"e.g. `{self.prog} {command} {option} ...`")
        return None


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    """An argparse type: a number of seconds greater than 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number greater than 0, got {text}")
    return value


def common_options(*, suppress: bool) -> Parser:
    """``--debug`` and ``--quiet``: before the command (defaults False) and again after
    it (defaults suppressed, so that not repeating them keeps the first value)."""
    parent = Parser(add_help=False)
    default: Any = argparse.SUPPRESS if suppress else False
    parent.add_argument("--debug", action="store_true", default=default,
                        help="show tracebacks and each HTTP request")
    parent.add_argument("--quiet", "-q", action="store_true", default=default,
                        help="no progress or retry messages on stderr")
    return parent


def exit_code(exc: SystemExit) -> int:
    """The exit code a ``SystemExit`` carries (None is 0, a message is 1)."""
    if exc.code is None:
        return 0
    return exc.code if isinstance(exc.code, int) else EXIT_ERROR
