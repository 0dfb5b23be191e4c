"""The editor's view of a file (the JSON Schema its path maps to in .vscode/settings.json)
next to validate's view of it (the same file read into a folder of its own)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from qualytics_ci.folder import jsonschema, reader, validate, yamlio
from qualytics_ci.folder.schema import Issue
from qualytics_ci.folder.yamlio import Doc
from qualytics_ci.results.config import Kind
from qualytics_ci.scaffold import templates


def kind_of(rel: str) -> Kind | None:
    """The kind whose schema the editor settings map ``rel`` (relative to the config
    folder) to; None when no glob matches, an error when several do."""
    found = []
    for kind, globs in templates.SCHEMA_FILES.items():
        for glob in globs:
            pattern = "[^/]*".join(re.escape(part) for part in glob.split("*"))
            if re.fullmatch(pattern + r"\.ya?ml", rel):
                found.append(kind)
    assert len(found) <= 1, f"{rel} matches the globs of {found}"
    return found[0] if found else None  # type: ignore[return-value]


def validator(kind: Kind, directory: Path | None = None) -> Draft202012Validator:
    """The validator of ``kind``'s schema: generated, or read from ``directory``."""
    if directory is None:
        doc = jsonschema.schema(kind)
    else:
        doc = json.loads((directory / jsonschema.file_name(kind)).read_text(encoding="utf-8"))
    return Draft202012Validator(doc)


def schema_errors(kind: Kind, data: Any, directory: Path | None = None) -> list[str]:
    """What the schema says about ``data``: ``<path>: <message>`` per error."""
    return [f"{e.json_path}: {e.message}" for e in validator(kind, directory).iter_errors(data)]


def validate_errors(rel: str, data: Any) -> list[str]:
    """The errors validate finds in ``data`` as the file ``rel`` of a folder of its own (no
    variables set, so an unset one is a warning, as in an editor)."""
    issues: list[Issue] = []
    config = reader.build({rel: Doc(data, {})}, issues)
    issues.extend(validate.validate_config(config, {}))
    return [i.message for i in issues if i.level == "error"]


def load(path: Path, rel: str) -> Any:
    """A file as the tool reads it (the reader refuses what JSON cannot hold)."""
    return yamlio.load(path.read_text(encoding="utf-8"), rel)[0]


def folder_files(root: Path) -> list[tuple[str, Path]]:
    """``(path relative to root, path)`` of every YAML file, overrides aside."""
    return [(p.relative_to(root).as_posix(), p) for p in sorted(root.rglob("*.y*ml"))
            if p.relative_to(root).parts[0] != "overrides"]
