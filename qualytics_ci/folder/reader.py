"""Folder -> model: find the files, parse them safely, build the entities.

The folder layout is the platform CLI's (see docs/format.md). Every problem is
collected as an :class:`~qualytics_ci.folder.schema.Issue` with its file and line, so
one run reports all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import managed, overrides, yamlio
from qualytics_ci.folder.files import OVERRIDES_DIR, Files, read_files
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
    names: dict[str, str] = {}  # datastore directory -> the name its _datastore file gives
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
        entity = _entity(kind, dirs, body, rel, docs, doc.lines, names)
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
            docs: Mapping[str, Doc], lines: Mapping[str, int],
            names: dict[str, str]) -> Entity:
    name = str(body.get("name", ""))
    if kind == "connection":
        return Connection(name=name, body=body, file=rel, lines=lines)
    datastore = names.get(dirs[0])
    if datastore is None:
        datastore = names[dirs[0]] = _name_of(_doc(docs, f"datastores/{dirs[0]}/_datastore"),
                                              dirs[0])
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
