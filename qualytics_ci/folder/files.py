"""The folder's files on disk: which YAML files there are, each read safely (no link out
of the folder, no FIFO, no huge or non-UTF-8 file), and the snapshot a plan reads once.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.layout import PROMOTIONS_FILE, SETTINGS_FILE, require_config_folder
from qualytics_ci.progress import SILENT, Progress

MAX_FILE_BYTES = 5 * 1024 * 1024
# a folder's text held at once (snapshot): beyond it, files are read one by
# one as they are parsed, so a folder of many large files never sits in memory whole
SNAPSHOT_CHARS = 64 * 1024 * 1024
OVERRIDES_DIR = "overrides"
# Files at the folder's root that are not entities, parsed by their own modules
# (folder.settings, folder.promotions) from the text read here.
ROOT_FILES = (SETTINGS_FILE, PROMOTIONS_FILE)


def _yaml_files(root: Path, skip_overrides: bool) -> tuple[list[tuple[str, bool]], list[str]]:
    """``(relative path, is a symbolic link)`` of every YAML file, in path order, and the
    linked directories, which are not entered. Hidden entries are skipped, and so are
    ``overrides/``, the settings file and ``promotions.yaml`` at the root when
    ``skip_overrides``."""
    found: list[tuple[str, bool]] = []
    linked_dirs: list[str] = []

    def walk(directory: str | Path, prefix: str) -> None:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            rel = prefix + entry.name
            if entry.name.startswith(".") or (skip_overrides and rel in (OVERRIDES_DIR,
                                                                        *ROOT_FILES)):
                continue
            link = entry.is_symlink()
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, rel + "/")
            elif entry.name.endswith((".yaml", ".yml")) and (link or entry.is_file()):
                found.append((rel, link))
            elif link and entry.is_dir():
                linked_dirs.append(rel)

    walk(root, "")
    return found, linked_dirs


def _read_regular(path: str, rel: str) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES, in four system calls (no
    file object; one read when it brings the size the file had). Opened without
    blocking, so a FIFO (through a link) cannot hang a run."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise QualyticsCIError("not a regular file; refusing to read it", file=rel)
        if info.st_size > MAX_FILE_BYTES:
            raise QualyticsCIError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB",
                                   file=rel)
        raw = os.read(fd, info.st_size + 1)
        if len(raw) != info.st_size:  # short (read on) or grown since fstat: to the end
            chunks = [raw]
            while chunks[-1] and sum(map(len, chunks)) <= MAX_FILE_BYTES:
                chunks.append(os.read(fd, MAX_FILE_BYTES))
            raw = b"".join(chunks)
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise QualyticsCIError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB",
                               file=rel)
    return raw


def read_text(root: Path, rel: str, *, link: bool = True) -> str:
    """The text of ``root/rel``: refuses symlinks out of ``root``, huge and non-UTF-8 files.
    ``link=False`` says the file is known not to be a symbolic link (no resolving)."""
    path = os.path.join(root, rel)  # a string: a path object per file costs more than the read
    if link:
        linked = Path(path)
        try:
            real = linked.resolve(strict=True)
        except (OSError, RuntimeError):
            raise QualyticsCIError("cannot read file (broken link?)", file=rel) from None
        if linked.is_symlink() and not real.is_relative_to(root.resolve()):
            raise QualyticsCIError("symbolic link points outside the folder; refusing to read "
                                   "it", file=rel)
    try:
        raw = _read_regular(path, rel)
    except OSError as exc:
        raise QualyticsCIError(f"cannot read file ({exc.strerror})", file=rel) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QualyticsCIError(f"not UTF-8 text (byte {exc.start})", file=rel) from None


@dataclass(frozen=True)
class Files:
    """A folder's YAML files, read: the text of each (or why it cannot be read), in path
    order, the linked directories, which are not entered, and the root's settings file
    and ``promotions.yaml`` (those present), so that one run reads each file once.

    A plan reads the target in a thread while the files are parsed. Each system call of
    a read lets that thread take the interpreter and makes the parse wait for it again:
    thousands of hand-overs for a big folder, which cost more CPU than they save. Read
    first, the files are then parsed without a system call."""

    texts: Mapping[str, str | QualyticsCIError]
    linked_dirs: tuple[str, ...] = ()
    root: Mapping[str, str | QualyticsCIError] | None = None  # None: not read with them


class _OverBudget(Exception):
    """The files' text passed the budget :func:`read_files` was given."""


def read_files(root: Path, *, skip_overrides: bool = True, progress: Progress = SILENT,
               budget: int | None = None, own: bool = False) -> Files:
    """Every YAML file under ``root`` (see :func:`_yaml_files`), read, and with ``own``
    the root's own files (ROOT_FILES); raises _OverBudget as soon as their text passes
    ``budget`` characters (when given)."""
    found, linked_dirs = _yaml_files(root, skip_overrides)
    root_texts = {name: _read_or_error(root, name) for name in ROOT_FILES
                  if own and _present(root / name)}
    texts: dict[str, str | QualyticsCIError] = {}
    held = 0
    progress.start("reading files", len(found))
    try:
        for rel, link in found:
            progress.advance()
            try:
                texts[rel] = text = read_text(root, rel, link=link)
            except QualyticsCIError as exc:
                texts[rel] = exc
                continue
            held += len(text)
            if budget is not None and held > budget:
                raise _OverBudget
    finally:
        progress.finish()
    return Files(texts, tuple(linked_dirs), root_texts if own else None)


def _present(path: Path) -> bool:
    return path.is_file() or path.is_symlink()  # a broken link is read, and reported


def _read_or_error(root: Path, rel: str) -> str | QualyticsCIError:
    try:
        return read_text(root, rel)
    except QualyticsCIError as exc:
        return exc


def has_root_file(root: str | Path, name: str, files: Files | None = None) -> bool:
    """Whether the folder's root has ``name`` (readable or not), as :func:`root_file`
    would find it: what lets a folder without ``promotions.yaml`` skip its modules."""
    if files is not None and files.root is not None:
        return files.root.get(name) is not None
    return _present(Path(root) / name)


def root_file(root: str | Path, name: str, files: Files | None = None) -> str | None:
    """The text of ``name`` at the folder's root (a settings file, ``promotions.yaml``):
    as ``files`` read it when they hold the root's files, else read now; None when there
    is none. Raises QualyticsCIError when it cannot be read."""
    if files is not None and files.root is not None:
        text = files.root.get(name)
    elif _present(Path(root) / name):
        text = _read_or_error(Path(root), name)
    else:
        text = None
    if isinstance(text, QualyticsCIError):
        raise text
    return text


def snapshot(root: str | Path, progress: Progress = SILENT) -> Files | None:
    """The files of ``root`` when it is a config folder whose text is at most
    SNAPSHOT_CHARS; None otherwise (then each file is read as it is parsed, and a folder
    that is not a config folder is reported, as before)."""
    try:
        require_config_folder(root)
        return read_files(Path(root), progress=progress, budget=SNAPSHOT_CHARS, own=True)
    except (QualyticsCIError, OSError, _OverBudget):
        return None
