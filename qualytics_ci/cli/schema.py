"""``schema``: the JSON Schema of one kind of file on stdout, or every kind's into a folder
(``DIR/<kind>.json``), for editors to check the folder's files as they are typed."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from qualytics_ci.errors import EXIT_OK, QualyticsCIError
from qualytics_ci.folder import jsonschema
from qualytics_ci.folder.layout import SchemaKind

_HINT = "give --output a folder you can write to"


def write_schemas(directory: str | Path) -> tuple[list[Path], list[Path]]:
    """Write every kind's schema into ``directory`` (created when missing); a file that
    already holds the same bytes is left alone. Returns the files written and unchanged."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise QualyticsCIError(f"--output {root} is a file, not a folder", hint=_HINT)
    written: list[Path] = []
    unchanged: list[Path] = []
    try:
        root.mkdir(parents=True, exist_ok=True)
        for kind in jsonschema.KINDS:
            path = root / jsonschema.file_name(kind)
            data = jsonschema.schema_text(kind).encode()
            if path.is_file() and path.read_bytes() == data:
                unchanged.append(path)
                continue
            _replace(path, data)
            written.append(path)
    except OSError as exc:
        where = exc.filename or root
        raise QualyticsCIError(f"cannot write {where}: {exc.strerror or exc}",
                               hint=_HINT) from None
    return written, unchanged


def _replace(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` afterwards, or what it held before (never half of it)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def schema_cmd(args: argparse.Namespace) -> int:
    """``schema --kind KIND`` prints one schema; ``schema --output DIR`` writes them all."""
    if args.kind:
        kind: SchemaKind = args.kind
        print(jsonschema.schema_text(kind), end="")
        return EXIT_OK
    written, unchanged = write_schemas(args.output)
    for path in written:
        print(f"  wrote     {path.as_posix()}")
    for path in unchanged:
        print(f"  unchanged {path.as_posix()}")
    print(f"{len(written)} written, {len(unchanged)} unchanged.")
    return EXIT_OK
