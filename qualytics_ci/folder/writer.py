"""Model -> folder: deterministic file names and text, written only when changed.

Names follow the platform CLI's layout (slugs) where they can; see
:mod:`qualytics_ci.folder.naming` for names whose slug is empty, too long or claimed by
another name. Two checks of the same rule on the same fields get ``_2``, ``_3``...
after sorting by uid, so the names do not depend on the order the API listed things in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from qualytics_ci.folder import yamlio
from qualytics_ci.folder.model import Check, Config, Entity, check_file_stem, slug
from qualytics_ci.folder.naming import assign, short_stem


def _unique(stem: str, taken: set[str], tried: dict[str, int]) -> str:
    """The first of ``stem``, ``stem_2``, ``stem_3``... not ``taken``; ``tried`` remembers
    where the search for each stem stopped (``taken`` only grows, so the names before it
    stay taken) and saves a folder of many alike checks from starting over each time."""
    n = tried.get(stem, 1)
    name = stem if n == 1 else f"{stem}_{n}"
    while name in taken:
        n += 1
        name = f"{stem}_{n}"
    tried[stem] = n
    taken.add(name)
    return name


def layout(config: Config, tables: Mapping[str, Collection[str]] | None = None
           ) -> dict[str, Entity]:
    """Relative path -> entity for every entity of ``config``. ``tables``: every container
    name of each datastore on the target, so that the directory of a catalog table's
    computed fields (which has no ``_container.yaml`` to name it) leads back to it alone."""
    out: dict[str, Entity] = {}
    ds_dir = {name: f"datastores/{stem}"
              for name, stem in assign(config.datastore_names()).items()}
    conn_stems = assign(c.name for c in config.connections)
    for conn in config.connections:
        out[f"connections/{conn_stems[conn.name]}.yaml"] = conn
    for ds in config.datastores:
        out[f"{ds_dir[ds.name]}/_datastore.yaml"] = ds
    cont_dir = _container_dirs(config, ds_dir, tables or {})
    for cont in config.containers:
        out[f"{cont_dir[(cont.datastore, cont.name)]}/_container.yaml"] = cont
    by_folder: dict[str, list[Entity]] = {}
    for cf in config.computed_fields:
        by_folder.setdefault(cont_dir[(cf.datastore, cf.container)] + "/computed_fields",
                             []).append(cf)
    for folder, fields in by_folder.items():
        stems = assign(f.name for f in fields)
        out.update((f"{folder}/{stems[f.name]}.yaml", f) for f in fields)
    out.update(_check_paths(config.checks, ds_dir))
    return out


def _container_dirs(config: Config, ds_dir: Mapping[str, str],
                    tables: Mapping[str, Collection[str]]) -> dict[tuple[str, str], str]:
    """``(datastore, container) -> containers/<dir>``; a container without a file whose
    plain slug another container name could claim gets the hashed name."""
    computed = {(c.datastore, c.name) for c in config.containers}
    wanted: dict[str, set[str]] = {}
    for ds, name in [*computed, *((f.datastore, f.container) for f in config.computed_fields)]:
        wanted.setdefault(ds, set()).add(name)
    out: dict[tuple[str, str], str] = {}
    for ds, names in wanted.items():
        known = set(tables.get(ds, ())) | names
        ambiguous = {n for n in names if (ds, n) not in computed and _ambiguous(n, known)}
        for name, stem in assign(names, hashed=ambiguous).items():
            out[(ds, name)] = f"{ds_dir[ds]}/containers/{stem}"
    return out


def _ambiguous(name: str, known: Collection[str]) -> bool:
    """Whether reading the directory ``slug(name)`` back could find another container:
    it is another container's exact name, or another name slugs to it too."""
    text = slug(name)
    if text == name:
        return False
    return text in known or sum(1 for other in known if slug(other) == text) > 1


def _check_paths(checks: Iterable[Check], ds_dir: Mapping[str, str]) -> dict[str, Entity]:
    out: dict[str, Entity] = {}
    ordered = sorted(checks, key=lambda c: (c.datastore, c.container, c.uid))
    dirs: dict[str, dict[str, str]] = {}
    for ds in {c.datastore for c in ordered}:
        dirs[ds] = assign(c.container for c in ordered if c.datastore == ds)
    stems: dict[str, tuple[set[str], dict[str, int]]] = {}
    for check in ordered:
        folder = f"{ds_dir[check.datastore]}/checks/{dirs[check.datastore][check.container]}"
        taken, tried = stems.setdefault(folder, (set(), {}))
        stem = _unique(short_stem(check_file_stem(check.rule_type, check.fields)), taken, tried)
        out[f"{folder}/{stem}.yaml"] = check
    return out


def render(entity: Entity) -> str:
    """The file text of one entity."""
    return yamlio.dump(entity.body)
