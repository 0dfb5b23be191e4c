"""``qualytics-ci.yaml``: the options that change a plan, kept with the folder.

``plan``, ``import`` and ``drift`` read the same file, so a pull request's plan and the
deploy's import are made the same way by construction; a flag overrides the file's value
for one run (and then shows in the digest). Validated offline like every file: a wrong
type or an unknown key is an error at its line, with a "did you mean".
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import yamlio
from qualytics_ci.folder.files import OVERRIDES_DIR, Files, root_file
from qualytics_ci.folder.layout import SETTINGS_FILE
from qualytics_ci.folder.model import KINDS_BY_FLAG, parse_kinds
from qualytics_ci.folder.schema import Issue, raise_if_errors
from qualytics_ci.results.digest import PlanOptions
from qualytics_ci.results.kinds import KIND_ORDER

KEYS = ("prune", "include", "datastores", "environment", "environments", "allow_mass_archive")
ALIASES = {"env": "environment", "datastore": "datastores", "kinds": "include",
           "envs": "environments", "allow_mass_archives": "allow_mass_archive"}


@dataclass(frozen=True)
class Settings:
    """The file's values (None / empty: not set) and the line of each key."""

    prune: bool | None = None
    include: str | None = None  # as --include takes it: a comma list
    datastores: tuple[str, ...] = ()
    environment: str | None = None
    environments: tuple[str, ...] = ()
    allow_mass_archive: bool | None = None
    lines: Mapping[str, int] = field(default_factory=dict)


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    normal = word.strip().lower().replace("-", "_")
    if normal in choices:
        return f"; did you mean {normal!r}?"
    if normal in ALIASES:
        return f"; did you mean {ALIASES[normal]!r}?"
    close = difflib.get_close_matches(normal, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(choices)})"


def _names(value: Any) -> tuple[str, ...] | None:
    """A list of non-empty names, or one name; None when it is neither."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
        return None
    return tuple(v.strip() for v in items)


class _Checker:
    def __init__(self, root: Path, lines: Mapping[str, int]) -> None:
        self.root, self.lines, self.issues = root, lines, list[Issue]()

    def error(self, key: str, message: str) -> None:
        self.issues.append(Issue("error", message, SETTINGS_FILE, self.lines.get(key)))

    def flag(self, key: str, value: Any) -> bool | None:
        if isinstance(value, bool) or value is None:
            return value
        self.error(key, f"{key!r} must be true or false, not {value!r}")
        return None

    def include(self, value: Any) -> str | None:
        if value is None:
            return None
        kinds = _names([v for v in value.split(",") if v.strip()] if isinstance(value, str)
                       else value)
        if kinds is None:
            self.error("include", "'include' must be a list of kinds, e.g. [checks]")
            return None
        flags = [k for k in KINDS_BY_FLAG if k != "fields"]
        for kind in kinds:
            if kind not in KINDS_BY_FLAG:
                self.error("include", f"unknown kind {kind!r} in 'include'"
                                      f"{_did_you_mean(kind, flags)}")
        return ",".join(kinds)

    def names(self, key: str, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        names = _names(value)
        if names is None:
            self.error(key, f"{key!r} must be a list of names")
            return ()
        return names

    def text(self, key: str, value: Any) -> str | None:
        if value is None or (isinstance(value, str) and value.strip()):
            return value.strip() if isinstance(value, str) else None
        self.error(key, f"{key!r} must be a name, not {value!r}")
        return None


def read_settings(root: str | Path, files: Files | None = None) -> tuple[Settings, list[Issue]]:
    """The settings file of ``root`` (defaults when there is none; ``files``: as read
    already) and its problems."""
    base = Path(root)
    try:
        text = root_file(base, SETTINGS_FILE, files)
        if text is None:
            return Settings(), []
        data, lines = yamlio.load(text, SETTINGS_FILE)
    except QualyticsCIError as exc:
        return Settings(), [Issue("error", exc.message, exc.file or SETTINGS_FILE, exc.line)]
    if data is None:
        return Settings(), []
    if not isinstance(data, dict):
        return Settings(), [Issue("error", "expected a mapping of settings, e.g. 'prune: true'",
                                  SETTINGS_FILE, 1)]
    c = _Checker(base, lines)
    for key in data:
        if key not in KEYS:
            c.error(str(key), f"unknown setting {key!r}{_did_you_mean(str(key), KEYS)}")
    settings = Settings(prune=c.flag("prune", data.get("prune")),
                        include=c.include(data.get("include")),
                        datastores=c.names("datastores", data.get("datastores")),
                        environment=c.text("environment", data.get("environment")),
                        environments=c.names("environments", data.get("environments")),
                        allow_mass_archive=c.flag("allow_mass_archive",
                                                  data.get("allow_mass_archive")),
                        lines=dict(lines))
    for env in settings.environments:
        if not (base / OVERRIDES_DIR / env).is_dir():
            c.error("environments", f"environment {env!r} has no folder {OVERRIDES_DIR}/{env}/")
    if settings.environment:
        c.issues.extend(environment_issues(settings, settings.environment))
    return settings, c.issues


def environment_issues(settings: Settings, environment: str | None) -> list[Issue]:
    """An error when ``environment`` is not one of the file's ``environments``."""
    listed = settings.environments
    if not environment or not listed or environment in listed:
        return []
    return [Issue("error", f"environment {environment!r} is not one of {SETTINGS_FILE}'s "
                           f"environments{_did_you_mean(environment, listed)}",
                  SETTINGS_FILE, settings.lines.get("environments"))]


def resolve_options(settings: Settings, *, prune: bool | None = None,
                    include: str | None = None, datastores: Sequence[str] = (),
                    environment: str | None = None,
                    allow_mass_archive: bool | None = None) -> PlanOptions:
    """The options a run uses: each flag given wins over the file, the file over the
    defaults (no prune, every kind and datastore, no environment, no mass archive)."""
    kinds = parse_kinds(include if include is not None else settings.include)
    env = environment or settings.environment
    raise_if_errors(environment_issues(settings, env))
    return PlanOptions(
        prune=prune if prune is not None else bool(settings.prune),
        include=None if kinds == frozenset(KIND_ORDER) else tuple(k for k in KIND_ORDER
                                                                  if k in kinds),
        datastores=tuple(sorted(set(datastores or settings.datastores))),
        environment=env or None,
        allow_mass_archive=(allow_mass_archive if allow_mass_archive is not None
                            else bool(settings.allow_mass_archive)),
    )


def load_options(root: str | Path, files: Files | None = None, **flags: Any) -> PlanOptions:
    """Read the settings file (raise on its errors; ``files``: as read already) and
    resolve the options."""
    settings, issues = read_settings(root, files)
    raise_if_errors(issues)
    return resolve_options(settings, **flags)


def include_text(options: PlanOptions) -> str | None:
    """The options' kinds as ``--include`` text (None: every kind)."""
    if options.include is None:
        return None
    by_kind = {kind: flag for flag, kind in KINDS_BY_FLAG.items() if flag != "fields"}
    return ",".join(by_kind[k] for k in options.include)
