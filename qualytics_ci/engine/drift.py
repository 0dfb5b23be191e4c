"""Drift: how the target differs from the folder, seen from the target.

The plan in reverse: entities the target has that the folder does not say,
fields whose values differ (folder value, target value), and entities of the
folder missing on the target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from qualytics_ci.engine.diff import diff
from qualytics_ci.engine.plan import Scope, change_for, desired_body, gone_fields
from qualytics_ci.engine.state import TargetState
from qualytics_ci.folder import variables
from qualytics_ci.folder.model import Body, Config, Entity, Key
from qualytics_ci.results.config import DriftItem, DriftReport


def _target_in_scope(entity: Entity, target: TargetState, scope: Scope,
                     folder_connections: set[str]) -> bool:
    if entity.kind not in scope.kinds:
        return False
    if entity.kind == "connection":
        used = {d.connection_name for d in target.config.datastores
                if d.name in scope.datastores}
        return entity.name in used or entity.name in folder_connections
    if entity.kind == "datastore":
        return entity.name in scope.datastores
    return entity.datastore in scope.datastores


def build_drift(desired: Config, target: TargetState, scope: Scope, *,
                resolved: Mapping[Key, Body] | None = None,
                unset: frozenset[str] = frozenset()) -> DriftReport:
    """Every entity in scope, classified as in sync, changed, or present on one side only
    (values written with a variable in ``unset`` are not compared)."""
    resolved = resolved or {}
    items: list[DriftItem] = []
    wanted: set[Key] = set()
    for entity in desired.entities():
        if not scope.covers(entity):
            continue
        wanted.add(entity.key)
        current = target.config.get(entity.key)
        if current is None:
            items.append(DriftItem(change_for(entity, "create", gone_fields(entity)),
                                   "only_in_folder"))
            continue
        changes = diff(entity.kind, desired_body(entity, resolved), current.body, entity.body)
        if unset and entity.kind == "connection":
            changes = variables.known_fields(changes, entity.body, unset)
        # Reverse framing: before = what the folder says, after = what the target has
        # (a sensitive field reads "(sensitive)" on both sides either way).
        flipped = tuple(replace(f, before=f.after, after=f.before) for f in changes)
        state = "changed" if changes else "in_sync"
        items.append(DriftItem(change_for(entity, "update" if changes else "unchanged",
                                          flipped), state))  # type: ignore[arg-type]
    names = {c.name for c in desired.connections}
    for entity in target.config.entities():
        if entity.key not in wanted and _target_in_scope(entity, target, scope, names):
            items.append(DriftItem(change_for(entity, "archive",
                                              gone_fields(entity, side="after")),
                                   "only_on_target"))
    return DriftReport(tuple(items))
