"""``export``: target -> folder, deterministic, touching only files whose content changed.

Within the exported scope, files of entities that no longer exist are removed:
connection files only when every datastore is exported, and inside each
exported datastore only the kinds that were exported. Nothing else is touched
(other datastores, ``overrides/``, files that are not part of the layout).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from qualytics_ci.engine.normalize import SECRET_KEYS, placeholder
from qualytics_ci.engine.state import TargetState
from qualytics_ci.engine.target import Reader, read_target
from qualytics_ci.folder import variables
from qualytics_ci.folder.model import Body, Config, Entity, slug
from qualytics_ci.folder.writer import WriteResult, layout, render, write_folder
from qualytics_ci.progress import SILENT, Progress
from qualytics_ci.results.config import Kind


def exported_config(state: TargetState, kinds: frozenset[Kind],
                    datastores: Iterable[str]) -> Config:
    """The entities an export writes: ``kinds`` within ``datastores``."""
    selected = set(datastores)
    used = {d.connection_name for d in state.config.datastores if d.name in selected}

    def keep(e: Entity) -> bool:
        if e.kind == "datastore":
            # Always written: the file names the datastore its directory stands for.
            return e.name in selected
        if e.kind not in kinds:
            return False
        if e.kind == "connection":
            return e.name in used
        return e.datastore in selected

    return Config.of(e for e in state.config.entities() if keep(e))


def folder_files(config: Config, tables: Mapping[str, Collection[str]] | None = None
                 ) -> dict[str, str]:
    """Relative path -> text for every entity (``tables``: every container name of each
    datastore, see :func:`~qualytics_ci.folder.writer.layout`)."""
    out = {}
    for rel, entity in layout(config, tables).items():
        if entity.kind == "connection":
            entity = replace(entity, body=connection_file_body(entity.name, entity.body,
                                                               PurePosixPath(rel).stem))
        out[rel] = render(entity)
    return out


def connection_file_body(name: str, body: Body, stem: str) -> Body:
    """A connection's body as its file says it: every ``$`` of a value (not the name) that
    would read as a placeholder doubled, so the values read back as the API has them, and
    the secrets' placeholders named after the file (``${<STEM>_PASSWORD}``: two connections
    whose names slug alike get different variables)."""
    out: Body = {}
    for key, value in body.items():
        if key in SECRET_KEYS and value == placeholder(name, key):
            out[key] = "${" + variables.variable_name(stem, key) + "}"
        elif key == variables.IDENTITY:
            out[key] = value
        else:
            out[key] = _escaped(value)
    return out


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return variables.escape(value)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def managed_paths(kinds: frozenset[Kind], ds_dirs: set[str] | None,
                  all_datastores: bool) -> Callable[[str], bool]:
    """Which existing files an export owns (and may remove): its scope, nothing more."""

    def owns(rel: str) -> bool:
        parts = PurePosixPath(rel).parts
        if parts[0] == "connections" and len(parts) == 2:
            return all_datastores and "connection" in kinds
        if parts[0] != "datastores" or len(parts) < 3:
            return False
        if ds_dirs is not None and parts[1] not in ds_dirs:
            return False
        if len(parts) == 3:
            return parts[2] in ("_datastore.yaml", "_datastore.yml") and "datastore" in kinds
        if parts[2] == "checks" and len(parts) == 5:
            return "check" in kinds
        if parts[2] == "containers" and len(parts) == 5:
            return parts[4].startswith("_container.") and "container" in kinds
        if parts[2] == "containers" and len(parts) == 6 and parts[4] == "computed_fields":
            return "computed_field" in kinds
        return False

    return owns


def write_export(root: Path, state: TargetState, kinds: frozenset[Kind],
                 datastores: list[str], *, all_datastores: bool,
                 progress: Progress = SILENT) -> WriteResult:
    """Write the export of ``state`` under ``root``."""
    config = exported_config(state, kinds, datastores)
    tables: dict[str, list[str]] = {}
    for ds, name in state.container_ids:
        tables.setdefault(ds, []).append(name)
    files = folder_files(config, tables)
    ds_dirs = {PurePosixPath(rel).parts[1] for rel in files if rel.startswith("datastores/")}
    ds_dirs.update(slug(name) for name in datastores)
    owned = managed_paths(kinds, None if all_datastores else ds_dirs, all_datastores)
    return write_folder(root, files, owned, progress)


def run_export(client: Reader, output: str | Path, *, kinds: frozenset[Kind],
               datastores: list[str] | None, progress: Progress = SILENT) -> WriteResult:
    """Read the target (list endpoints only) and write the folder."""
    state = read_target(client, kinds=kinds, datastores=datastores or None, progress=progress)
    names = state.selected
    root = Path(output)
    root.mkdir(parents=True, exist_ok=True)
    return write_export(root, state, kinds, names, all_datastores=not datastores,
                        progress=progress)
