"""The harness deletes nothing while it measures: folders it no longer needs are set
aside (renamed) and removed once the run is over."""

from __future__ import annotations

from pathlib import Path

from benchmarks import folders


def _tree(root: Path, files: int) -> Path:
    for i in range(files):
        path = root / "datastores" / "bench" / "checks" / f"t{i % 2}" / f"c{i}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"rule_type: notNull\nn: {i}\n", encoding="utf-8")
    return root


def test_a_folder_set_aside_is_moved_whole_and_removed_only_at_the_end(tmp_path: Path) -> None:
    out = _tree(tmp_path / "export", 4)
    folders.set_aside(out)
    assert not out.exists()
    (moved,) = (tmp_path / folders.SET_ASIDE).iterdir()
    assert len(list(moved.rglob("*.yaml"))) == 4  # nothing deleted yet

    folders.set_aside(out)  # a folder that is not there: nothing to do
    assert len(list((tmp_path / folders.SET_ASIDE).iterdir())) == 1

    folders.remove_set_aside()
    assert not (tmp_path / folders.SET_ASIDE).exists()


def test_copying_over_a_folder_sets_the_old_one_aside(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src", 3)
    dst = _tree(tmp_path / "dst", 5)
    folders.copy(src, dst)
    assert sorted(p.name for p in dst.rglob("*.yaml")) == ["c0.yaml", "c1.yaml", "c2.yaml"]
    (old,) = (tmp_path / folders.SET_ASIDE).iterdir()
    assert len(list(old.rglob("*.yaml"))) == 5
    folders.remove_set_aside()
    assert not (tmp_path / folders.SET_ASIDE).exists()
