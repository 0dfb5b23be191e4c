"""Edits the benchmark makes to exported folders, by text so that the files
stay byte-for-byte what each tool wrote apart from the edited lines."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SET_ASIDE = ".set-aside"  # where folders the run no longer needs wait to be removed
_numbers = itertools.count(1)
_made: set[Path] = set()  # the .set-aside folders made so far


def set_aside(path: Path) -> None:
    """Move ``path`` out of the way without deleting it: into ``.set-aside`` next to
    it, removed by :func:`remove_set_aside` once the run is over.

    On an ext4 file system without a journal, the kernel will not reuse an inode freed
    less than 60 s ago (6 min while its inode table block is unwritten): each file
    created in that block group steps over every such inode (``recently_deleted()`` in
    fs/ext4/ialloc.c). Deleting the 5,000 files of one export right before the next
    one made that export's system time grow from 0.15 s to 1.4 s, then 2.6 s. So the
    harness deletes nothing while it measures."""
    if not path.exists():
        return
    aside = path.parent / SET_ASIDE
    aside.mkdir(exist_ok=True)
    _made.add(aside)
    path.rename(aside / f"{path.name}-{next(_numbers)}")


def remove_set_aside() -> None:
    """Delete every folder :func:`set_aside` moved, once nothing more is measured."""
    while _made:
        shutil.rmtree(_made.pop(), ignore_errors=True)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def placeholders(root: Path) -> set[str]:
    """Every ``${VAR}`` named anywhere in the folder."""
    found: set[str] = set()
    for path in root.rglob("*.yaml"):
        found.update(PLACEHOLDER.findall(path.read_text(encoding="utf-8")))
    return found


def check_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("datastores/*/checks/**/*.yaml") if p.is_file())


def copy(src: Path, dst: Path) -> Path:
    set_aside(dst)
    shutil.copytree(src, dst)
    return dst


def retarget(root: Path, source: str, target: str) -> None:
    """Make the folder describe datastore ``target`` instead of ``source``:
    rename its directory and the ``name`` in ``_datastore.yaml``. Other
    datastores' directories are removed so the folder holds one datastore."""
    datastores = root / "datastores"
    src_dir = datastores / slug(source)
    if not src_dir.is_dir():
        raise FileNotFoundError(f"{src_dir} does not exist")
    for other in datastores.iterdir():
        if other != src_dir:
            set_aside(other)
    dst_dir = datastores / slug(target)
    src_dir.rename(dst_dir)
    meta = dst_dir / "_datastore.yaml"
    text = meta.read_text(encoding="utf-8")
    new, count = re.subn(r"^name:.*$", f"name: {target}", text, count=1, flags=re.M)
    if count != 1:
        raise ValueError(f"{meta} has no top-level name")
    meta.write_text(new, encoding="utf-8")


def edit_descriptions(root: Path, fraction: float) -> int:
    """Change the description of every ``1/fraction``-th check file (sorted by
    path, so both tools' folders get the same checks edited when they agree on
    file names). Returns how many files were edited."""
    files = check_files(root)
    step = max(1, round(1 / fraction))
    edited = 0
    for index, path in enumerate(files):
        if index % step:
            continue
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        out: list[str] = []
        skipping = False
        for line in lines:
            if skipping and (line.startswith((" ", "\t")) or not line.strip()):
                continue
            skipping = False
            if line.startswith("description:") and not edited_marker(out):
                out.append(f"description: edited by the benchmark ({index})\n")
                skipping = True
                continue
            out.append(line)
        path.write_text("".join(out), encoding="utf-8")
        edited += 1
    return edited


def edited_marker(lines: list[str]) -> bool:
    return any(line.startswith("description: edited by the benchmark") for line in lines)
