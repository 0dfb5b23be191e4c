"""The bad-input corpus (tests/data/bad/cases.yaml): every case makes
``qualytics-ci import`` stop with exit 1, a message naming the file (and line),
and not a single write request to the target."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from reliability_kit import Runner, Target, copy_folder, not_null_check, overlay

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((BAD / "cases.yaml").read_text())
HUGE_BYTES = 12 * 1024 * 1024


def make_huge_file(folder: Path, rel: str, tmp: Path) -> None:
    """A valid check whose description makes the file 12 MiB."""
    text = not_null_check("reliability__huge", description="x" * HUGE_BYTES)
    (folder / rel).write_text(text, encoding="utf-8")


def make_non_utf8(folder: Path, rel: str, tmp: Path) -> None:
    text = not_null_check("reliability__latin1", description="caf\xe9 cr\xe8me")
    (folder / rel).write_bytes(text.encode("latin-1"))


def make_symlink_out(folder: Path, rel: str, tmp: Path) -> None:
    outside = tmp / "outside-the-folder.yaml"
    outside.write_text(not_null_check("reliability__outside", description="lives outside"),
                       encoding="utf-8")
    os.symlink(outside, folder / rel)


MAKERS = {"huge_file": make_huge_file, "non_utf8": make_non_utf8,
          "symlink_out": make_symlink_out}


def build_case(name: str, demo_export: Path, tmp: Path) -> Path:
    folder = copy_folder(demo_export, tmp / "config")
    overlay(BAD / "_probe", folder)
    case = CASES[name]
    if (BAD / name).is_dir():
        overlay(BAD / name, folder)
    if "make" in case:
        MAKERS[case["make"]](folder, case["file"], tmp)
    return folder


def test_probe_alone_is_a_valid_import_that_writes(run: Runner, target: Target,
                                                   demo_export: Path, demo_env: dict[str, str],
                                                   tmp_path: Path) -> None:
    """The control: without a bad file, the same folder imports and writes, so the
    zero-write assertions below are meaningful."""
    folder = copy_folder(demo_export, tmp_path / "config")
    overlay(BAD / "_probe", folder)
    run.env.update(demo_env)
    mark = target.mark()
    result = run("import", "--input", str(folder))
    assert result.code == 0, result
    writes = target.writes_since(mark)
    assert any(w["template"] == "POST /api/quality-checks" for w in writes), writes
    assert target.uid_counts("warehouse-dev")["reliability__probe__shipped_at"] == 1


def case_params() -> list[Any]:
    """Every case; one the product is known to get wrong carries ``known_bug`` in
    cases.yaml and is a strict xfail, so that the fix shows up as a failure to clean up."""
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=case["known_bug"]))
            if case.get("known_bug") else name for name, case in sorted(CASES.items())]


@pytest.mark.parametrize("name", case_params())
def test_bad_input_is_refused_before_any_write(name: str, run: Runner, target: Target,
                                               demo_export: Path, demo_env: dict[str, str],
                                               tmp_path: Path) -> None:
    case = CASES[name]
    folder = build_case(name, demo_export, tmp_path)
    run.env.update(demo_env)
    mark = target.mark()
    result = run("import", "--input", str(folder))
    assert result.code == 1, result
    assert target.writes_since(mark) == []
    text = result.text
    files = case["file"] if isinstance(case["file"], list) else [case["file"]]
    assert any(f in text for f in files), f"message does not name {files}\n{result}"
    if "line" in case:
        assert any(f"{f}:{case['line']}" in text for f in files), \
            f"message does not give line {case['line']}\n{result}"
    fragments = [str(e) for e in case["expect"]]
    assert any(e.lower() in text.lower() for e in fragments), \
        f"message has none of {fragments}\n{result}"
    assert "Traceback" not in text, result
