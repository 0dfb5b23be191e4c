"""Checks around a plan that stop a run before it misleads: a selection that leaves
nothing of the folder, and an import that would send a connection with an unset
variable (refused before anything is read from the target)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from qualytics_ci.engine.plan import Scope
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import variables
from qualytics_ci.folder.model import Config, Connection, Entity
from qualytics_ci.folder.schema import Issue, raise_if_errors
from qualytics_ci.results.kinds import Kind


def import_connections(config: Config, kinds: frozenset[Kind],
                       datastores: Sequence[str]) -> list[Connection]:
    """The connections an import may send, known offline: those of the selected datastores
    (every one when a selection is not a datastore name of the folder, e.g. an id)."""
    if "connection" not in kinds:
        return []
    names = set(config.datastore_names())
    if not datastores or any(d.isdigit() and d not in names for d in datastores):
        return list(config.connections)
    used = {d.connection_name for d in config.datastores if d.name in datastores}
    return [c for c in config.connections if c.name in used]


def require_variables(config: Config, kinds: frozenset[Kind], datastores: Sequence[str],
                      env: Mapping[str, str]) -> None:
    """Refuse an import whose connections use an unset variable, before any request."""
    try:
        raise_if_errors(variables.required(import_connections(config, kinds, datastores), env))
    except QualyticsCIError as exc:
        exc.hint = ("set them in the job's environment (from secrets) or in .env; nothing was "
                    "read or sent (plan, drift and validate do not need them)")
        raise


def _in_datastores(entity: Entity, scope: Scope) -> bool:
    if entity.kind == "connection":
        return scope.connections is None or entity.name in scope.connections
    return (entity.name if entity.kind == "datastore" else entity.datastore) in scope.datastores


def selection_issues(config: Config, scope: Scope, folder: str | Path,
                     datastores: Sequence[str], include: str | None) -> list[Issue]:
    """A selection that leaves nothing of the folder: an error when the datastores select
    none of its entities, a warning when only the kinds do."""
    shown = Path(folder).as_posix()
    entities = list(config.entities())
    chosen = [e for e in entities if _in_datastores(e, scope)]
    if datastores and not chosen:
        have = ", ".join(sorted(config.datastore_names())) or "none"
        raise QualyticsCIError(
            f"the selected datastores ({', '.join(datastores)}) hold nothing of {shown}: "
            f"its datastores are {have}",
            hint="check --datastore (or datastores: in qualytics-ci.yaml) against the "
                 "folder's datastores/*/_datastore.yaml names")
    if chosen and not any(scope.covers(e) for e in chosen):
        return [Issue("warning", f"the selected kinds ({include}) match none of the "
                                 f"{len(chosen)} entities of {shown} in the selected "
                                 "datastores; the plan is empty")]
    return []
