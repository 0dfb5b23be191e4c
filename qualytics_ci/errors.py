"""The one error type for user errors, and its exit codes.

Anything a user can fix (bad input, bad credentials, a refusal from the server)
is raised as a :class:`QualyticsCIError`. The CLI and the Action turn it into a
message on stderr (or an annotation) and an exit code in one place; any other
exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2
EXIT_PARTIAL = 3


class QualyticsCIError(Exception):
    """A problem the user can fix: what went wrong, where, and what to do."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        file: str | None = None,
        line: int | None = None,
        exit_code: int = EXIT_ERROR,
        code: str | None = None,
        errors: tuple[QualyticsCIError, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.file = file
        self.line = line
        self.exit_code = exit_code
        self.code = code  # what kind of problem, for callers that treat some differently
        self.errors = errors  # one error per problem when this one lists several

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def close_matches(name: str, names: Iterable[str], n: int = 5,
                  cutoff: float = 0.5) -> list[str]:
    """The names most like ``name``, best first (case-insensitive)."""
    lowered = {candidate.lower(): candidate for candidate in names}
    found = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=cutoff)
    return [lowered[f] for f in found]


def did_you_mean(name: str, names: Iterable[str], *, quote: bool = True) -> str | None:
    """``did you mean 'checks'?`` for a misspelt ``name`` (the nearest of ``names``,
    case-insensitive); None when nothing is near."""
    similar = close_matches(name, names, n=1, cutoff=0.6)
    if not similar:
        return None
    return f"did you mean {similar[0]!r}?" if quote else f"did you mean {similar[0]}?"
