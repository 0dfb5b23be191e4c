"""Keys the API manages in a file: dropped on reading, never compared, never sent,
and named once per key however many files carry them."""

from __future__ import annotations

from pathlib import Path

from qualytics_ci.engine.export import write_export
from qualytics_ci.engine.plan import Scope, build_plan
from qualytics_ci.folder.managed import is_managed
from qualytics_ci.folder.reader import read_folder
from qualytics_ci.folder.schema import KEYS
from qualytics_ci.results.config import KIND_ORDER

from . import apidata

ALL = frozenset(KIND_ORDER)
SCOPE = Scope(ALL, frozenset({"warehouse-dev"}))
STAMPS = 'id: 7\ncreated: "2024-05-01T10:00:00Z"\nlast_editor_id: 3\n'
CHECK_STATS = 'anomaly_count: 12\nlast_asserted: "2024-06-02T00:00:00Z"\nlast_updated: "x"\n'


def _export(root: Path) -> list[Path]:
    write_export(root, apidata.demo_state(), ALL, ["warehouse-dev"], all_datastores=True)
    return sorted(root.rglob("*.yaml"))


def test_an_export_carries_no_managed_key(tmp_path: Path) -> None:
    # The API objects have ids, timestamps, counts and scores; none reaches a file.
    _export(tmp_path)
    _, issues = read_folder(tmp_path)
    assert [str(i) for i in issues if "server-managed" in i.message] == []


def test_managed_keys_are_dropped_and_warned_once_per_key(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    files = _export(clean)
    state = apidata.demo_state()
    clean_config, _ = read_folder(clean)
    reviewed = build_plan(clean_config, state, SCOPE).plan
    assert not reviewed.has_changes

    copied = tmp_path / "copied"
    checks = 0
    for path in files:
        rel = path.relative_to(clean)
        text = path.read_text(encoding="utf-8") + STAMPS
        if "checks" in rel.parts:
            text += CHECK_STATS
            checks += 1
        (copied / rel).parent.mkdir(parents=True, exist_ok=True)
        (copied / rel).write_text(text, encoding="utf-8")
    config, issues = read_folder(copied)

    managed = sorted(str(i) for i in issues if "server-managed" in i.message)
    first = "connections/warehouse_dev_db.yaml"
    first_check = sorted(str(p.relative_to(clean)) for p in files if "/checks/" in str(p))[0]
    end = len((copied / first).read_text().splitlines())  # the three stamps close the file
    check_end = len((copied / first_check).read_text().splitlines())
    expected = [(len(files), key, first, end - back)
                for key, back in (("id", 2), ("created", 1), ("last_editor_id", 0))]
    expected += [(checks, key, first_check, check_end - back)
                 for key, back in (("anomaly_count", 2), ("last_asserted", 1),
                                   ("last_updated", 0))]
    assert managed == sorted(f"warning: {n} files carry server-managed key `{key}`; it is "
                             f"ignored (first: {where}:{line})"
                             for n, key, where, line in expected)
    # No file-by-file "unknown key" warning for them either.
    assert [str(i) for i in issues if "unknown key" in i.message] == []
    for entity in config.entities():
        assert not {"id", "created", "last_editor_id", "anomaly_count"} & set(entity.body)

    planned = build_plan(config, state, SCOPE)
    assert not planned.plan.has_changes
    assert planned.plan.digest == reviewed.digest
    assert all(not {"id", "created"} & set(s.body or {}) for s in planned.steps)


def test_a_key_of_the_format_is_never_managed_and_other_unknown_keys_still_warn(
        tmp_path: Path) -> None:
    for kind, keys in KEYS.items():
        assert [k for k in keys if is_managed(kind, k)] == [], kind
    assert is_managed("check", "anomaly_count") and is_managed("container", "status")
    assert not is_managed("check", "status") and not is_managed("datastore", "connection_id")
    assert is_managed("datastore", "check_count") and is_managed("datastore", "overall_score")
    files = _export(tmp_path)
    check = next(p for p in files if "/checks/" in str(p))
    check.write_text(check.read_text() + "owner: finance\n")
    _, issues = read_folder(tmp_path)
    assert [i.message for i in issues if i.level == "warning"] == [
        "unknown key 'owner' (kept as is)"]
