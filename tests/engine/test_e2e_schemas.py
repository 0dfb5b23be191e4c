"""`qualytics-ci schema`: every file an export of the demo seed writes (all datastores)
passes the schema its path maps to, as written by `schema --output`; the files are the
same bytes run after run and only a changed one is rewritten; usage errors exit 1."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from qualytics_ci.cli import main
from qualytics_ci.folder import jsonschema

from .e2e import Cli
from .schemas import folder_files, kind_of, load, schema_errors


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["-q", *argv])
    return code, out.getvalue(), err.getvalue()


def test_every_file_of_the_demo_seeds_export_passes_its_schema(cli: Cli, tmp_path: Path) -> None:
    assert cli.run("export").code == 0
    schemas = tmp_path / "schemas"
    assert run("schema", "--output", str(schemas))[0] == 0
    files = folder_files(cli.folder)
    per_kind: dict[str, int] = {}
    for rel, path in files:
        kind = kind_of(rel)
        assert kind is not None, f"no schema is mapped to {rel}"
        per_kind[kind] = per_kind.get(kind, 0) + 1
        assert schema_errors(kind, load(path, rel), schemas) == [], rel
    # export writes every kind's files; promotions.yaml is written by hand (its schema is
    # tested in tests/engine/test_promotions_schema.py)
    assert set(per_kind) == set(jsonschema.KINDS) - {"promotion"}, per_kind
    datastores = {rel.split("/")[1] for rel, _ in files if rel.startswith("datastores/")}
    assert len(datastores) > 1, "every datastore of the seed is exported"
    assert cli.run("validate", target=False).code == 0


def test_schema_output_is_the_same_bytes_and_rewrites_only_what_changed(tmp_path: Path) -> None:
    out = tmp_path / ".qualytics" / "schemas"
    code, text, _ = run("schema", "--output", str(out))
    assert code == 0 and "6 written, 0 unchanged." in text
    first = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert sorted(first) == sorted(f"{kind}.json" for kind in jsonschema.KINDS)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    code, text, _ = run("schema", "--output", str(out))
    assert code == 0 and "0 written, 6 unchanged." in text
    assert {p.name: p.read_bytes() for p in sorted(out.iterdir())} == first
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps

    (out / "check.json").write_text("{}\n")
    code, text, _ = run("schema", "--output", str(out))
    assert code == 0 and "1 written, 5 unchanged." in text
    assert f"  wrote     {(out / 'check.json').as_posix()}" in text
    assert (out / "check.json").read_bytes() == first["check.json"]
    assert sorted(p.name for p in out.iterdir()) == sorted(first), "no partial file left"


def test_schema_kind_prints_the_bytes_output_writes(tmp_path: Path) -> None:
    assert run("schema", "--output", str(tmp_path))[0] == 0
    for kind in jsonschema.KINDS:
        code, text, err = run("schema", "--kind", kind)
        assert code == 0 and err == ""
        assert text.encode() == (tmp_path / f"{kind}.json").read_bytes()


def test_usage_errors_exit_1_and_say_what_to_give(tmp_path: Path) -> None:
    code, _, err = run("schema")
    assert code == 1 and "one of the arguments --kind --output/-o is required" in err
    code, _, err = run("schema", "--kind", "chek")
    assert code == 1 and "did you mean 'check'?" in err
    code, _, err = run("schema", "--kind", "check", "--output", str(tmp_path))
    assert code == 1 and "not allowed with argument --kind" in err
    afile = tmp_path / "schemas.json"
    afile.write_text("{}")
    code, out, err = run("schema", "--output", str(afile))
    assert code == 1 and out == ""
    assert err.splitlines()[0] == f"error: --output {afile} is a file, not a folder"
    assert "Traceback" not in err
