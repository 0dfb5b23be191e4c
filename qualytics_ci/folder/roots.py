"""Which config folder a file belongs to: its nearest ancestor that is a folder's root.

A folder's root holds ``connections/``, ``datastores/`` or the settings file
``qualytics-ci.yaml``. A file under ``overrides/<env>/`` belongs to the folder
that holds ``overrides/``, in environment ``<env>`` (the environment's directory
mirrors the layout, so it looks like a root itself but is not one).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from qualytics_ci.folder.files import OVERRIDES_DIR

SETTINGS_FILES = ("qualytics-ci.yaml", "qualytics-ci.yml")


def is_config_root(directory: Path) -> bool:
    """Whether ``directory`` looks like the root of a config folder."""
    return ((directory / "connections").is_dir() or (directory / "datastores").is_dir()
            or any((directory / name).is_file() for name in SETTINGS_FILES))


def _fits(parts: tuple[str, ...]) -> bool:
    """Whether a path relative to a candidate root is where the layout puts files."""
    if len(parts) == 1:
        return True  # the settings file, or a stray file validate warns about
    if parts[0] == "connections":
        return len(parts) == 2
    return parts[0] in ("datastores", OVERRIDES_DIR) and len(parts) >= 3


def config_root(file: str | Path) -> tuple[Path, str | None] | None:
    """The folder ``file`` belongs to and its environment (None: the base), or None."""
    path = Path(file)
    for candidate in path.parents:
        if not is_config_root(candidate):
            continue
        if candidate.parent.name == OVERRIDES_DIR and is_config_root(candidate.parent.parent):
            continue
        parts = path.relative_to(candidate).parts
        if not _fits(parts):
            continue
        env = parts[1] if parts[0] == OVERRIDES_DIR and len(parts) >= 3 else None
        return candidate, env
    return None


def config_roots(files: Iterable[str | Path]) -> dict[Path, set[str | None]]:
    """Each folder holding one of ``files``, with the environments they touch."""
    roots: dict[Path, set[str | None]] = {}
    for file in files:
        found = config_root(file)
        if found is not None:
            roots.setdefault(found[0], set()).add(found[1])
    return roots
