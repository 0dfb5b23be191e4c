"""The hostile-input corpus (tests/data/bad/cases.yaml): every case, run through each
of its commands against the sandbox, exits with its declared code and a message that
matches its pattern, sends the declared number of writes (0) and never a traceback.

The format is documented at the top of cases.yaml; a new case is one entry there (and
its files under tests/data/bad/<case>/), nothing in this module."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from reliability_kit import Runner, Target, copy_folder, not_null_check, overlay

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((BAD / "cases.yaml").read_text())
COMMANDS = ("validate", "plan", "import")
KEYS = frozenset({"folder", "make", "probe", "commands", "args", "exit", "message", "writes",
                  "file", "line", "known_bug"})
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


def commands_of(case: dict[str, Any]) -> list[str]:
    given = case.get("commands", list(COMMANDS))
    return [given] if isinstance(given, str) else list(given)


def build_case(name: str, demo_export: Path, tmp: Path) -> Path:
    """The demo export, the probe check (unless ``probe: false``), the case's files."""
    case = CASES[name]
    folder = copy_folder(demo_export, tmp / "config")
    if case.get("probe", True):
        overlay(BAD / "_probe", folder)
    files = BAD / str(case.get("folder", name))
    if files.is_dir():
        overlay(files, folder)
    if "make" in case:
        MAKERS[case["make"]](folder, case["file"], tmp)
    return folder


def test_every_case_is_well_formed() -> None:
    for name, case in CASES.items():
        assert set(case) <= KEYS, f"{name}: unknown keys {set(case) - KEYS}"
        assert isinstance(case.get("exit"), int), f"{name}: needs exit"
        assert isinstance(case.get("writes"), int), f"{name}: needs writes"
        re.compile(case["message"])
        assert set(commands_of(case)) <= set(COMMANDS), f"{name}: unknown command"
        folder = BAD / str(case.get("folder", name))
        assert "folder" not in case or folder.is_dir(), f"{name}: no folder {folder}"
        assert case.get("make") in (None, *MAKERS), f"{name}: unknown maker"


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
    """Every (case, command); a case the product is known to get wrong carries
    ``known_bug`` and is a strict xfail, so that the fix shows up as a failure to
    clean up."""
    params = []
    for name, case in sorted(CASES.items()):
        for command in commands_of(case):
            marks = ([pytest.mark.xfail(strict=True, reason=case["known_bug"])]
                     if case.get("known_bug") else [])
            params.append(pytest.param(name, command, marks=marks, id=f"{name}-{command}"))
    return params


@pytest.mark.parametrize(("name", "command"), case_params())
def test_hostile_input_is_refused_as_declared(name: str, command: str, run: Runner,
                                              target: Target, demo_export: Path,
                                              demo_env: dict[str, str], tmp_path: Path) -> None:
    case = CASES[name]
    folder = build_case(name, demo_export, tmp_path)
    run.env.update(demo_env)
    args = [str(a).replace("{url}", target.url).replace("{tmp}", str(tmp_path))
            for a in case.get("args", [])]
    mark = target.mark()
    result = run(command, "--input", str(folder), *args)
    assert result.code == case["exit"], result
    assert len(target.writes_since(mark)) == case["writes"], target.writes_since(mark)
    assert re.search(case["message"], result.text, re.IGNORECASE), \
        f"message does not match {case['message']!r}\n{result}"
    if "file" in case:
        files = case["file"] if isinstance(case["file"], list) else [case["file"]]
        assert any(f in result.text for f in files), f"message does not name {files}\n{result}"
        if "line" in case:
            assert any(f"{f}:{case['line']}" in result.text for f in files), \
                f"message does not give line {case['line']}\n{result}"
    assert "Traceback" not in result.text, result
    assert "internal error" not in result.text, result
