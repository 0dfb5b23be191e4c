"""Desired config + target state -> Plan: create / update / unchanged / archive / duplicate.

Pure: no I/O. Each :class:`Step` carries what ``apply`` needs (the body to
send, the current object and its id) next to the user-facing :class:`Change`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from qualytics_ci.engine.diff import comparable, diff, field_change
from qualytics_ci.engine.normalize import SECRET_KEYS
from qualytics_ci.engine.state import TargetState
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import variables
from qualytics_ci.folder.model import UID_KEY, Body, Config, Datastore, Entity, Key, slug
from qualytics_ci.folder.naming import hashed_stem
from qualytics_ci.folder.schema import Issue, raise_if_errors
from qualytics_ci.folder.writer import layout
from qualytics_ci.results.config import Change, FieldChange, Kind, Plan

MASS_ARCHIVE_SHARE = 0.10
MASS_ARCHIVE_COUNT = 50


@dataclass(frozen=True)
class Scope:
    """Which kinds and which datastores a command works on."""

    kinds: frozenset[Kind]
    datastores: frozenset[str]
    connections: frozenset[str] | None = None  # None: every connection in the folder

    def covers(self, entity: Entity) -> bool:
        if entity.kind not in self.kinds:
            return False
        if entity.kind == "connection":
            return self.connections is None or entity.name in self.connections
        if entity.kind == "datastore":
            return entity.name in self.datastores
        return entity.datastore in self.datastores


@dataclass(frozen=True)
class Step:
    """One entity's planned action with everything needed to carry it out."""

    change: Change
    desired: Entity | None = None
    body: Body | None = None  # desired body, variables resolved
    current: Entity | None = None
    current_id: int | None = None
    restore: bool = False


@dataclass(frozen=True)
class Planned:
    """A plan and its executable steps (same order)."""

    plan: Plan
    steps: tuple[Step, ...]
    warnings: tuple[str, ...] = field(default=())


def change_for(entity: Entity, action: str, fields: tuple[FieldChange, ...] = ()) -> Change:
    """The user-facing change record of ``entity``."""
    kind = entity.kind
    return Change(
        kind=kind,
        name=entity.ident,
        action=action,  # type: ignore[arg-type]
        datastore=(entity.name if kind == "datastore" else entity.datastore) or None,
        container=entity.container or None if kind in ("computed_field", "check") else None,
        uid=entity.ident if kind == "check" else None,
        file=entity.file,
        fields=fields,
    )


def gone_fields(entity: Entity, *, side: str = "before") -> tuple[FieldChange, ...]:
    """An entity present on one side only, as its fields: ``before`` holds the values
    (an archived check: what the target has) or ``after`` does (drift: only on the
    target). The reviewer sees the rule and fields of what goes."""
    shown = comparable(entity.kind, entity.body)
    return tuple(FieldChange(k, v, None) if side == "before" else FieldChange(k, None, v)
                 for k, v in shown.items() if v not in (None, [], {}, ""))


def exported_paths(config: Config) -> dict[Key, str]:
    """Where export writes each entity of ``config`` (the file a folder had for it)."""
    return {entity.key: path for path, entity in layout(config).items()}


def _created_fields(entity: Entity) -> tuple[FieldChange, ...]:
    shown = comparable(entity.kind, with_uid(entity, entity.body))
    if entity.kind == "connection":  # placeholders only: the values are never in a plan
        shown.update((k, v) for k, v in entity.body.items() if k in SECRET_KEYS)
    return tuple(field_change(k, None, v, created=True) for k, v in shown.items()
                 if v not in (None, [], {}, ""))


def with_uid(entity: Entity, body: Body) -> Body:
    """A check body carrying its uid in the metadata (derived uids are stored on import)."""
    if entity.kind != "check":
        return body
    meta = body.get("additional_metadata")
    meta = dict(meta) if isinstance(meta, dict) else {}
    if meta.get(UID_KEY) != entity.ident:
        meta = {UID_KEY: entity.ident, **{k: v for k, v in meta.items() if k != UID_KEY}}
    return {**body, "additional_metadata": meta}


def desired_body(entity: Entity, resolved: Mapping[Key, Body]) -> Body:
    """What the folder asks for ``entity``, as compared and sent: variables resolved, a
    check's uid in its metadata whether the file writes it or it is derived."""
    return with_uid(entity, dict(resolved.get(entity.key, entity.body)))


def _step(entity: Entity, body: Body, target: TargetState) -> Step:
    current = target.config.get(entity.key)
    if current is None and entity.kind == "check" and entity.key in target.archived:
        archived, archived_id = target.archived[entity.key]
        fields = diff("check", body, archived.body, entity.body)
        return Step(change_for(entity, "update", fields), entity, body, archived, archived_id,
                    restore=True)
    if current is None:
        return Step(change_for(entity, "create", _created_fields(entity)), entity, body)
    fields = diff(entity.kind, body, current.body, entity.body)
    action = "update" if fields else "unchanged"
    return Step(change_for(entity, action, fields), entity, body, current,
                target.ids.get(entity.key))


def _known(step: Step, entity: Entity, unset: frozenset[str]) -> Step:
    """A connection update without the values written with unset variables (not known
    here: a plan without the secrets does not compare them)."""
    fields = variables.known_fields(step.change.fields, entity.body, unset)
    if fields == step.change.fields:
        return step
    change = replace(step.change, action="update" if fields else "unchanged", fields=fields)
    return replace(step, change=change)


def build_plan(desired: Config, target: TargetState, scope: Scope, *,
               resolved: Mapping[Key, Body] | None = None, prune: bool = False,
               unset: frozenset[str] = frozenset()) -> Planned:
    """Compare the folder with the target, entity by entity and field by field.

    Values written with a variable in ``unset`` are not compared."""
    raise_if_errors(reference_issues(desired, target, scope))
    resolved = resolved or {}
    steps: list[Step] = []
    wanted: set[Key] = set()
    for entity in desired.entities():
        if not scope.covers(entity):
            continue
        wanted.add(entity.key)
        step = _step(entity, desired_body(entity, resolved), target)
        if unset and entity.kind == "connection" and step.change.action == "update":
            step = _known(step, entity, unset)
        steps.append(step)
    copies = _duplicates(target, scope, wanted) if "check" in scope.kinds else []
    steps.extend(copies)
    if prune and "check" in scope.kinds:
        copied = {s.current.key for s in copies if s.current is not None}
        paths: dict[Key, str] | None = None
        for check in target.config.checks:
            if check.datastore in scope.datastores and check.key not in wanted | copied:
                paths = exported_paths(target.config) if paths is None else paths
                change = replace(change_for(check, "archive", gone_fields(check)),
                                 file=paths.get(check.key))
                steps.append(Step(change, current=check, current_id=target.ids.get(check.key)))
    plan = Plan(tuple(s.change for s in steps))
    return Planned(plan, tuple(steps), tuple(_warnings(plan, target, scope)))


def _duplicates(target: TargetState, scope: Scope, wanted: set[Key]) -> list[Step]:
    """Live checks storing the uid of a lower-id live check the folder has (two imports
    at once create each new check twice): the lowest id is the folder's check, import
    archives the others, with or without --prune."""
    out = []
    for check in target.config.checks:
        kept = target.duplicates.get(check.key)
        if (kept is None or kept not in wanted or check.key in wanted
                or check.datastore not in scope.datastores):
            continue
        copy_id = target.ids.get(check.key)
        change = replace(change_for(check, "duplicate"), name=kept[3], uid=kept[3],
                         target_id=copy_id, duplicate_of=target.ids.get(kept))
        out.append(Step(change, current=check, current_id=copy_id))
    return sorted(out, key=lambda s: (s.change.datastore or "", s.current_id or 0))


def _exported_dirs(target: TargetState) -> dict[tuple[str, str], str]:
    """``(datastore, containers/<dir>) -> container`` as export names the directories of
    the target's computed fields (its own rule, replayed: collisions included)."""
    tables: dict[str, list[str]] = {}
    for ds, name in target.container_ids:
        tables.setdefault(ds, []).append(name)
    config = Config.of([*target.config.datastores, *target.config.containers,
                        *target.config.computed_fields])
    out: dict[tuple[str, str], str] = {}
    for rel, entity in layout(config, tables).items():
        parts = rel.split("/")
        if entity.kind == "computed_field" and len(parts) == 6:
            out[(entity.datastore, parts[3])] = entity.container
    return out


def adopt_container_names(desired: Config, target: TargetState) -> Config:
    """Computed fields of catalog tables name their container by directory only (the
    platform CLI's layout): the directory is the table's name, its hashed name
    (``orders_3f0c9a1e``, see folder/naming.py), or its slug when one table alone has it
    (``orders_2024`` for the target's ``Orders-2024``)."""
    computed = {(c.datastore, c.name) for c in desired.containers}
    by_dir: dict[tuple[str, str], list[str]] = {}
    by_slug: dict[tuple[str, str], list[str]] = {}
    for ds, name in target.container_ids:
        by_dir.setdefault((ds, hashed_stem(name)), []).append(name)
        by_slug.setdefault((ds, slug(name)), []).append(name)
    exported: dict[tuple[str, str], str] | None = None
    changed = False
    fields = []
    for f in desired.computed_fields:
        key = (f.datastore, f.container)
        if key in computed or key in target.container_ids:
            fields.append(f)
            continue
        if exported is None:
            exported = _exported_dirs(target)
        found = ([exported[key]] if key in exported else
                 by_dir.get(key) or by_slug.get(key, []))
        if len(found) == 1:
            f = replace(f, container=found[0])
            changed = True
        fields.append(f)
    if not changed:
        return desired
    return Config.of([*desired.connections, *desired.datastores, *desired.containers,
                      *fields, *desired.checks])


def _warnings(plan: Plan, target: TargetState, scope: Scope) -> list[str]:
    out = []
    for change in plan.changes:
        if change.kind == "check" and change.action == "update":
            moved = {f.path for f in change.fields} & {"rule_type", "container"}
            if moved:
                out.append(f"check {change.uid}: {', '.join(sorted(moved))} cannot change in "
                           "place; import archives the check and creates a new one")
    problem = mass_archive_problem(plan, target, scope.datastores)
    if problem:
        out.append(problem + "; import needs --allow-mass-archive")
    return out


def mass_archive_problem(plan: Plan, target: TargetState, datastores: frozenset[str]) -> str | None:
    """Why archiving this many checks needs ``--allow-mass-archive`` (None if it doesn't)."""
    archived = plan.count("archive")
    total = sum(target.check_counts.get(ds, 0) for ds in datastores)
    if archived > MASS_ARCHIVE_COUNT or (total and archived > MASS_ARCHIVE_SHARE * total):
        return (f"--prune would archive {archived} of {total} checks on the target "
                f"(more than {int(MASS_ARCHIVE_SHARE * 100)}% or more than {MASS_ARCHIVE_COUNT})")
    return None


def require_archive_allowed(plan: Plan, target: TargetState, datastores: frozenset[str],
                            allow: bool) -> None:
    """Refuse a mass archive unless explicitly allowed (before any write)."""
    problem = mass_archive_problem(plan, target, datastores)
    if problem and not allow:
        raise QualyticsCIError(problem, hint="check the folder and --datastore selection; "
                                             "pass --allow-mass-archive if this is intended")


def synced(target: TargetState, datastore: str) -> bool:
    """Whether the datastore has any container on the target (none: never synced)."""
    return any(ds == datastore for ds, _ in target.container_ids)


class _Known:
    """What references can point at: the folder's entities plus the target's, looked
    up once per plan rather than once per entity."""

    def __init__(self, desired: Config, target: TargetState) -> None:
        self.target = target
        self.connections = {c.name for c in desired.connections} | set(target.connection_ids)
        self.datastores = {d.name for d in desired.datastores} | set(target.datastore_ids)
        self.containers: dict[str, set[str]] = {}
        for c in desired.containers:
            self.containers.setdefault(c.datastore, set()).add(c.name)
        self.synced: set[str] = set()
        for ds, name in target.container_ids:
            self.containers.setdefault(ds, set()).add(name)
            self.synced.add(ds)

    def checkable(self, datastore: str) -> bool:
        """Whether the datastore's tables are known (read from the target and synced)."""
        return datastore in self.target.read_datastores and datastore in self.synced


def reference_issues(desired: Config, target: TargetState, scope: Scope) -> list[Issue]:
    """References neither the folder nor the target can satisfy."""
    issues: list[Issue] = []
    known = _Known(desired, target)
    for entity in desired.entities():
        if not scope.covers(entity):
            continue
        if isinstance(entity, Datastore):
            name = entity.connection_name
            if name is not None and name not in known.connections:
                issues.append(Issue("error", f"connection {name!r} is neither in the folder "
                                             "nor on the target", entity.file))
            continue
        if entity.kind in ("connection", "container") or not entity.datastore:
            continue
        if entity.datastore not in known.datastores:
            issues.append(Issue("error", f"datastore {entity.datastore!r} is neither in the "
                                         "folder nor on the target", entity.file))
            continue
        issues.extend(_container_refs(entity, known))
    return issues


def _container_refs(entity: Entity, known: _Known) -> list[Issue]:
    out: list[Issue] = []
    refs: list[tuple[str, str, str]] = [(entity.datastore, entity.container, "container")]
    props: Any = entity.body.get("properties") or {}
    if entity.kind == "check" and isinstance(props.get("ref_container_name"), str):
        ref_ds = props.get("ref_datastore_name") or entity.datastore
        refs.append((str(ref_ds), props["ref_container_name"], "ref_container_name"))
    for datastore, container, what in refs:
        if datastore not in known.datastores:
            out.append(Issue("error", f"ref_datastore_name {datastore!r} is neither in the "
                                      "folder nor on the target", entity.file,
                             entity.line("properties.ref_datastore_name")))
            continue
        if not known.checkable(datastore):
            continue  # a new or never-synced datastore: its tables appear at sync
        if container not in known.containers.get(datastore, ()):
            issues = (f"{what} {container!r} is not in datastore {datastore!r} "
                      "(neither a computed container in the folder nor on the target)")
            out.append(Issue("error", issues, entity.file, entity.line(what)
                             if what == "container" else entity.line("properties")))
    return out
