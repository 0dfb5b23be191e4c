"""The Action's inputs, read once from ``INPUT_*`` into a typed structure.

The runner names each input's variable ``INPUT_`` + the name upper-cased with
spaces turned into underscores; hyphens are kept (``dry-run`` arrives as
``INPUT_DRY-RUN``). Values are trimmed and the empty string means "not given",
as in GitHub's own toolkit; booleans accept only true/True/TRUE/false/False/FALSE.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar, cast

from qualytics_ci.errors import QualyticsCIError, did_you_mean

Direction = Literal["export", "validate", "plan", "import", "promote", "drift"]
CommentMode = Literal["auto", "always", "never"]
DIRECTIONS: tuple[Direction, ...] = ("export", "validate", "plan", "import", "promote", "drift")
PR_EVENTS = ("pull_request", "pull_request_target")
TRUE, FALSE = ("true", "True", "TRUE"), ("false", "False", "FALSE")

INPUT_NAMES = (
    "direction", "input", "include", "datastores", "dry-run", "url", "token", "env-file",
    "prune", "environment", "allow-mass-archive", "concurrency", "comment", "comment-key",
    "github-token", "fail-on-drift", "drift-issue", "adopt", "expect-plan", "promote-type", "from",
    "to", "ids", "tags", "additional-tags", "active", "mappings", "timeout",
)


def env_name(name: str) -> str:
    """The variable the runner sets for input ``name``."""
    return "INPUT_" + name.replace(" ", "_").upper()


@dataclass(frozen=True)
class Inputs:
    """Every input of ``action.yml``, typed, with defaults applied."""

    direction: Direction = "plan"
    input: str = "qualytics-config"
    include: str = ""
    datastores: tuple[str, ...] = ()
    dry_run: bool = False
    url: str = ""
    token: str = ""
    env_file: str = ""
    prune: bool | None = None  # None: from qualytics-ci.yaml
    environment: str = ""
    allow_mass_archive: bool | None = None
    concurrency: int | None = None
    comment: CommentMode = "auto"
    comment_key: str = "default"
    github_token: str = ""
    fail_on_drift: bool = True
    drift_issue: bool = False
    adopt: bool = False
    expect_plan: str = ""
    promote_type: str = ""
    source: str = ""
    destination: str = ""
    ids: str = ""
    tags: str = ""
    additional_tags: str = ""
    active: bool = False
    mappings: tuple[str, ...] = ()
    timeout: float | None = None

    @property
    def command(self) -> Direction:
        """What actually runs: ``import`` with ``dry-run`` is exactly ``plan``."""
        if self.direction == "import" and self.dry_run:
            return "plan"
        return self.direction


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def text(self, name: str, default: str = "") -> str:
        return self.env.get(env_name(name), "").strip() or default

    def flag(self, name: str, default: bool) -> bool:
        value = self.optional_flag(name)
        return default if value is None else value

    def optional_flag(self, name: str) -> bool | None:
        """true / false, or None when the input is not given."""
        value = self.text(name)
        if not value:
            return None
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise QualyticsCIError(f"input `{name}` must be true or false, not {value!r}")

    def number(self, name: str, kind: type[int] | type[float]) -> float | None:
        value = self.text(name)
        if not value:
            return None
        try:
            number = kind(value)
        except ValueError:
            raise QualyticsCIError(f"input `{name}` must be a number, not {value!r}") from None
        if number <= 0:
            raise QualyticsCIError(f"input `{name}` must be positive, not {value!r}")
        return number

    def items(self, name: str) -> tuple[str, ...]:
        """A list given as commas and/or one item per line."""
        return tuple(x.strip() for x in re.split(r"[,\n]", self.text(name)) if x.strip())

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        return one_of(name, self.text(name, default), allowed)


Choice = TypeVar("Choice", bound=str)


def one_of(name: str, value: str, allowed: tuple[Choice, ...]) -> Choice:
    """``value`` when ``allowed`` has it; else an error naming the input and the nearest."""
    if value in allowed:
        return allowed[allowed.index(value)]
    near = did_you_mean(value, allowed)
    raise QualyticsCIError(f"input `{name}` must be one of {', '.join(allowed)}, not {value!r}"
                           + (f" ({near})" if near else ""))


def read_inputs(env: Mapping[str, str] | None = None) -> Inputs:
    """The inputs from the environment (``os.environ`` by default)."""
    env = os.environ if env is None else env
    r = _Reader(env)
    direction = one_of("direction", r.text("direction", "plan"), DIRECTIONS)
    on_pr = env.get("GITHUB_EVENT_NAME", "") in PR_EVENTS
    concurrency = r.number("concurrency", int)
    return Inputs(
        direction=direction,
        input=r.text("input", "qualytics-config"),
        include=r.text("include"),
        datastores=r.items("datastores"),
        dry_run=r.flag("dry-run", on_pr),
        url=r.text("url"),
        token=r.text("token"),
        env_file=r.text("env-file"),
        prune=r.optional_flag("prune"),
        environment=r.text("environment"),
        allow_mass_archive=r.optional_flag("allow-mass-archive"),
        concurrency=int(concurrency) if concurrency is not None else None,
        comment=cast(CommentMode, r.choice("comment", ("auto", "always", "never"), "auto")),
        comment_key=r.text("comment-key", "default"),
        github_token=r.text("github-token"),
        fail_on_drift=r.flag("fail-on-drift", True),
        drift_issue=r.flag("drift-issue", False),
        adopt=r.flag("adopt", False),
        expect_plan=r.text("expect-plan"),
        promote_type=r.text("promote-type"),
        source=r.text("from"),
        destination=r.text("to"),
        ids=r.text("ids"),
        tags=r.text("tags"),
        additional_tags=r.text("additional-tags"),
        active=r.flag("active", False),
        mappings=r.items("mappings"),
        timeout=r.number("timeout", float),
    )


def cli_argv(inputs: Inputs, report: str) -> list[str]:
    """The CLI command line that does what ``inputs`` ask, writing JSON to ``report``."""
    i = inputs
    target = [*(["--url", i.url] if i.url else []), *(["--token", i.token] if i.token else []),
              *(["--env-file", i.env_file] if i.env_file else [])]
    scope = [*(["--include", i.include] if i.include else []),
             *[a for d in i.datastores for a in ("--datastore", d)]]
    env = ["--env", i.environment] if i.environment else []
    # an option not given is not passed: the command reads it from qualytics-ci.yaml
    options = [*_switch("prune", i.prune), *_switch("allow-mass-archive", i.allow_mass_archive)]
    command = i.command
    if command == "validate":
        return ["validate", "--input", i.input, *env,
                *(["--env-file", i.env_file] if i.env_file else [])]
    if command == "export":
        return ["export", "--output", i.input, *target, *scope]
    if command == "plan":
        return ["plan", "--input", i.input, *target, *scope, *env, *options, "--json", report]
    if command == "import":
        return ["import", "--input", i.input, *target, *scope, *env, *options,
                *(["--concurrency", str(i.concurrency)] if i.concurrency else []),
                *(["--expect-plan", i.expect_plan] if i.expect_plan else []),
                "--report", report]
    if command == "drift":
        return ["drift", "--input", i.input, *target, *scope, *env,
                *(["--adopt"] if i.adopt else []), "--json", report]
    return _promote_argv(i, target, report)


def _switch(name: str, value: bool | None) -> list[str]:
    """``--NAME`` / ``--no-NAME`` for an input given, nothing for one not given."""
    if value is None:
        return []
    return [f"--{name}" if value else f"--no-{name}"]


def declares_promotions(i: Inputs) -> bool:
    """``promote`` without promote-type, from and to: run (or, with dry-run, preview) the
    promotions the folder's ``promotions.yaml`` declares."""
    return i.command == "promote" and not (i.promote_type or i.source or i.destination)


def _declared_argv(i: Inputs, target: list[str], report: str) -> list[str]:
    extra = [name for name, value in (("ids", i.ids), ("tags", i.tags),
                                      ("additional-tags", i.additional_tags),
                                      ("active", i.active), ("mappings", i.mappings)) if value]
    if extra:
        raise QualyticsCIError(
            f"input(s) {', '.join(extra)} apply to one promote (with promote-type, from and "
            "to); the promotions in promotions.yaml state their own",
            hint="drop them, or give promote-type, from and to")
    return ["promote", "--input", i.input, *target, *(["--dry-run"] if i.dry_run else []),
            *(["--timeout", str(i.timeout)] if i.timeout else []), "--report", report]


def _promote_argv(i: Inputs, target: list[str], report: str) -> list[str]:
    if declares_promotions(i):
        return _declared_argv(i, target, report)
    missing = [name for name, value in (("promote-type", i.promote_type), ("from", i.source),
                                        ("to", i.destination)) if not value]
    if missing:
        raise QualyticsCIError(f"direction `promote` needs the input(s) {', '.join(missing)}",
                               hint="for example: promote-type: checks, from: warehouse-dev, "
                                    "to: warehouse-prod (or none of the three, to run the "
                                    "promotions in promotions.yaml)")
    return ["promote", "--type", i.promote_type, "--from", i.source, "--to", i.destination,
            *target,
            *(["--ids", i.ids] if i.ids else []), *(["--tags", i.tags] if i.tags else []),
            *(["--additional-tags", i.additional_tags] if i.additional_tags else []),
            *(["--active"] if i.active else []),
            *[a for m in i.mappings for a in ("--mapping", m)],
            *(["--dry-run"] if i.dry_run else []),
            *(["--timeout", str(i.timeout)] if i.timeout else []),
            "--report", report]
