"""Model -> folder: deterministic file names and text, written only when changed.

Names follow the platform CLI's layout; when two entities would get the same
file name, ``_2``, ``_3``... are added after sorting by identity, so the names do
not depend on the order the API listed things in.
"""

from __future__ import annotations

from collections.abc import Iterable

from qualytics_ci.folder import yamlio
from qualytics_ci.folder.model import Check, Config, Entity, check_file_stem, slug


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


def render(entity: Entity) -> str:
    """The file text of one entity."""
    return yamlio.dump(entity.body)
