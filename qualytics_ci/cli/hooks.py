"""``validate-files``: validate, offline, the config folders that hold the given files.

The pre-commit hook (``.pre-commit-hooks.yaml``) passes the changed files; each
folder is validated once (and once per environment whose ``overrides/`` changed).
``${VAR}`` values are not needed: secrets live in CI, not on a developer's machine.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

from qualytics_ci.errors import EXIT_OK, QualyticsCIError
from qualytics_ci.folder.roots import config_roots
from qualytics_ci.folder.schema import Issue
from qualytics_ci.folder.validate import describe, validate_folder


def _located(issue: Issue, root: Path) -> Issue:
    """The issue with its file named from the working directory, as an editor wants it."""
    if not issue.file:
        return replace(issue, file=root.as_posix())
    return replace(issue, file=(root / issue.file).as_posix())


def _check(root: Path, environment: str | None) -> list[Issue]:
    try:
        _config, issues = validate_folder(root, os.environ, environment)
    except QualyticsCIError as exc:
        return [Issue("error", exc.message, exc.file, exc.line)]
    return [i for i in issues if i.code != "unset_variable"]


def validate_files_cmd(args: argparse.Namespace) -> int:
    """Validate each folder holding one of ``args.files``; exit 1 on any error."""
    roots = config_roots(args.files)
    found: list[Issue] = []
    for root in sorted(roots):
        for environment in sorted(roots[root], key=lambda e: e or ""):
            issues = [_located(i, root) for i in _check(root, environment)]
            found.extend(issues)
            where = f"{root.as_posix()}" + (f" (--env {environment})" if environment else "")
            count = sum(1 for i in issues if i.level == "error")
            if issues:
                print(describe(issues))
            print(f"{where}: {count} error(s), {len(issues) - count} warning(s)")
    errors = [i for i in found if i.level == "error"]
    if errors:
        raise QualyticsCIError(f"{len(errors)} error(s) in the config folder(s)",
                               file=errors[0].file, line=errors[0].line,
                               hint="fix them, or run: qualytics-ci validate --input FOLDER")
    return EXIT_OK
