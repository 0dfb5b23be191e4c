"""``drift --adopt``: the target's side of every drifted entity, written into the folder.

Only the drifted entities' files are written or removed; every other file stays byte
for byte. An entity keeps the file it was read from; one the folder lacks goes where
export would put it, inside the folder's own directories (``engine/adopt_paths``).

Without an environment the base changes:

- changed on the target: its file is rewritten with the target's value of every field
  that differs; the other keys keep their values and order;
- only on the target: a new file, as export would write it;
- only in the folder (deleted or archived on the target): its file is removed.

With an environment (``--env NAME``) the base stays as it is and ``overrides/NAME/``
takes the differences: a minimal override file (only the keys that differ from the
base, deep-merge semantics), a new file for an entity only on the target, and
``_delete: true`` for one missing on the target. An entity that only the
environment's overrides define is rewritten (or removed) in place; when that leaves
``overrides/NAME/`` empty, a ``.gitkeep`` keeps the directory (and ``--env NAME``) in Git.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from qualytics_ci.engine.adopt_body import adopted_body, override_for
from qualytics_ci.engine.adopt_paths import NewPaths
from qualytics_ci.engine.state import TargetState
from qualytics_ci.folder import yamlio
from qualytics_ci.folder.disk import write_folder
from qualytics_ci.folder.files import OVERRIDES_DIR, read_text
from qualytics_ci.folder.model import Body, Config, Entity, Key
from qualytics_ci.folder.overrides import DELETE_KEY
from qualytics_ci.progress import SILENT, Progress
from qualytics_ci.results.adopt import Adoption
from qualytics_ci.results.config import KIND_ORDER, Change, DriftItem, DriftReport

# relative path -> the file's new text, or None to remove it
Files = dict[str, str | None]
Loader = Callable[[str], Any]
KEEP_FILE = ".gitkeep"


def entity_key(change: Change) -> Key:
    """The key of the entity a drift item's change is about."""
    if change.kind in ("connection", "datastore"):
        return (change.kind, "", "", change.name)
    container = (change.container or "") if change.kind == "computed_field" else ""
    return (change.kind, change.datastore or "", container, change.name)


def _ordered(items: tuple[DriftItem, ...]) -> list[DriftItem]:
    """Drifted items, parents before children (a new datastore's directory comes first)."""
    rank = {kind: n for n, kind in enumerate(KIND_ORDER)}
    return sorted((i for i in items if i.state != "in_sync"),
                  key=lambda i: rank[i.change.kind])


def adoption_files(drift: DriftReport, desired: Config, target: Config, *,
                   resolved: Mapping[Key, Body], existing: set[str], load: Loader,
                   environment: str | None = None) -> Files:
    """What to write and remove so the folder says what the target has (pure but for
    ``load``, which reads a file of the folder by its relative path)."""
    prefix = f"{OVERRIDES_DIR}/{environment}/" if environment else ""
    paths = NewPaths(desired, target, existing, prefix)
    out: Files = {}
    for item in _ordered(drift.items):
        key = entity_key(item.change)
        mine, theirs = desired.get(key), target.get(key)
        if item.state == "only_on_target" and theirs is not None:
            out[prefix + paths.path(theirs)] = yamlio.dump(theirs.body)
        elif item.state == "only_in_folder" and mine is not None and mine.file:
            out.update(_removal(mine.file, prefix))
        elif item.state == "changed" and mine is not None and theirs is not None:
            body = adopted_body(mine.kind, mine.body, resolved.get(key, mine.body), theirs.body)
            out.update(_rewrite(mine, body, prefix, existing, load))
    return out


def _removal(file: str, prefix: str) -> Files:
    if not prefix or file.startswith(prefix):
        return {file: None}
    return {prefix + file: yamlio.dump({DELETE_KEY: True})}


def _rewrite(mine: Entity, body: Body, prefix: str, existing: set[str],
             load: Loader) -> Files:
    file = mine.file or ""
    if not prefix or file.startswith(prefix):
        return {file: yamlio.dump(body)}
    over_rel = prefix + file
    base = load(file)
    present = load(over_rel) if over_rel in existing else None
    over = override_for(base if isinstance(base, Mapping) else {}, body,
                        present if isinstance(present, Mapping) else None)
    if over:
        return {over_rel: yamlio.dump(over)}
    return {over_rel: None} if over_rel in existing else {}


def folder_files(root: Path) -> set[str]:
    """Every YAML file of the folder (overrides included), relative, hidden ones skipped."""
    found: set[str] = set()
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel_dir = Path(directory).relative_to(root).as_posix()
        for name in files:
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                found.add(name if rel_dir == "." else f"{rel_dir}/{name}")
    return found


def adopt(root: str | Path, drift: DriftReport, desired: Config, target: TargetState, *,
          resolved: Mapping[Key, Body], environment: str | None = None,
          progress: Progress = SILENT) -> Adoption:
    """Write the drifted entities' target side into the folder at ``root``."""
    base = Path(root)

    def load(rel: str) -> Any:
        data, _lines = yamlio.load(read_text(base, rel), rel)
        return data

    existing = folder_files(base)
    files = adoption_files(drift, desired, target.config, resolved=resolved,
                           existing=existing, load=load, environment=environment)
    writes = {rel: text for rel, text in files.items() if text is not None}
    written = write_folder(base, writes, lambda _rel: False, progress).written
    keep = base / OVERRIDES_DIR / environment if environment else base
    removed = sorted(rel for rel, text in files.items() if text is None)
    for rel in removed:
        path = base / rel
        path.unlink(missing_ok=True)
        folder = path.parent
        while folder != keep and folder.is_relative_to(keep) and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    if environment and not any(keep.iterdir()):
        # an empty directory is not kept by Git, and --env needs it
        (keep / KEEP_FILE).write_text("")
        written = (*written, f"{OVERRIDES_DIR}/{environment}/{KEEP_FILE}")
    kept = tuple(f"{item.change.kind.replace('_', ' ')} {item.change.name}: {f.path}"
                 for item in drift.items if item.state == "changed"
                 for f in item.change.fields if f.sensitive)
    return Adoption(tuple(written), tuple(removed), kept)
