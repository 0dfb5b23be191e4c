"""The engine's entry points, shared by the CLI and the GitHub Action.

``run_export``, ``run_plan``, ``run_import`` and ``run_drift`` take a client
and a folder and return result objects; they print nothing (progress aside,
on stderr) and raise :class:`QualyticsCIError` for anything the user can fix.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from qualytics_ci.api.client import Client
from qualytics_ci.engine import apply, export
from qualytics_ci.engine.drift import build_drift
from qualytics_ci.engine.plan import (
    Planned,
    Scope,
    adopt_container_names,
    build_plan,
    require_archive_allowed,
)
from qualytics_ci.engine.state import TargetState
from qualytics_ci.engine.target import read_target
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import variables
from qualytics_ci.folder.model import Config, parse_kinds
from qualytics_ci.folder.promotions import Promotion, promotions_digest, read_promotions
from qualytics_ci.folder.schema import Issue, raise_if_errors
from qualytics_ci.folder.validate import validate_folder
from qualytics_ci.folder.writer import WriteResult
from qualytics_ci.progress import SILENT, Progress
from qualytics_ci.results.config import DriftReport, ImportReport, Plan


@dataclass(frozen=True)
class Prepared:
    """A folder read and validated, the target read, and the plan between them."""

    config: Config
    target: TargetState
    scope: Scope
    planned: Planned
    warnings: tuple[Issue, ...]
    promotions: tuple[Promotion, ...] = ()  # declared in promotions.yaml, in order


def load_folder(folder: str | Path, *, environment: str | None = None,
                env: Mapping[str, str] | None = None, check_variables: bool = True,
                progress: Progress = SILENT) -> tuple[Config, list[Issue]]:
    """Read and validate ``folder`` (with ``overrides/<environment>/``); raise on errors,
    return the config and the warnings."""
    config, issues = validate_folder(folder, os.environ if env is None else env, environment,
                                     progress=progress)
    if not check_variables:
        issues = [i for i in issues if i.code != "unset_variable"]
    raise_if_errors(issues)
    return config, [i for i in issues if i.level == "warning"]


def _scope(config: Config, kinds_text: str | None, datastores: Sequence[str],
           target: TargetState) -> Scope:
    kinds = parse_kinds(kinds_text)
    selected = frozenset(target.selected)
    if not datastores:
        return Scope(kinds, selected | frozenset(config.datastore_names()))
    chosen = selected | (frozenset(datastores) & frozenset(config.datastore_names()))
    used = {d.connection_name for d in config.datastores if d.name in chosen}
    return Scope(kinds, chosen, frozenset(n for n in used if n))


def prepare(client: Client, folder: str | Path, *, include: str | None = None,
            datastores: Sequence[str] = (), environment: str | None = None,
            prune: bool = False, env: Mapping[str, str] | None = None,
            progress: Progress = SILENT) -> Prepared:
    """Everything a plan, an import or a drift check needs, read once."""
    env = os.environ if env is None else env
    config, warnings = load_folder(folder, environment=environment, env=env,
                                   check_variables=False, progress=progress)
    kinds = parse_kinds(include)
    folder_ds = config.datastore_names()
    target = read_target(client, kinds=kinds, datastores=list(datastores) or folder_ds,
                         archived="check" in kinds, new=folder_ds, progress=progress)
    scope = _scope(config, include, datastores, target)
    config = adopt_container_names(config, target)
    in_scope = Config.of(c for c in config.connections if scope.covers(c))
    resolved, problems = variables.resolve(in_scope, env)
    raise_if_errors(problems)
    planned = build_plan(config, target, scope, resolved=resolved, prune=prune)
    declared, _ = read_promotions(folder)  # valid: load_folder raised on any error
    # The one place the declared promotions enter the digest: merge runs what was reviewed.
    planned = replace(planned, plan=replace(planned.plan,
                                            promotions_digest=promotions_digest(declared)))
    return Prepared(config, target, scope, planned, tuple(warnings), declared)


def run_plan(client: Client, folder: str | Path, *, include: str | None = None,
             datastores: Sequence[str] = (), environment: str | None = None,
             prune: bool = False, progress: Progress = SILENT) -> Plan:
    """What an import of ``folder`` would do to the target."""
    return prepare(client, folder, include=include, datastores=datastores,
                   environment=environment, prune=prune, progress=progress).planned.plan


def run_import(client: Client, folder: str | Path, *, include: str | None = None,
               datastores: Sequence[str] = (), environment: str | None = None,
               prune: bool = False, allow_mass_archive: bool = False,
               expect_plan: str | None = None, concurrency: int = 8,
               progress: Progress = SILENT, prepared: Prepared | None = None) -> ImportReport:
    """Plan, check the plan is the expected one and allowed, then apply it."""
    p = prepared or prepare(client, folder, include=include, datastores=datastores,
                            environment=environment, prune=prune, progress=progress)
    plan = p.planned.plan
    if expect_plan is not None and plan.digest != expect_plan:
        raise QualyticsCIError(
            f"the plan changed since it was reviewed (digest {plan.digest}, "
            f"expected {expect_plan}); nothing was applied",
            hint="re-run plan, review it, and pass its digest")
    require_archive_allowed(plan, p.target, p.scope.datastores, allow_mass_archive)
    return apply.run_import(client, p.planned, p.target, concurrency=concurrency,
                            progress=progress)


def run_drift(client: Client, folder: str | Path, *, include: str | None = None,
              datastores: Sequence[str] = (), environment: str | None = None,
              progress: Progress = SILENT) -> DriftReport:
    """How the target differs from ``folder``."""
    p = prepare(client, folder, include=include, datastores=datastores,
                environment=environment, progress=progress)
    in_scope = Config.of(c for c in p.config.connections if p.scope.covers(c))
    resolved, _ = variables.resolve(in_scope, os.environ)
    return build_drift(p.config, p.target, p.scope, resolved=resolved)


def run_export(client: Client, output: str | Path, *, include: str | None = None,
               datastores: Sequence[str] = (), progress: Progress = SILENT) -> WriteResult:
    """Write the target's configuration to ``output``."""
    return export.run_export(client, output, kinds=parse_kinds(include),
                             datastores=list(datastores) or None, progress=progress)
