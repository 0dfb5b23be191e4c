"""Prune safety: checks missing from the folder are archived, never deleted;
archiving beyond the cap needs --allow-mass-archive; re-import restores."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from reliability_kit import Runner, Target, check_files, copy_folder, uid_of

DS = "warehouse-dev"


@pytest.fixture
def folder(demo_export: Path, demo_env: dict[str, str], run: Runner, tmp_path: Path) -> Path:
    run.env.update(demo_env)
    return copy_folder(demo_export, tmp_path / "config")


def file_uid(path: Path) -> str:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(doc["additional_metadata"]["_qualytics_check_uid"])


def test_prune_archives_and_reimport_restores(run: Runner, target: Target,
                                              folder: Path) -> None:
    victim = check_files(folder, DS)[0]
    uid = file_uid(victim)
    before = {uid_of(c): c["id"] for c in target.checks(DS)}
    saved = victim.read_bytes()
    victim.unlink()

    mark = target.mark()
    result = run("import", "--input", str(folder), "--prune")
    assert result.code == 0, result
    writes = target.writes_since(mark)
    assert [w["method"] for w in writes] == ["DELETE"], writes
    archived = {uid_of(c): c["id"] for c in target.archived_checks(DS)}
    assert archived.get(uid) == before[uid], "the check was not archived"
    target.api("GET", f"/api/quality-checks/{before[uid]}")  # still there: archived, not deleted
    assert uid not in {uid_of(c) for c in target.checks(DS)}
    assert run("plan", "--input", str(folder), "--prune", "--detailed-exitcode").code == 0

    victim.write_bytes(saved)
    result = run("import", "--input", str(folder))
    assert result.code == 0, result
    live = [c for c in target.checks(DS) if uid_of(c) == uid]
    assert [c["id"] for c in live] == [before[uid]], "not restored in place (or duplicated)"
    assert live[0]["status"] in ("Active", "Draft")
    assert uid not in {uid_of(c) for c in target.archived_checks(DS)}
    assert run("plan", "--input", str(folder), "--prune", "--detailed-exitcode").code == 0


def test_mass_archive_needs_the_flag(run: Runner, target: Target, folder: Path) -> None:
    files = check_files(folder, DS)
    for path in files:
        path.unlink()
    live = len(target.checks(DS))
    mark = target.mark()
    refused = run("import", "--input", str(folder), "--prune")
    assert refused.code == 1, refused
    assert "--allow-mass-archive" in refused.text, refused
    assert target.writes_since(mark) == []
    assert len(target.checks(DS)) == live

    done = run("import", "--input", str(folder), "--prune", "--allow-mass-archive")
    assert done.code == 0, done
    assert target.checks(DS) == []
    assert len(target.archived_checks(DS)) >= live
    assert all(w["method"] == "DELETE" for w in target.writes_since(mark))
