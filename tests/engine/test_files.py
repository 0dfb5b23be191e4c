"""Reading a folder: safe YAML, located errors, duplicates, path safety."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import files as folder_files
from qualytics_ci.folder.files import snapshot
from qualytics_ci.folder.reader import read_folder
from qualytics_ci.folder.schema import raise_if_errors

CHECK = """\
rule_type: notNull
description: ids are set
container: orders
fields:
- id
coverage: 1.0
filter: null
anomaly_message_field: null
properties: {}
tags: []
status: Active
additional_metadata:
  _qualytics_check_uid: orders__notnull__id
"""


def put(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def folder(tmp_path: Path) -> Path:
    put(tmp_path, "connections/db.yaml", "name: db\ntype: postgresql\nhost: h\n")
    put(tmp_path, "datastores/wh/_datastore.yaml", "name: wh-dev\nconnection_name: db\n")
    put(tmp_path, "datastores/wh/checks/orders/notnull__id.yaml", CHECK)
    return tmp_path


def test_reads_every_kind_with_identity_from_files(tmp_path: Path) -> None:
    config, issues = read_folder(folder(tmp_path))
    assert [i for i in issues if i.level == "error"] == []
    assert [c.name for c in config.connections] == ["db"]
    check = config.checks[0]
    assert (check.datastore, check.container, check.uid) == ("wh-dev", "orders",
                                                             "orders__notnull__id")
    assert check.file == "datastores/wh/checks/orders/notnull__id.yaml"


def test_a_parent_written_yml_names_its_children_too(tmp_path: Path) -> None:
    put(tmp_path, "connections/db.yaml", "name: db\ntype: postgresql\nhost: h\n")
    put(tmp_path, "datastores/wh/_datastore.yml", "name: wh-dev\nconnection_name: db\n")
    put(tmp_path, "datastores/wh/checks/orders/notnull__id.yaml", CHECK)
    put(tmp_path, "datastores/wh/containers/big_orders/_container.yml",
        "name: Big Orders\ncontainer_type: computed_table\nquery: select 1\n")
    put(tmp_path, "datastores/wh/containers/big_orders/computed_fields/x.yaml",
        "name: x\ntransformation: cleanedEntity\nsource_fields: [id]\n")
    config, _ = read_folder(tmp_path)
    assert [c.datastore for c in config.checks] == ["wh-dev"]
    assert [(f.datastore, f.container) for f in config.computed_fields] == [("wh-dev",
                                                                            "Big Orders")]


def test_dates_stay_strings(tmp_path: Path) -> None:
    put(folder(tmp_path), "datastores/wh/checks/orders/notnull__id.yaml",
        CHECK.replace("description: ids are set", "description: 2024-01-15"))
    config, _ = read_folder(tmp_path)
    assert config.checks[0].body["description"] == "2024-01-15"


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    put(folder(tmp_path), "connections/bad.yaml", "name: x\ntype: [unclosed\nhost: y\n")
    _, issues = read_folder(tmp_path)
    errors = [i for i in issues if i.level == "error"]
    assert errors[0].file == "connections/bad.yaml"
    assert errors[0].line == 3
    with pytest.raises(QualyticsCIError, match="invalid YAML"):
        raise_if_errors(issues)


def test_unknown_key_is_a_named_warning_and_wrong_type_an_error(tmp_path: Path) -> None:
    put(folder(tmp_path), "connections/db.yaml",
        "name: db\ntype: postgresql\nflavour: mint\njdbc_fetch_size: lots\n")
    _, issues = read_folder(tmp_path)
    assert any(i.level == "warning" and "'flavour'" in i.message and i.line == 3
               for i in issues)
    assert any(i.level == "error" and "'jdbc_fetch_size' must be a integer" in i.message
               and i.line == 4 for i in issues)


def test_duplicate_uid_names_both_files(tmp_path: Path) -> None:
    put(folder(tmp_path), "datastores/wh/checks/orders/notnull__id_2.yaml", CHECK)
    _, issues = read_folder(tmp_path)
    (error,) = [i for i in issues if i.level == "error"]
    assert "notnull__id.yaml" in error.message and "notnull__id_2.yaml" in error.message


def test_two_files_for_one_connection_name_both_files(tmp_path: Path) -> None:
    put(folder(tmp_path), "connections/db_copy.yaml", "name: db\ntype: postgresql\n")
    _, issues = read_folder(tmp_path)
    (error,) = [i for i in issues if i.level == "error"]
    assert "connections/db.yaml" in error.message and "connections/db_copy.yaml" in error.message


def test_duplicate_key_in_one_file_is_an_error(tmp_path: Path) -> None:
    put(folder(tmp_path), "connections/db.yaml", "name: db\ntype: a\ntype: b\n")
    _, issues = read_folder(tmp_path)
    assert any("appears twice" in i.message and i.line == 3 for i in issues)


def test_symlink_out_of_folder_is_refused(tmp_path: Path) -> None:
    outside = put(tmp_path, "outside/secret.yaml", "name: x\ntype: y\n")
    root = folder(tmp_path / "cfg")
    os.symlink(outside, root / "connections" / "link.yaml")
    _, issues = read_folder(root)
    assert any("outside the folder" in i.message and i.file == "connections/link.yaml"
               for i in issues)


def test_symlink_inside_the_folder_is_read(tmp_path: Path) -> None:
    root = folder(tmp_path)
    put(root, "shared/lake.yaml", "name: lake\ntype: s3\n")
    os.symlink(root / "shared" / "lake.yaml", root / "connections" / "lake.yaml")
    config, issues = read_folder(root)
    assert sorted(c.name for c in config.connections) == ["db", "lake"]
    assert not [i for i in issues if i.level == "error"]


def test_linked_directory_is_named_and_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    put(outside, "lake.yaml", "name: lake\ntype: s3\n")
    root = folder(tmp_path / "cfg")
    os.symlink(outside, root / "connections" / "more", target_is_directory=True)
    config, issues = read_folder(root)
    assert [c.name for c in config.connections] == ["db"]
    assert [(i.level, i.file) for i in issues if "not followed" in i.message] == [
        ("warning", "connections/more")]


def test_a_link_to_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    root = folder(tmp_path)
    os.mkfifo(root / "shared.fifo")
    os.symlink(root / "shared.fifo", root / "connections" / "lake.yaml")
    _, issues = read_folder(root)  # an open() that blocked would hang here
    assert [(i.level, i.file, i.message) for i in issues if i.level == "error"] == [
        ("error", "connections/lake.yaml", "not a regular file; refusing to read it")]


def test_a_short_read_is_read_on_to_the_end(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is read in one call when it brings the size fstat gave; a file system that
    answers with less (network and FUSE ones may) is read on, never taken as the file."""
    root = folder(tmp_path)
    real_read = os.read
    calls: list[int] = []

    def short_read(fd: int, n: int) -> bytes:
        calls.append(n)
        return real_read(fd, min(n, 40))

    monkeypatch.setattr("qualytics_ci.folder.files.os.read", short_read)
    config, issues = read_folder(root)
    raise_if_errors(issues)
    (check,) = config.checks
    assert check.body["additional_metadata"] == {"_qualytics_check_uid": "orders__notnull__id"}
    assert len(calls) >= 3 + len(CHECK) // 40  # the check file read on in 40-byte pieces


def test_a_whole_read_takes_one_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = folder(tmp_path)
    real_read = os.read
    calls: list[int] = []

    def counted(fd: int, n: int) -> bytes:
        calls.append(n)
        return real_read(fd, n)

    monkeypatch.setattr("qualytics_ci.folder.files.os.read", counted)
    _, issues = read_folder(root)
    raise_if_errors(issues)
    assert len(calls) == 3  # three files, one read each


def test_huge_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    root = folder(tmp_path)
    put(root, "connections/huge.yaml", "# " + "x" * (5 * 1024 * 1024 + 10))
    put(root, "connections/latin.yaml", "name: caf\xe9\n".encode("latin-1"))
    _, issues = read_folder(root)
    messages = {i.file: i.message for i in issues}
    assert "larger than 5 MB" in messages["connections/huge.yaml"]
    assert "not UTF-8" in messages["connections/latin.yaml"]


def test_uid_derived_when_absent(tmp_path: Path) -> None:
    text = CHECK.replace("additional_metadata:\n  _qualytics_check_uid: orders__notnull__id\n",
                         "additional_metadata: {}\n").replace("- id", "- Customer ID")
    put(folder(tmp_path), "datastores/wh/checks/orders/notnull__id.yaml", text)
    config, _ = read_folder(tmp_path)
    assert config.checks[0].uid == "orders__notnull__customer_id"


def test_overrides_merge_add_and_delete(tmp_path: Path) -> None:
    root = folder(tmp_path)
    put(root, "overrides/prod/datastores/wh/checks/orders/notnull__id.yaml",
        "coverage: 0.5\nproperties:\n  x: 1\n")
    put(root, "overrides/prod/connections/db.yaml", "_delete: true\n")
    put(root, "overrides/prod/connections/extra.yaml", "name: extra\ntype: mysql\n")
    config, issues = read_folder(root, "prod")
    assert [i for i in issues if i.level == "error"] == []
    assert [c.name for c in config.connections] == ["extra"]
    assert config.connections[0].file == "overrides/prod/connections/extra.yaml"
    check = config.checks[0]
    assert check.body["coverage"] == 0.5 and check.body["properties"] == {"x": 1}
    assert check.body["fields"] == ["id"]
    base, _ = read_folder(root)
    assert base.checks[0].body["coverage"] == 1.0


def test_missing_environment_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(QualyticsCIError, match="no overrides for environment 'qa'"):
        read_folder(folder(tmp_path), "qa")


def test_a_folder_beyond_the_snapshot_budget_is_read_file_by_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = folder(tmp_path)
    files = snapshot(root)
    assert files is not None and sorted(files.texts) == [
        "connections/db.yaml", "datastores/wh/_datastore.yaml",
        "datastores/wh/checks/orders/notnull__id.yaml"]
    monkeypatch.setattr(folder_files, "SNAPSHOT_CHARS", len(CHECK))  # less than the folder holds
    assert snapshot(root) is None  # then the parse reads each file itself
    config, issues = read_folder(root, files=snapshot(root))
    raise_if_errors(issues)
    assert [c.uid for c in config.checks] == ["orders__notnull__id"]
    assert snapshot(tmp_path / "elsewhere") is None  # not a config folder: reported later


def test_a_settings_file_that_is_a_broken_link_is_an_error_not_the_defaults(
        tmp_path: Path) -> None:
    """A qualytics-ci.yaml that cannot be read would give a plan the default options,
    unlike the ones the folder declares: it is reported instead."""
    from qualytics_ci.folder.settings import read_settings

    root = folder(tmp_path)
    (root / "qualytics-ci.yaml").symlink_to(tmp_path / "gone.yaml")
    for read in (None, snapshot(root)):
        _, issues = read_settings(root, read)
        assert [(i.level, i.file) for i in issues] == [("error", "qualytics-ci.yaml")]
        assert "broken link" in issues[0].message
