"""Writing a folder: a folder that was not there appears whole, a file that did not change
is not touched, and every destination is checked before anything is written."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.disk import STAGING, write_folder

FILES = {"connections/db.yaml": "name: db\n",
         "datastores/wh/_datastore.yaml": "name: wh\n",
         "datastores/wh/checks/orders/notnull__id.yaml": "rule_type: notNull\n"}


def owns_all(rel: str) -> bool:
    return True


def files_in(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def moves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every destination moved into place (relative to ``tmp_path/cfg``), in order."""
    seen: list[str] = []
    root = f"{tmp_path}/cfg/"

    def recording(real: Any) -> Any:
        def move(source: str, destination: str) -> None:
            seen.append(str(destination).removeprefix(root))
            real(source, destination)
        return move

    monkeypatch.setattr(os, "rename", recording(os.rename))
    monkeypatch.setattr(os, "replace", recording(os.replace))
    return seen


def test_a_folder_that_was_not_there_appears_whole(tmp_path: Path, moves: list[str]) -> None:
    root = tmp_path / "cfg"
    result = write_folder(root, FILES, owns_all)
    assert moves == ["connections", "datastores"]
    assert files_in(root) == {rel: text.encode() for rel, text in FILES.items()}
    assert result.written == tuple(sorted(FILES)) and not (root / STAGING).exists()

    moves.clear()
    more = {**FILES, "datastores/wh/checks/orders/notnull__id.yaml": "rule_type: notNull\n"
            "description: ids are set\n",
            "datastores/wh/checks/customers/unique__email.yaml": "rule_type: unique\n"}
    result = write_folder(root, more, owns_all)
    assert moves == ["datastores/wh/checks/customers",
                     "datastores/wh/checks/orders/notnull__id.yaml"]
    assert result.unchanged == ("connections/db.yaml", "datastores/wh/_datastore.yaml")


def test_an_unchanged_file_is_left_alone_and_a_changed_one_found_at_any_size(
        tmp_path: Path) -> None:
    root = tmp_path / "cfg"
    write_folder(root, FILES, owns_all)
    stamps = {rel: (root / rel).stat().st_mtime_ns for rel in FILES}
    (root / "connections/db.yaml").write_text("name: dx\n")  # the same size
    (root / "datastores/wh/_datastore.yaml").write_text("name: wh\nedited: true\n")
    result = write_folder(root, FILES, owns_all)
    assert result.written == ("connections/db.yaml", "datastores/wh/_datastore.yaml")
    assert result.unchanged == ("datastores/wh/checks/orders/notnull__id.yaml",)
    assert files_in(root) == {rel: text.encode() for rel, text in FILES.items()}
    check = "datastores/wh/checks/orders/notnull__id.yaml"
    assert (root / check).stat().st_mtime_ns == stamps[check]


@pytest.mark.parametrize(("make", "message"), [
    (lambda root: (root / "datastores").write_text("x"),
     "{root}/datastores is a file where export writes a folder; nothing was written"),
    (lambda root: (root / "connections" / "db.yaml").mkdir(parents=True),
     "{root}/connections/db.yaml is a folder where export writes a file; nothing was "
     "written"),
    (lambda root: ((root / "datastores").mkdir(),
                   os.symlink(root / "datastores" / "gone", root / "datastores" / "wh")),
     "{root}/datastores/wh is a symbolic link to {root}/datastores/gone, which does not "
     "exist: export does not write through it; nothing was written"),
])
def test_a_destination_that_cannot_be_written_is_refused_before_anything_is(
        tmp_path: Path, make: Any, message: str) -> None:
    root = tmp_path / "cfg"
    root.mkdir()
    make(root)
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    with pytest.raises(QualyticsCIError) as exc:
        write_folder(root, FILES, owns_all)
    assert exc.value.message == message.format(root=root)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


def test_a_failed_move_says_how_far_it_got(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "cfg"
    write_folder(root, FILES, owns_all)
    changed = {rel: text + "changed: true\n" for rel, text in FILES.items()}
    real = os.replace

    def fail_on_checks(source: str, destination: str) -> None:
        if "/checks/" in str(destination):
            raise OSError(13, "Permission denied")
        real(source, destination)

    monkeypatch.setattr(os, "replace", fail_on_checks)
    with pytest.raises(QualyticsCIError) as exc:
        write_folder(root, changed, owns_all)
    assert exc.value.message == (
        f"export stopped after 2 of 3 changed files: cannot write {root}/datastores/wh/checks/"
        "orders/notnull__id.yaml: Permission denied")
    assert not (root / STAGING).exists()


def test_a_link_inside_aliasing_a_written_file_is_not_removed(tmp_path: Path) -> None:
    root = tmp_path / "cfg"
    (root / "datastores" / "real").mkdir(parents=True)
    os.symlink(root / "datastores" / "real", root / "datastores" / "wh")
    write_folder(root, FILES, owns_all)
    again = write_folder(root, FILES, owns_all)
    assert again.removed == () and again.written == ()
    assert (root / "datastores" / "real" / "_datastore.yaml").read_text() == "name: wh\n"


def test_a_file_at_the_top_of_the_folder(tmp_path: Path) -> None:
    result = write_folder(tmp_path, {"qualytics-ci.yaml": "concurrency: 8\n"},
                          lambda rel: False)
    assert result.written == ("qualytics-ci.yaml",)
    assert files_in(tmp_path) == {"qualytics-ci.yaml": b"concurrency: 8\n"}


def test_a_file_gone_from_an_old_folder_is_removed_beside_a_new_folder(
        tmp_path: Path) -> None:
    root = tmp_path / "cfg"
    write_folder(root, FILES, owns_all)
    now = {"connections/db.yaml": "name: db\n", "datastores/wh/_datastore.yaml": "name: wh\n",
           "datastores/lake/_datastore.yaml": "name: lake\n",
           "datastores/lake/checks/events/notnull__id.yaml": "rule_type: notNull\n"}
    result = write_folder(root, now, owns_all)
    assert result.written == ("datastores/lake/_datastore.yaml",
                              "datastores/lake/checks/events/notnull__id.yaml")
    assert result.removed == ("datastores/wh/checks/orders/notnull__id.yaml",)
    assert files_in(root) == {rel: text.encode() for rel, text in now.items()}
