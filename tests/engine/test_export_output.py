"""Export owns only what it wrote: which output folders it accepts, that it never writes
through a link leading out of the folder, and that a failed write changes nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from qualytics_ci.engine.export import check_output
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import disk
from qualytics_ci.folder.disk import STAGING, write_folder

FILES = {"connections/db.yaml": "name: db\n",
         "datastores/wh/_datastore.yaml": "name: wh\n",
         "datastores/wh/checks/orders/notnull__id.yaml": "rule_type: notNull\n"}


def owns_all(rel: str) -> bool:
    return True


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def refused(root: Path, *, force: bool = False) -> QualyticsCIError:
    with pytest.raises(QualyticsCIError) as exc:
        check_output(root, force=force)
    return exc.value


# -- which folders export accepts -------------------------------------------------------

@pytest.mark.parametrize("entries", [
    [],
    ["connections/", "datastores/", "overrides/", "qualytics-ci.yaml", "promotions.yaml"],
    ["README.md", ".git/", ".gitignore", "connections/"],
])
def test_a_new_empty_or_config_folder_is_accepted(tmp_path: Path, entries: list[str]) -> None:
    root = tmp_path / "cfg"
    root.mkdir()
    for name in entries:
        (root / name.rstrip("/")).mkdir() if name.endswith("/") else (root / name).touch()
    check_output(root)
    check_output(tmp_path / "not-there-yet" / "cfg")


def test_a_project_root_is_refused_and_force_is_named(tmp_path: Path) -> None:
    for rel in ("README.md", "src/app.py", "connections/mine.yaml", "pyproject.toml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("mine\n")
    error = refused(tmp_path)
    assert error.message.startswith(f"--output {tmp_path} is not a config folder "
                                    "(it has pyproject.toml, src)")
    assert "--force" in (error.hint or "")
    check_output(tmp_path, force=True)


def test_a_folder_export_wrote_stays_its_own_with_other_files_added(tmp_path: Path) -> None:
    (tmp_path / "datastores" / "wh").mkdir(parents=True)
    (tmp_path / "datastores" / "wh" / "_datastore.yaml").write_text("name: wh\n")
    (tmp_path / "Makefile").write_text("all:\n")
    check_output(tmp_path)


def test_the_root_and_the_home_directory_are_refused_even_with_force(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "the file system's root" in refused(Path("/"), force=True).message
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert "the home directory" in refused(home, force=True).message
    assert "the home directory" in refused(home / "sub" / "..", force=True).message


def test_an_existing_file_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    error = refused(tmp_path / "afile")
    assert error.message == f"--output {tmp_path / 'afile'} is a file, not a folder"


# -- never through a link leading out ---------------------------------------------------

def test_a_link_leading_out_of_the_folder_is_refused_and_nothing_written(
        tmp_path: Path) -> None:
    root, outside = tmp_path / "cfg", tmp_path / "outside"
    (root / "datastores").mkdir(parents=True)
    outside.mkdir()
    os.symlink(outside, root / "datastores" / "wh")
    with pytest.raises(QualyticsCIError) as exc:
        write_folder(root, FILES, owns_all)
    assert exc.value.message.startswith(
        f"{root}/datastores/wh is a symbolic link to {outside}, outside {root}")
    assert list(outside.iterdir()) == []
    assert not (root / "connections").exists()


def test_a_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    root = tmp_path / "cfg"
    (root / "datastores" / "real").mkdir(parents=True)
    os.symlink(root / "datastores" / "real", root / "datastores" / "wh")
    write_folder(root, FILES, owns_all)
    assert (root / "datastores" / "real" / "_datastore.yaml").read_text() == "name: wh\n"


def test_a_linked_file_is_replaced_not_written_through(tmp_path: Path) -> None:
    root, outside = tmp_path / "cfg", tmp_path / "outside.yaml"
    outside.write_text("theirs\n")
    (root / "connections").mkdir(parents=True)
    os.symlink(outside, root / "connections" / "db.yaml")
    write_folder(root, FILES, owns_all)
    assert outside.read_text() == "theirs\n"
    assert not (root / "connections" / "db.yaml").is_symlink()


def test_removal_never_follows_a_link_out_of_the_folder(tmp_path: Path) -> None:
    root, outside = tmp_path / "cfg", tmp_path / "outside"
    (outside / "checks" / "orders").mkdir(parents=True)
    theirs = outside / "checks" / "orders" / "old.yaml"
    theirs.write_text("theirs\n")
    (root / "datastores").mkdir(parents=True)
    os.symlink(outside, root / "datastores" / "lake")
    result = write_folder(root, {"connections/db.yaml": "name: db\n"}, owns_all)
    assert theirs.exists()
    assert result.removed == ()


# -- a failed write changes nothing -----------------------------------------------------

def test_a_failure_while_writing_leaves_the_folder_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "cfg"
    write_folder(root, FILES, owns_all)
    before = snapshot(root)
    changed = {rel: text + "changed: true\n" for rel, text in FILES.items()}
    changed["datastores/wh/checks/orders/zz_new.yaml"] = "rule_type: isType\n"
    real = disk._write_file

    def disk_full(path: str, data: bytes) -> None:
        if path.endswith("/zz_new.yaml"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(disk, "_write_file", disk_full)
    with pytest.raises(QualyticsCIError) as exc:
        write_folder(root, changed, owns_all)
    assert exc.value.message == (
        f"cannot write {root.as_posix()}/datastores/wh/checks/orders/zz_new.yaml: No space "
        f"left on device; nothing was changed in {root}")
    assert snapshot(root) == before
    assert not (root / STAGING).exists()


def test_a_name_too_long_is_said_so(tmp_path: Path) -> None:
    long_dir = "d" * 300
    with pytest.raises(QualyticsCIError) as exc:
        write_folder(tmp_path, {f"datastores/{long_dir}/_datastore.yaml": "name: x\n"},
                     owns_all)
    assert "file name too long for this file system; nothing was changed" in exc.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_stale_staging_folder_is_cleared_and_never_left(tmp_path: Path) -> None:
    (tmp_path / STAGING / "connections").mkdir(parents=True)
    (tmp_path / STAGING / "connections" / "half.yaml").write_text("half")
    result = write_folder(tmp_path, FILES, owns_all)
    assert sorted(result.written) == sorted(FILES)
    assert not (tmp_path / STAGING).exists()
    again = write_folder(tmp_path, FILES, owns_all)
    assert again.written == () and sorted(again.unchanged) == sorted(FILES)


def test_the_summary_lists_written_unchanged_and_removed(tmp_path: Path) -> None:
    write_folder(tmp_path, FILES, owns_all)
    fewer = {k: v for k, v in FILES.items() if "checks" not in k}
    fewer["connections/db.yaml"] = "name: db\nport: 5432\n"
    result = write_folder(tmp_path, fewer, owns_all)
    assert result.to_json("cfg") == {
        "output": "cfg", "written": ["connections/db.yaml"],
        "unchanged": ["datastores/wh/_datastore.yaml"],
        "removed": ["datastores/wh/checks/orders/notnull__id.yaml"]}
    assert not (tmp_path / "datastores" / "wh" / "checks").exists()


def test_a_part_of_a_config_folder_points_at_the_folder(tmp_path: Path) -> None:
    write_folder(tmp_path / "cfg", FILES, owns_all)
    error = refused(tmp_path / "cfg" / "datastores")
    assert error.message.startswith(f"--output {tmp_path}/cfg/datastores is not a config "
                                    "folder (it has wh)")
    assert error.hint == f"this is part of a config folder: give --output {tmp_path}/cfg instead"
