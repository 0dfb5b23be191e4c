"""Folder -> model: find the files, parse them safely, build the entities.

The folder layout is the platform CLI's (see docs/format.md). Every problem is
collected as an :class:`~qualytics_ci.folder.schema.Issue` with its file and line, so
one run reports all of them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import managed, overrides, yamlio
from qualytics_ci.folder.layout import PROMOTIONS_FILE, SETTINGS_FILE, require_config_folder
from qualytics_ci.folder.model import (
    UID_KEY,
    Check,
    ComputedField,
    Config,
    Connection,
    Container,
    Datastore,
    Entity,
    Key,
    derive_uid,
)
from qualytics_ci.folder.schema import Issue, check_keys
from qualytics_ci.folder.yamlio import Doc
from qualytics_ci.progress import SILENT, Progress

MAX_FILE_BYTES = 5 * 1024 * 1024
# a folder's text held at once (folder.reader.snapshot): beyond it, files are read one by
# one as they are parsed, so a folder of many large files never sits in memory whole
SNAPSHOT_CHARS = 64 * 1024 * 1024
OVERRIDES_DIR = "overrides"
# Files at the folder's root that are not entities, read by their own modules
# (folder.settings, folder.promotions).
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
    order, and the linked directories, which are not entered.

    A plan reads the target in a thread while the files are parsed. Each system call of
    a read lets that thread take the interpreter and makes the parse wait for it again:
    thousands of hand-overs for a big folder, which cost more CPU than they save. Read
    first, the files are then parsed without a system call."""

    texts: Mapping[str, str | QualyticsCIError]
    linked_dirs: tuple[str, ...] = ()


class _OverBudget(Exception):
    """The files' text passed the budget :func:`read_files` was given."""


def read_files(root: Path, *, skip_overrides: bool = True, progress: Progress = SILENT,
               budget: int | None = None) -> Files:
    """Every YAML file under ``root`` (see :func:`_yaml_files`), read; raises _OverBudget
    as soon as their text passes ``budget`` characters (when given)."""
    found, linked_dirs = _yaml_files(root, skip_overrides)
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
    return Files(texts, tuple(linked_dirs))


def snapshot(root: str | Path, progress: Progress = SILENT) -> Files | None:
    """The files of ``root`` when it is a config folder whose text is at most
    SNAPSHOT_CHARS; None otherwise (then each file is read as it is parsed, and a folder
    that is not a config folder is reported, as before)."""
    try:
        require_config_folder(root)
        return read_files(Path(root), progress=progress, budget=SNAPSHOT_CHARS)
    except (QualyticsCIError, OSError, _OverBudget):
        return None


def load_docs(root: Path, *, skip_overrides: bool = True, issues: list[Issue] | None = None,
              progress: Progress = SILENT, only: Callable[[str], bool] | None = None,
              files: Files | None = None) -> dict[str, Doc]:
    """Parse every YAML file under ``root`` (those ``only`` accepts, when given; ``files``:
    as they were read already); problems go to ``issues`` (or raise)."""
    if files is None:
        files = read_files(root, skip_overrides=skip_overrides, progress=progress)
    texts = list(files.texts.items())
    linked_dirs = files.linked_dirs
    if only is not None:
        texts = [(rel, text) for rel, text in texts if only(rel)]
        linked_dirs = tuple(rel for rel in linked_dirs if only(rel + "/_"))
    if issues is not None:
        issues.extend(Issue("warning", "a symbolic link to a directory; not followed, so its "
                                       "files are not read", rel) for rel in linked_dirs)
    docs: dict[str, Doc] = {}
    progress.start("parsing files", len(texts))
    for rel, text in texts:
        progress.advance()
        try:
            if isinstance(text, QualyticsCIError):
                raise text
            data, lines = yamlio.load(text, rel)
        except QualyticsCIError as exc:
            if issues is None:
                raise
            issues.append(Issue("error", exc.message, exc.file or rel, exc.line))
            continue
        docs[rel] = Doc(data, lines)
    progress.finish()
    return docs


def _outer(rel: str) -> bool:
    """A connection's or a datastore's own file (``datastores/<dir>/_datastore.yaml``)."""
    parts = rel.split("/")
    return (len(parts) == 2 and parts[0] == "connections") or (
        len(parts) == 3 and parts[0] == "datastores" and _stem(parts[2]) == "_datastore")


def read_outline(root: str | Path, env: str | None = None, *,
                 files: Files | None = None) -> tuple[Config, list[Issue]]:
    """Only the folder's connections and datastores, as :func:`read_folder` reads them:
    which datastores it holds and which connections (and variables) they use, known
    from a few files before the rest is parsed."""
    return read_folder(root, env, only=_outer, files=files)


def read_folder(root: str | Path, env: str | None = None, *, progress: Progress = SILENT,
                only: Callable[[str], bool] | None = None,
                files: Files | None = None) -> tuple[Config, list[Issue]]:
    """The folder as a :class:`Config`, with ``overrides/<env>/`` applied, and its issues
    (of the files ``only`` accepts, when given; ``files``: as they were read already)."""
    base = Path(root)
    if base.exists() and not base.is_dir():
        raise QualyticsCIError(f"{base} is a file, not a config folder",
                               hint="give --input the folder export wrote")
    if not base.is_dir():
        raise QualyticsCIError(f"folder {base} does not exist",
                               hint="export first: qualytics-ci export --output DIR")
    issues: list[Issue] = []
    docs = load_docs(base, issues=issues, progress=progress, only=only, files=files)
    if env:
        over_root = base / OVERRIDES_DIR / env
        if not over_root.is_dir():
            raise QualyticsCIError(f"no overrides for environment {env!r}",
                                   file=f"{OVERRIDES_DIR}/{env}",
                                   hint="create the folder or drop --env / QUALYTICS_ENV")
        over_docs = load_docs(over_root, skip_overrides=False, issues=issues, only=only)
        docs = overrides.apply(docs, over_docs, prefix=f"{OVERRIDES_DIR}/{env}/")
    return build(docs, issues), issues


def _stem(name: str) -> str:
    """A file name without its last suffix (``a.b.yaml`` -> ``a.b``), as PurePosixPath's
    ``stem`` reads it, without making a path object per file."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _classify(rel: str) -> tuple[str, tuple[str, ...]] | None:
    parts = rel.split("/")
    stem = _stem(parts[-1])
    if len(parts) == 2 and parts[0] == "connections":
        return "connection", ()
    if len(parts) < 3 or parts[0] != "datastores":
        return None
    ds_dir = parts[1]
    if len(parts) == 3 and stem == "_datastore":
        return "datastore", (ds_dir,)
    if len(parts) == 5 and parts[2] == "containers" and stem == "_container":
        return "container", (ds_dir, parts[3])
    if len(parts) == 6 and parts[2] == "containers" and parts[4] == "computed_fields":
        return "computed_field", (ds_dir, parts[3])
    if len(parts) == 5 and parts[2] == "checks":
        return "check", (ds_dir, parts[3])
    return None


def _doc(docs: Mapping[str, Doc], stem: str) -> Doc | None:
    """The parent document ``stem`` names, written ``.yaml`` or ``.yml`` (as _classify reads
    both)."""
    return docs.get(stem + ".yaml") or docs.get(stem + ".yml")


def _name_of(doc: Doc | None, fallback: str) -> str:
    if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("name"), str):
        return str(doc.data["name"])
    return fallback


def check_uid(body: Mapping[str, Any]) -> str:
    """The check's uid: from its metadata, else derived like the platform CLI does."""
    meta = body.get("additional_metadata")
    if isinstance(meta, dict) and isinstance(meta.get(UID_KEY), str) and meta[UID_KEY]:
        return str(meta[UID_KEY])
    fields = body.get("fields") if isinstance(body.get("fields"), list) else []
    return derive_uid(str(body.get("container", "")), str(body.get("rule_type", "")),
                      [str(f) for f in fields or []])


def build(docs: Mapping[str, Doc], issues: list[Issue]) -> Config:
    """Entities from parsed files; duplicates and schema problems go to ``issues``."""
    entities: list[Entity] = []
    seen: dict[Key, str] = {}
    dropped: managed.Found = {}
    for rel in sorted(docs):
        doc = docs[rel]
        where = _classify(rel)
        if where is None:
            issues.append(Issue("warning", "not part of the folder layout; ignored", rel))
            continue
        kind, dirs = where
        rel = doc.source or rel
        if not isinstance(doc.data, dict):
            issues.append(Issue("error", "expected a mapping of keys to values", rel, 1))
            continue
        body = managed.strip(kind, doc.data, rel, doc.lines, dropped)  # type: ignore[arg-type]
        problems = check_keys(kind, body, rel, doc.lines)  # type: ignore[arg-type]
        issues.extend(problems)
        if any(p.level == "error" for p in problems):
            continue
        entity = _entity(kind, dirs, body, rel, docs, dict(doc.lines))
        first = seen.setdefault(entity.key, rel)
        if first != rel:
            what = f"uid {entity.ident!r}" if kind == "check" else f"{kind} {entity.ident!r}"
            issues.append(Issue("error", f"{what} is defined twice: in {first} and in {rel}",
                                rel, doc.lines.get("additional_metadata." + UID_KEY)))
            continue
        entities.append(entity)
    issues.extend(managed.issues(dropped))
    return Config.of(entities)


def _entity(kind: str, dirs: tuple[str, ...], body: dict[str, Any], rel: str,
            docs: Mapping[str, Doc], lines: dict[str, int]) -> Entity:
    name = str(body.get("name", ""))
    if kind == "connection":
        return Connection(name=name, body=body, file=rel, lines=lines)
    datastore = _name_of(_doc(docs, f"datastores/{dirs[0]}/_datastore"), dirs[0])
    if kind == "datastore":
        return Datastore(name=name, body=body, file=rel, lines=lines)
    if kind == "container":
        return Container(name=name, body=body, datastore=datastore, file=rel, lines=lines)
    if kind == "computed_field":
        container_doc = _doc(docs, f"datastores/{dirs[0]}/containers/{dirs[1]}/_container")
        return ComputedField(name=name, body=body, datastore=datastore,
                             container=_name_of(container_doc, dirs[1]), file=rel, lines=lines)
    return Check(name=_stem(rel.rsplit("/", 1)[-1]), body=body, datastore=datastore,
                 container=str(body.get("container", "")), uid=check_uid(body), file=rel,
                 lines=lines)
