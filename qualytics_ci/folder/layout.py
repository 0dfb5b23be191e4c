"""Is this a config folder? Refuse one that is not, and say which one was meant.

A config folder has ``connections/`` or ``datastores/`` (or the settings file
``qualytics-ci.yaml``) at its root. Anything else given as ``--input`` (one level
too deep, a missing or empty folder, a folder of other YAML files) would plan as
"No changes", so it is an error that names the likely folder instead.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.results.kinds import KIND_ORDER, Kind

SETTINGS_FILE = "qualytics-ci.yaml"
PROMOTIONS_FILE = "promotions.yaml"  # promotions as code (folder.promotions)
LAYOUT_DIRS = ("connections", "datastores")
EXPECTED = (f"expected connections/ and datastores/ (or {SETTINGS_FILE}) at its root")
NOT_A_CONFIG_FOLDER = "not_a_config_folder"  # the code of the errors below
HINT = ("pass --input the folder that holds connections/ and datastores/, or export into "
        "a new one first: qualytics-ci export --output DIR")
ANCESTORS = 4  # how far up a suggestion is looked for
# the files a JSON Schema is written for (folder.jsonschema): each kind's, and promotions.yaml
SchemaKind = Kind | Literal["promotion"]
SCHEMA_KINDS: tuple[SchemaKind, ...] = (*KIND_ORDER, "promotion")


def looks_like_config(path: Path) -> bool:
    """Whether ``path`` has the root of a config folder's layout."""
    try:
        return (any((path / d).is_dir() for d in LAYOUT_DIRS)
                or (path / SETTINGS_FILE).is_file())
    except OSError:
        return False


def _shown(path: Path) -> str:
    text = path.as_posix()
    return text if text else "."


def _upwards(given: Path) -> Path | None:
    """The nearest enclosing config folder (``cfg`` for ``cfg/datastores/x``)."""
    parents = list(given.parents)
    if not given.is_absolute():  # stay inside the path as typed, plus the working folder
        parents = parents[: len(given.parts)]
    for parent in parents[:ANCESTORS]:
        if looks_like_config(parent):
            return parent
    return None


def _downwards(given: Path) -> Path | None:
    """A config folder just inside ``given`` (``qualytics-config`` for ``.``)."""
    try:
        children = sorted(p for p in given.iterdir() if p.is_dir()
                          and not p.name.startswith("."))
    except OSError:
        return None
    found = [c for c in children if c.name not in LAYOUT_DIRS and looks_like_config(c)]
    return found[0] if len(found) == 1 else None


def _siblings(given: Path) -> Path | None:
    """A config folder whose name is close to a missing one (``qualytics-confg``)."""
    parent = given.parent
    try:
        names = [p.name for p in parent.iterdir() if p.is_dir() and looks_like_config(p)]
    except OSError:
        return None
    close = difflib.get_close_matches(given.name, names, n=1, cutoff=0.6)
    return parent / close[0] if close else None


def _did_you_mean(candidate: Path | None) -> str:
    return f"; did you mean {_shown(candidate)}?" if candidate is not None else ""


def require_config_folder(root: str | Path) -> None:
    """Raise unless ``root`` is a config folder, naming the folder probably meant."""
    given = Path(root)
    shown = _shown(given)
    if not given.exists():
        guess = _siblings(given) or _upwards(given)
        raise QualyticsCIError(f"folder {shown} does not exist{_did_you_mean(guess)}",
                               hint=HINT, code=NOT_A_CONFIG_FOLDER)
    if not given.is_dir():
        raise QualyticsCIError(f"{shown} is a file, not a config folder: {EXPECTED}"
                               f"{_did_you_mean(_upwards(given))}", hint=HINT,
                               code=NOT_A_CONFIG_FOLDER)
    if looks_like_config(given):
        return
    try:
        empty = not any(given.iterdir())
    except OSError as exc:
        raise QualyticsCIError(f"cannot read folder {shown} ({exc.strerror})") from None
    what = "is empty" if empty else "does not look like a config folder"
    guess = _upwards(given) or _downwards(given)
    raise QualyticsCIError(f"{shown} {what}: {EXPECTED}{_did_you_mean(guess)}", hint=HINT,
                           code=NOT_A_CONFIG_FOLDER)
