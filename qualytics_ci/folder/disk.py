"""Writing a folder's files to disk: all of them or none, and only inside the folder.

:func:`write_folder` first checks every destination (no symbolic link on the way
that leads out of the folder, no file where a folder must be), then writes every
changed file into a staging folder inside the root (``.qualytics-ci-export.tmp``,
which readers skip like every dot entry), and only when all were written moves them
into place (a rename each). A failure before the moves (a name too long, a full
disk, a permission) leaves the folder as it was. Then the managed files that were
not written are removed, each one named in the result.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.progress import SILENT, Progress

STAGING = ".qualytics-ci-export.tmp"
OWNED_TOP = ("connections", "datastores")  # the only folders whose files a write may remove


@dataclass(frozen=True)
class WriteResult:
    """What writing a folder did (relative paths, sorted)."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]

    def to_json(self, output: str) -> dict[str, Any]:
        """The export summary (``export --json``, docs/reports.md)."""
        return {"output": output, "written": list(self.written),
                "unchanged": list(self.unchanged), "removed": list(self.removed)}


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long for this file system"
    return exc.strerror or type(exc).__name__


def check_destination(root: Path, inside: Path, rel: str, seen: set[Path]) -> None:
    """Refuse to write ``root/rel`` through a symbolic link leading out of ``inside``
    (the resolved root), or where a file stands in for one of its folders."""
    current = root
    for part in PurePosixPath(rel).parts[:-1]:
        current = current / part
        if current in seen:
            continue
        if current.is_symlink():
            target = current.resolve()
            if not target.is_relative_to(inside):
                raise QualyticsCIError(
                    f"{current} is a symbolic link to {target}, outside {root}: "
                    "export does not write through it; nothing was written",
                    hint="replace the link with a real folder, or export to another folder")
        if not current.exists():
            return
        if not current.is_dir():
            raise QualyticsCIError(f"{current} is a file where export writes a folder; "
                                   "nothing was written",
                                   hint="move the file away, or export to another folder")
        seen.add(current)
    final = root / rel
    if final.is_dir() and not final.is_symlink():
        raise QualyticsCIError(f"{final} is a folder where export writes a file; "
                               "nothing was written",
                               hint="move the folder away, or export to another folder")


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and path.read_bytes() == data
    except OSError:
        return False


def _clear(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def _stage(root: Path, changed: dict[str, bytes]) -> Path:
    stage = root / STAGING
    _clear(stage)  # left over from a run that was killed
    for rel, data in changed.items():
        try:
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            (stage / rel).write_bytes(data)
        except OSError as exc:
            _clear(stage)
            raise QualyticsCIError(
                f"cannot write {(root / rel).as_posix()}: {_why(exc)}; nothing was changed "
                f"in {root}",
                hint="check the folder's permissions and free space (a name too long "
                     "comes from the entity's name)") from None
    return stage


def _commit(root: Path, stage: Path, changed: list[str]) -> None:
    for done, rel in enumerate(changed):
        try:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / rel, root / rel)
        except OSError as exc:
            raise QualyticsCIError(
                f"export stopped after {done} of {len(changed)} changed files: cannot write "
                f"{(root / rel).as_posix()}: {_why(exc)}",
                hint="fix the cause and run export again: it rewrites only what differs"
            ) from None


def owned_files(root: Path) -> Iterator[str]:
    """Relative paths of the YAML files under the folders a write may remove from,
    sorted; symbolic links are neither followed nor listed."""
    found: list[str] = []
    for top in OWNED_TOP:
        start = root / top
        if start.is_symlink() or not start.is_dir():
            continue
        for folder, _dirs, names in os.walk(start):
            for name in names:
                path = Path(folder) / name
                if name.endswith((".yaml", ".yml")) and not path.is_symlink():
                    found.append(path.relative_to(root).as_posix())
    yield from sorted(found)


def write_folder(root: Path, files: dict[str, str], managed: Callable[[str], bool],
                 progress: Progress = SILENT) -> WriteResult:
    """Write ``files`` (relative path -> text) under ``root``; only changed files are
    touched; managed files not in ``files`` are removed (then their empty folders)."""
    root = Path(root)
    inside = root.resolve()
    seen: set[Path] = set()
    changed: dict[str, bytes] = {}
    unchanged: list[str] = []
    progress.start("writing files", len(files))
    for rel in sorted(files):
        progress.advance()
        try:
            check_destination(root, inside, rel, seen)
        except OSError as exc:  # e.g. a path longer than the system allows
            raise QualyticsCIError(
                f"cannot write {(root / rel).as_posix()}: {_why(exc)}; nothing was changed "
                f"in {root}", hint="give --output a shorter path") from None
        data = files[rel].encode("utf-8")
        if _same(root / rel, data):
            unchanged.append(rel)
        else:
            changed[rel] = data
    if changed:
        stage = _stage(root, changed)
        try:
            _commit(root, stage, list(changed))
        finally:
            _clear(stage)
    removed = []
    kept: set[Path] | None = None  # what the files resolve to (a link inside may alias one)
    for rel in owned_files(root):
        if rel not in files and managed(rel):
            path = root / rel
            kept = kept if kept is not None else {(root / f).resolve() for f in files}
            if path.resolve() in kept:
                continue
            try:
                path.unlink()
            except OSError as exc:
                raise QualyticsCIError(f"cannot remove {path.as_posix()}: {_why(exc)}",
                                       hint="check the folder's permissions") from None
            removed.append(rel)
            _remove_empty_parents(path.parent, root)
    progress.finish()
    return WriteResult(tuple(changed), tuple(unchanged), tuple(removed))


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
