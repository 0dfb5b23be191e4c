"""Where ``drift --adopt`` puts an entity the folder does not have yet.

Export's path for it (``folder/writer.layout`` of the target), but inside the
folder's own directories: a check of a datastore the folder keeps in
``datastores/dwh/`` goes there, whatever export would name the directory. A
name already taken by another entity gets ``_2``, ``_3``... as export does.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import TypeVar

from qualytics_ci.folder.files import OVERRIDES_DIR
from qualytics_ci.folder.model import Config, Entity, Key
from qualytics_ci.folder.writer import layout

_K = TypeVar("_K")


def _unique(proposed: str, used: set[str]) -> str:
    name, n = proposed, 2
    while name in used:
        name, n = f"{proposed}_{n}", n + 1
    return name


class NewPaths:
    """Layout paths for new entities, relative to the folder (or to ``overrides/<env>/``)."""

    def __init__(self, desired: Config, target: Config, existing: Iterable[str],
                 prefix: str = "") -> None:
        self._export: dict[Key, str] = {e.key: rel for rel, e in layout(target).items()}
        over = OVERRIDES_DIR + "/"
        # base files, and the environment's own files, as paths in the base layout
        self.taken = {rel.removeprefix(prefix) for rel in existing
                      if not rel.startswith(over) or (prefix and rel.startswith(prefix))}
        self._ds: dict[str, str] = {}
        self._containers: dict[tuple[str, str], str] = {}
        self._check_dirs: dict[tuple[str, str], str] = {}
        self._used_ds: set[str] = set()
        self._used: dict[tuple[str, str], set[str]] = {}  # (ds dir, containers|checks)
        for rel in self.taken:
            parts = PurePosixPath(rel).parts
            if len(parts) > 2 and parts[0] == "datastores":
                self._used_ds.add(parts[1])
            if len(parts) > 4 and parts[0] == "datastores":
                self._used.setdefault((parts[1], parts[2]), set()).add(parts[3])
        for entity in desired.entities():
            if entity.file:
                self._learn(entity, PurePosixPath(entity.file.removeprefix(prefix)).parts)

    def _learn(self, entity: Entity, parts: tuple[str, ...]) -> None:
        if len(parts) < 3 or parts[0] != "datastores":
            return
        ds = entity.name if entity.kind == "datastore" else entity.datastore
        self._ds.setdefault(ds, parts[1])
        if len(parts) < 5:
            return
        if entity.kind in ("container", "computed_field"):
            name = entity.name if entity.kind == "container" else entity.container
            self._containers.setdefault((ds, name), parts[3])
        elif entity.kind == "check":
            self._check_dirs.setdefault((ds, entity.container), parts[3])

    @staticmethod
    def _dir(known: dict[_K, str], key: _K, proposed: str, used: set[str]) -> str:
        if key not in known:
            known[key] = _unique(proposed, used)
            used.add(known[key])
        return known[key]

    def path(self, entity: Entity) -> str:
        """The path for ``entity`` (an entity of the target), now taken."""
        parts = list(PurePosixPath(self._export[entity.key]).parts)
        if parts[0] == "datastores":
            ds = entity.name if entity.kind == "datastore" else entity.datastore
            parts[1] = self._dir(self._ds, ds, parts[1], self._used_ds)
            if entity.kind in ("container", "computed_field"):
                name = entity.name if entity.kind == "container" else entity.container
                used = self._used.setdefault((parts[1], "containers"), set())
                parts[3] = self._dir(self._containers, (ds, name), parts[3], used)
            elif entity.kind == "check":
                used = self._used.setdefault((parts[1], "checks"), set())
                parts[3] = self._dir(self._check_dirs, (ds, entity.container), parts[3], used)
        rel = "/".join(parts)
        if rel in self.taken:
            path = PurePosixPath(rel)
            stems = {PurePosixPath(t).stem for t in self.taken
                     if PurePosixPath(t).parent == path.parent}
            rel = str(path.with_stem(_unique(path.stem, stems)))
        self.taken.add(rel)
        return rel
