"""Model -> folder: deterministic file names and text, written only when changed.

Names follow the platform CLI's layout; when two entities would get the same
file name, ``_2``, ``_3``... are added after sorting by identity, so the names do
not depend on the order the API listed things in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from qualytics_ci.folder import yamlio
from qualytics_ci.folder.model import Check, Config, Entity, check_file_stem, slug
from qualytics_ci.progress import SILENT, Progress


def _unique(stem: str, taken: set[str]) -> str:
    name, n = stem, 2
    while name in taken:
        name, n = f"{stem}_{n}", n + 1
    taken.add(name)
    return name


class _Dirs:
    """Directory names (slugs, made unique) per parent."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str] = {}
        self._taken: dict[str, set[str]] = {}

    def get(self, parent: str, name: str) -> str:
        key = (parent, name)
        if key not in self._names:
            self._names[key] = _unique(slug(name) or "_", self._taken.setdefault(parent, set()))
        return self._names[key]


def layout(config: Config) -> dict[str, Entity]:
    """Relative path -> entity for every entity of ``config``."""
    out: dict[str, Entity] = {}
    dirs = _Dirs()
    for name in sorted(config.datastore_names()):
        dirs.get("datastores", name)
    taken: set[str] = set()
    for conn in sorted(config.connections, key=lambda c: c.name):
        out[f"connections/{_unique(slug(conn.name) or '_', taken)}.yaml"] = conn
    for ds in config.datastores:
        out[f"datastores/{dirs.get('datastores', ds.name)}/_datastore.yaml"] = ds
    ds_dir = {name: f"datastores/{dirs.get('datastores', name)}"
              for name in config.datastore_names()}
    containers = sorted({(e.datastore, e.container or e.name) for e in
                         [*config.containers, *config.computed_fields]})
    for datastore, container in containers:
        dirs.get(ds_dir[datastore] + "/containers", container)
    for cont in config.containers:
        base = ds_dir[cont.datastore] + "/containers/"
        out[base + dirs.get(base[:-1], cont.name) + "/_container.yaml"] = cont
    field_names: dict[str, set[str]] = {}
    for cf in sorted(config.computed_fields, key=lambda f: (f.datastore, f.container, f.name)):
        base = ds_dir[cf.datastore] + "/containers/"
        folder = base + dirs.get(base[:-1], cf.container) + "/computed_fields"
        stem = _unique(slug(cf.name) or "_", field_names.setdefault(folder, set()))
        out[f"{folder}/{stem}.yaml"] = cf
    out.update(_check_paths(config.checks, ds_dir, dirs))
    return out


def _check_paths(checks: Iterable[Check], ds_dir: dict[str, str],
                 dirs: _Dirs) -> dict[str, Entity]:
    out: dict[str, Entity] = {}
    stems: dict[str, set[str]] = {}
    for check in sorted(checks, key=lambda c: (c.datastore, c.container, c.uid)):
        base = ds_dir[check.datastore] + "/checks"
        folder = f"{base}/{dirs.get(base, check.container)}"
        stem = _unique(check_file_stem(check.rule_type, check.fields),
                       stems.setdefault(folder, set()))
        out[f"{folder}/{stem}.yaml"] = check
    return out


@dataclass(frozen=True)
class WriteResult:
    """What writing a folder did."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


def write_folder(root: Path, files: dict[str, str], managed: Callable[[str], bool],
                 progress: Progress = SILENT) -> WriteResult:
    """Write ``files`` (relative path -> text) under ``root``; only changed files are
    touched; managed files not in ``files`` are removed (then their empty folders)."""
    written, unchanged, removed = [], [], []
    progress.start("writing files", len(files))
    for rel in sorted(files):
        progress.advance()
        data = files[rel].encode("utf-8")
        path = root / rel
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            unchanged.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written.append(rel)
    for path in sorted(root.rglob("*.y*ml")):
        rel = path.relative_to(root).as_posix()
        if rel not in files and managed(rel) and path.is_file():
            path.unlink()
            removed.append(rel)
            _remove_empty_parents(path.parent, root)
    progress.finish()
    return WriteResult(tuple(written), tuple(unchanged), tuple(removed))


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def render(entity: Entity) -> str:
    """The file text of one entity."""
    return yamlio.dump(entity.body)
