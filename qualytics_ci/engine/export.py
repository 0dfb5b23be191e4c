"""``export``: target -> folder, deterministic, touching only files whose content changed.

Within the exported scope, files of entities that no longer exist are removed:
connection files only when every datastore is exported, and inside each
exported datastore only the kinds that were exported. Nothing else is touched
(other datastores, ``overrides/``, files that are not part of the layout).

Because it removes files, export writes only into a folder that is its own: a new
or empty folder, or one that looks like a config folder (:func:`check_output`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from qualytics_ci.affinity import on_one_core
from qualytics_ci.engine.normalize import SECRET_KEYS, placeholder
from qualytics_ci.engine.state import TargetState
from qualytics_ci.engine.target import Reader, read_target
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import variables
from qualytics_ci.folder.disk import WriteResult, write_folder
from qualytics_ci.folder.model import Body, Config, Entity, parse_kinds, slug
from qualytics_ci.folder.writer import layout, render
from qualytics_ci.progress import SILENT, Progress
from qualytics_ci.results.kinds import Kind


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
    ds_dirs = {rel.split("/", 2)[1] for rel in files if rel.startswith("datastores/")}
    ds_dirs.update(slug(name) for name in datastores)
    owned = managed_paths(kinds, None if all_datastores else ds_dirs, all_datastores)
    return write_folder(root, files, owned, progress)


# What a config folder may hold besides dot entries and README files.
LAYOUT_ENTRIES = frozenset({"connections", "datastores", "overrides", "qualytics-ci.yaml",
                            "promotions.yaml"})


def _layout_entry(name: str) -> bool:
    return name.startswith(".") or name.upper().startswith("README") or name in LAYOUT_ENTRIES


def _written_by_export(root: Path) -> bool:
    """A folder export wrote before: a datastore directory with its ``_datastore.yaml``."""
    return any((root / "datastores").glob("*/_datastore.y*ml"))


def check_output(root: Path, *, force: bool = False) -> None:
    """Refuse an output folder that is not export's own, before anything is read.

    Never the file system's root or the home directory; an existing folder only when
    it is empty, holds nothing but the layout's entries (``LAYOUT_ENTRIES``, dot
    entries, README), or was written by export, unless ``force``."""
    try:
        _check_output(root, force)
    except OSError as exc:  # e.g. a name longer than the file system allows
        raise QualyticsCIError(f"cannot create --output {root}: {_why(exc)}",
                               hint="give --output a folder you can write to") from None


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _check_output(root: Path, force: bool) -> None:
    if root.exists() and not root.is_dir():
        raise QualyticsCIError(f"--output {root} is a file, not a folder",
                               hint="give --output a folder (it is created when missing)")
    resolved = root.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        where = "the file system's root" if resolved == Path(resolved.anchor) else \
            "the home directory"
        raise QualyticsCIError(f"--output {root} is {where}: export writes only into a "
                               "folder of its own",
                               hint="give --output a new folder, e.g. qualytics-config")
    if not root.exists() or force:
        return
    try:
        foreign = sorted(e.name for e in root.iterdir() if not _layout_entry(e.name))
    except OSError as exc:
        raise QualyticsCIError(f"cannot read --output {root}: {_why(exc)}",
                               hint="give --output a folder you can write to") from None
    if foreign and not _written_by_export(root):
        shown = ", ".join(foreign[:4]) + (", ..." if len(foreign) > 4 else "")
        hint = ("give --output a new folder (e.g. qualytics-config), or pass --force to "
                "export into this one anyway")
        if resolved.name in LAYOUT_ENTRIES and _written_by_export(resolved.parent):
            hint = f"this is part of a config folder: give --output {root.parent} instead"
        raise QualyticsCIError(
            f"--output {root} is not a config folder (it has {shown}): export removes the "
            "layout's files it did not write, so it writes only into a new or empty folder "
            "or a config folder", hint=hint)


def _make_root(root: Path) -> list[Path]:
    """Create ``root`` (and missing parents); the folders created, outermost first."""
    try:
        missing = [p for p in [root, *root.parents] if not p.exists()][::-1]
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QualyticsCIError(f"cannot create --output {root}: {_why(exc)}",
                               hint="give --output a folder you can write to") from None
    return missing


@on_one_core
def run_export(client: Reader, output: str | Path, *, kinds: frozenset[Kind],
               datastores: list[str] | None, progress: Progress = SILENT,
               force: bool = False) -> WriteResult:
    """Check the output folder, read the target (list endpoints only), write the folder.
    A failed write leaves no folder behind that was not there before."""
    root = Path(output)
    check_output(root, force=force)
    state = read_target(client, kinds=kinds, datastores=datastores or None, progress=progress)
    created = _make_root(root)
    try:
        return write_export(root, state, kinds, state.selected, all_datastores=not datastores,
                            progress=progress)
    except QualyticsCIError:
        for folder in reversed(created):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise


def export_with(client: Reader, output: str | Path, *, include: str | None = None,
                datastores: Sequence[str] = (), progress: Progress = SILENT,
                force: bool = False) -> WriteResult:
    """:func:`run_export` from the flags' shapes: ``--include``'s comma list (None: every
    kind) and ``--datastore``'s names (none: every datastore)."""
    return run_export(client, output, kinds=parse_kinds(include),
                      datastores=list(datastores) or None, progress=progress, force=force)
