"""The engine's entry points, shared by the CLI and the GitHub Action.

``run_plan``, ``run_import`` and ``run_drift`` take a client and a folder and return
result objects; they print nothing (progress aside, on stderr) and raise
:class:`QualyticsCIError` for anything the user can fix. What only one command does
(applying, adopting, drift) is imported by that command, so that each loads no more than
it runs. An export reads no folder: its entry point is
:func:`qualytics_ci.engine.export.export_with`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from qualytics_ci.affinity import on_one_core
from qualytics_ci.api.client import Client
from qualytics_ci.engine.binding import folder_part, require_expected, target_url
from qualytics_ci.engine.guards import require_variables, selection_issues
from qualytics_ci.engine.plan import (
    Planned,
    Scope,
    adopt_container_names,
    build_plan,
    require_archive_allowed,
)
from qualytics_ci.engine.prefetch import start_early_read
from qualytics_ci.engine.state import TargetState
from qualytics_ci.engine.target import read_target
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import variables
from qualytics_ci.folder.files import Files, has_root_file, snapshot
from qualytics_ci.folder.layout import PROMOTIONS_FILE
from qualytics_ci.folder.model import Body, Config, Key, parse_kinds
from qualytics_ci.folder.schema import Issue, raise_if_errors
from qualytics_ci.folder.settings import include_text, load_options
from qualytics_ci.folder.validate import validate_folder
from qualytics_ci.progress import SILENT, Progress
from qualytics_ci.results.config import DriftReport, ImportReport, Note, Plan
from qualytics_ci.results.digest import PlanOptions

if TYPE_CHECKING:
    from qualytics_ci.folder.promotions import Promotion
    from qualytics_ci.results.adopt import Adoption


@dataclass(frozen=True)
class Prepared:
    """A folder read and validated, the target read, and the plan between them."""

    config: Config
    target: TargetState
    scope: Scope
    planned: Planned
    warnings: tuple[Issue, ...]
    options: PlanOptions = field(default_factory=PlanOptions)
    resolved: Mapping[Key, Body] = field(default_factory=dict)
    unset: frozenset[str] = frozenset()  # variables not set: their values are not compared
    promotions: tuple[Promotion, ...] = ()  # declared in promotions.yaml, in order


def load_folder(folder: str | Path, *, environment: str | None = None,
                env: Mapping[str, str] | None = None, progress: Progress = SILENT,
                files: Files | None = None) -> tuple[Config, list[Issue]]:
    """Read and validate ``folder`` (with ``overrides/<environment>/``; ``files``: its files
    as read already); raise on errors, return the config and the warnings (an unset
    variable is one: code ``unset_variable``)."""
    config, issues = validate_folder(folder, os.environ if env is None else env, environment,
                                     progress=progress, files=files)
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


@on_one_core
def prepare(client: Client, folder: str | Path, *, include: str | None = None,
            datastores: Sequence[str] = (), environment: str | None = None,
            prune: bool | None = None, allow_mass_archive: bool | None = None,
            env: Mapping[str, str] | None = None, progress: Progress = SILENT,
            for_import: bool = False) -> Prepared:
    """Everything a plan, an import or a drift check needs, read once.

    The options come from the folder's ``qualytics-ci.yaml``, each one given here (a
    flag; None or empty: not given) overriding the file's. ``for_import``: unset
    variables of the connections to send are an error raised before anything is read
    from the target; otherwise they are warnings."""
    env = os.environ if env is None else env
    read = snapshot(folder, progress)  # every file read once, before the target's read
    options = load_options(folder, read, prune=prune, include=include, datastores=datastores,
                           environment=environment, allow_mass_archive=allow_mass_archive)
    include, datastores = include_text(options), options.datastores
    kinds = parse_kinds(include)
    early = start_early_read(client, folder, kinds=kinds, datastores=datastores,
                             environment=options.environment, env=env, for_import=for_import,
                             files=read)
    config, warnings = load_folder(folder, environment=options.environment, env=env,
                                   progress=progress, files=read)
    if for_import:
        require_variables(config, kinds, datastores, env)
    folder_ds = config.datastore_names()
    wanted = list(datastores) or folder_ds
    target = early.result(wanted, folder_ds, progress) if early is not None else None
    if target is None:
        target = read_target(client, kinds=kinds, datastores=wanted,
                             archived="check" in kinds, new=folder_ds, progress=progress)
    scope = _scope(config, include, datastores, target)
    warnings.extend(selection_issues(config, scope, folder, datastores, include))
    # The declared promotions are part of the folder: merge runs what was reviewed.
    declared, promotions = _declared_promotions(folder, read)
    folder_digest = folder_part(config, scope, promotions)
    config = adopt_container_names(config, target)
    in_scope = Config.of(c for c in config.connections if scope.covers(c))
    resolved, unset = variables.resolve(in_scope, env)
    files = {c.file for c in in_scope.connections}
    warnings = [w for w in warnings if w.code != "unset_variable" or w.file in files]
    if for_import and unset:  # the offline check covers every connection in scope
        raise_if_errors(variables.required(in_scope.connections, env))
    planned = build_plan(config, target, scope, resolved=resolved, prune=options.prune,
                         unset=unset)
    shown = (*(Note(w.message, w.file, w.line) for w in warnings),
             *(Note(w) for w in planned.warnings))
    plan = replace(planned.plan, options=options, target=target_url(client.base_url),
                   folder_digest=folder_digest, promotions_digest=promotions,
                   warnings=tuple(shown))
    return Prepared(config, target, scope, replace(planned, plan=plan), tuple(warnings),
                    options, resolved, unset, declared)


def _declared_promotions(folder: str | Path, read: Files | None
                         ) -> tuple[tuple[Promotion, ...], str]:
    """The promotions ``promotions.yaml`` declares and their digest (valid: load_folder
    raised on any error); a folder without the file loads none of their modules."""
    if not has_root_file(folder, PROMOTIONS_FILE, read):
        return (), ""
    from qualytics_ci.folder.promotions import promotions_digest, read_promotions

    declared, _ = read_promotions(folder, read)
    return declared, promotions_digest(declared)


def run_plan(client: Client, folder: str | Path, *, include: str | None = None,
             datastores: Sequence[str] = (), environment: str | None = None,
             prune: bool | None = None, progress: Progress = SILENT) -> Plan:
    """What an import of ``folder`` would do to the target."""
    return prepare(client, folder, include=include, datastores=datastores,
                   environment=environment, prune=prune, progress=progress).planned.plan


def run_import(client: Client, folder: str | Path, *, include: str | None = None,
               datastores: Sequence[str] = (), environment: str | None = None,
               prune: bool | None = None, allow_mass_archive: bool | None = None,
               expect_plan: str | None = None, concurrency: int | None = None,
               progress: Progress = SILENT, prepared: Prepared | None = None) -> ImportReport:
    """Plan, check the plan is the expected one and allowed, then apply it."""
    p = prepared or prepare(client, folder, include=include, datastores=datastores,
                            environment=environment, prune=prune,
                            allow_mass_archive=allow_mass_archive, progress=progress,
                            for_import=True)
    if p.unset:
        raise QualyticsCIError(f"variables {', '.join(sorted(p.unset))} not set; "
                               "nothing was applied", code="unset_variable")
    plan = p.planned.plan
    if expect_plan is not None:
        require_expected(plan, expect_plan)
    require_archive_allowed(plan, p.target, p.scope.datastores, p.options.allow_mass_archive)
    from qualytics_ci.engine import apply

    return apply.run_import(client, p.planned, p.target, concurrency=concurrency,
                            progress=progress)


def run_drift(client: Client, folder: str | Path, *, include: str | None = None,
              datastores: Sequence[str] = (), environment: str | None = None,
              progress: Progress = SILENT) -> DriftReport:
    """How the target differs from ``folder``."""
    p = prepare(client, folder, include=include, datastores=datastores,
                environment=environment, progress=progress)
    from qualytics_ci.engine.drift import build_drift

    return build_drift(p.config, p.target, p.scope, resolved=p.resolved, unset=p.unset)


def run_drift_adopt(client: Client, folder: str | Path, *, include: str | None = None,
                    datastores: Sequence[str] = (), environment: str | None = None,
                    progress: Progress = SILENT) -> tuple[DriftReport, Adoption]:
    """The drift, and the folder's files rewritten to say what the target has (with
    ``environment``: in ``overrides/<environment>/``, the base untouched)."""
    p = prepare(client, folder, include=include, datastores=datastores,
                environment=environment, progress=progress)
    from qualytics_ci.engine.adopt import adopt
    from qualytics_ci.engine.drift import build_drift

    drift = build_drift(p.config, p.target, p.scope, resolved=p.resolved, unset=p.unset)
    adoption = adopt(folder, drift, p.config, p.target, resolved=p.resolved,
                     environment=p.options.environment, progress=progress)
    return drift, adoption
