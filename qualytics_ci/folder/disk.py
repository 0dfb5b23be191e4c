"""Writing a folder's files to disk: all of them or none, and only inside the folder.

:func:`write_folder` first checks every destination (no symbolic link on the way
that leads out of the folder or nowhere, no file where a folder must be), then writes
every changed file into a staging folder inside the root (``.qualytics-ci-export.tmp``,
which readers skip like every dot entry), and only when all were written moves them
into place: a rename for each folder that did not exist (with everything in it) and for
each file of a folder that did. A failure before the moves (a name too long, a full
disk, a permission) leaves the folder as it was. Then the managed files that were not
written are removed, each one named in the result. Plain ``os`` calls on path strings
throughout (a file costs a few system calls and no ``Path`` objects); a file is read
back to compare only when its size is the new text's.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
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


_ABSENT = (errno.ENOENT, errno.ENOTDIR, errno.ELOOP, errno.EBADF)  # pathlib's "not there"
_HERE = ""  # a file's folders all exist


def _prefix(root: Path) -> str:
    text = os.fspath(root)
    return text if text.endswith("/") else text + "/"


class Destinations:
    """Where the files go under ``root``, each folder checked once: no symbolic link on
    the way that leads out of the folder or nowhere, no file where a folder must be, no
    folder where a file must be. :meth:`check` names a file's outermost missing folder,
    so that a folder the write creates is moved into place whole."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.inside = root.resolve()
        self.prefix = _prefix(root)
        self.folders: dict[str, str] = {}  # folder -> _HERE or its outermost missing one

    def check(self, rel: str) -> str:
        """``_HERE`` when the folders of ``rel`` exist, else the outermost missing one."""
        parent = rel.rpartition("/")[0]
        if not parent:
            return _HERE
        found = self.folders.get(parent)
        return self._walk(parent) if found is None else found

    def _walk(self, parent: str) -> str:
        parts = parent.split("/")
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            known = self.folders.get(folder)
            if known is None:
                known = self.folders[folder] = self._folder(folder)
            if known != _HERE:
                self.folders[parent] = known
                return known
        return _HERE

    def _folder(self, folder: str) -> str:
        path = self.prefix + folder
        try:
            mode = os.lstat(path).st_mode
        except OSError as exc:
            if exc.errno in _ABSENT:
                return folder
            raise
        current = self.root.joinpath(*folder.split("/"))
        if stat.S_ISLNK(mode):
            target = current.resolve()
            if not target.is_relative_to(self.inside):
                raise QualyticsCIError(
                    f"{current} is a symbolic link to {target}, outside {self.root}: "
                    "export does not write through it; nothing was written",
                    hint="replace the link with a real folder, or export to another folder")
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:
                if exc.errno not in _ABSENT:
                    raise
                raise QualyticsCIError(
                    f"{current} is a symbolic link to {target}, which does not exist: "
                    "export does not write through it; nothing was written",
                    hint="create the folder it points to, or replace the link with a "
                         "real folder") from None
        if not stat.S_ISDIR(mode):
            raise QualyticsCIError(f"{current} is a file where export writes a folder; "
                                   "nothing was written",
                                   hint="move the file away, or export to another folder")
        return _HERE

    def same(self, rel: str, data: bytes) -> bool:
        """Whether ``rel`` (its folders exist) is a regular file holding ``data``; a
        folder standing there is refused."""
        path = self.prefix + rel
        try:
            found = os.lstat(path)
        except OSError as exc:
            if exc.errno in _ABSENT:
                return False
            raise
        if stat.S_ISDIR(found.st_mode):
            final = self.root / rel
            raise QualyticsCIError(f"{final} is a folder where export writes a file; "
                                   "nothing was written",
                                   hint="move the folder away, or export to another folder")
        if not stat.S_ISREG(found.st_mode) or found.st_size != len(data):
            return False
        try:
            return _read(path, len(data) + 1) == data
        except OSError:
            return False


def _read(path: str, limit: int) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        return os.read(fd, limit)
    finally:
        os.close(fd)


def _write_file(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        written = os.write(fd, data)
        if written < len(data):
            view = memoryview(data)[written:]
            while view:
                view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _clear(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def _stage(root: Path, changed: dict[str, bytes]) -> Path:
    stage = root / STAGING
    _clear(stage)  # left over from a run that was killed
    prefix = _prefix(stage)
    made: set[str] = set()
    for rel, data in changed.items():
        try:
            parent = rel.rpartition("/")[0]
            if parent not in made:
                os.makedirs(prefix + parent, exist_ok=True)
                made.add(parent)
            _write_file(prefix + rel, data)
        except OSError as exc:
            _clear(stage)
            raise QualyticsCIError(
                f"cannot write {(root / rel).as_posix()}: {_why(exc)}; nothing was changed "
                f"in {root}",
                hint="check the folder's permissions and free space (a name too long "
                     "comes from the entity's name)") from None
    return stage


def _commit(root: Path, stage: Path, changed: dict[str, str]) -> set[str]:
    """Move the staged files into place (``changed``: each file's outermost missing
    folder, or _HERE): a missing folder whole, one rename; any other file on its own.
    The folders moved whole (they hold nothing but files just written)."""
    into, source = _prefix(root), _prefix(stage)
    moved: set[str] = set()
    for done, (rel, missing) in enumerate(changed.items()):
        try:
            if missing == _HERE:
                os.replace(source + rel, into + rel)
            elif missing not in moved:
                os.rename(source + missing, into + missing)
                moved.add(missing)
        except OSError as exc:
            raise QualyticsCIError(
                f"export stopped after {done} of {len(changed)} changed files: cannot write "
                f"{(root / rel).as_posix()}: {_why(exc)}",
                hint="fix the cause and run export again: it rewrites only what differs"
            ) from None
    return moved


def owned_files(root: Path, skip: Collection[str] = ()) -> Iterator[str]:
    """Relative paths of the YAML files under the folders a write may remove from,
    sorted, but in the folders ``skip`` names; symbolic links are neither followed nor
    listed."""
    found: list[str] = []
    for top in OWNED_TOP:
        start = root / top
        if top in skip or start.is_symlink() or not start.is_dir():
            continue
        _walk_yaml(os.fspath(start), top, found, skip)
    yield from sorted(found)


def _walk_yaml(folder: str, rel: str, found: list[str], skip: Collection[str]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                inner = f"{rel}/{entry.name}"
                if inner not in skip:
                    _walk_yaml(entry.path, inner, found, skip)
            elif entry.name.endswith((".yaml", ".yml")) and not entry.is_symlink():
                found.append(f"{rel}/{entry.name}")
        except OSError:
            continue


def write_folder(root: Path, files: dict[str, str], managed: Callable[[str], bool],
                 progress: Progress = SILENT) -> WriteResult:
    """Write ``files`` (relative path -> text) under ``root``; only changed files are
    touched; managed files not in ``files`` are removed (then their empty folders)."""
    root = Path(root)
    places = Destinations(root)
    changed: dict[str, bytes] = {}
    missing: dict[str, str] = {}
    unchanged: list[str] = []
    progress.start("writing files", len(files))
    for rel in sorted(files):
        progress.advance()
        data = files[rel].encode("utf-8")
        try:
            where = places.check(rel)
            if where == _HERE and places.same(rel, data):
                unchanged.append(rel)
                continue
        except OSError as exc:  # e.g. a path longer than the system allows
            raise QualyticsCIError(
                f"cannot write {(root / rel).as_posix()}: {_why(exc)}; nothing was changed "
                f"in {root}", hint="give --output a shorter path") from None
        changed[rel] = data
        missing[rel] = where
    fresh: set[str] = set()
    if changed:
        stage = _stage(root, changed)
        try:
            fresh = _commit(root, stage, missing)
        finally:
            _clear(stage)
    removed = _remove_stale(root, files, managed, fresh)
    progress.finish()
    return WriteResult(tuple(changed), tuple(unchanged), tuple(removed))


def _remove_stale(root: Path, files: dict[str, str], managed: Callable[[str], bool],
                  fresh: Collection[str]) -> list[str]:
    """Remove the managed files not in ``files`` (none is in a ``fresh`` folder)."""
    removed = []
    kept: set[Path] | None = None  # what the files resolve to (a link inside may alias one)
    for rel in owned_files(root, fresh):
        if rel not in files and managed(rel):
            path = root / rel
            kept = kept if kept is not None else _resolved(root, files)
            if path.resolve() in kept:
                continue
            try:
                path.unlink()
            except OSError as exc:
                raise QualyticsCIError(f"cannot remove {path.as_posix()}: {_why(exc)}",
                                       hint="check the folder's permissions") from None
            removed.append(rel)
            _remove_empty_parents(path.parent, root)
    return removed


def _resolved(root: Path, files: dict[str, str]) -> set[Path]:
    """Where each of ``files`` is (each was just written or found a regular file, so
    only its folder can be a link: one resolve per folder)."""
    folders: dict[str, Path] = {}
    out = set()
    for rel in files:
        parent, _, name = rel.rpartition("/")
        if parent not in folders:
            folders[parent] = (root / parent).resolve()
        out.add(folders[parent] / name)
    return out


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
