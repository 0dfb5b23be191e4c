"""How each plan action is shown, in one table: a new action is one entry here.

Every renderer (terminal, markdown) reads its sign, words and order from
:data:`STYLES`; an action missing from the table is still shown, with ``?``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qualytics_ci.results.config import KIND_ORDER, Change


@dataclass(frozen=True)
class Style:
    """How one action reads."""

    sign: str              # terraform's mark: + ~ -
    verb: str              # "create": what a plan would do
    past: str              # "created": what an import did
    drift: str             # how drift names an entity needing this action
    order: int             # destructive first: they must survive a cut
    column: int            # the counts' column order
    archives: bool = False  # counted in the "N checks will be archived" warning
    why: str = ""          # why an archived entity goes
    listed: bool = True    # shown entity by entity (unchanged ones are only counted)


STYLES: dict[str, Style] = {
    "archive": Style("-", "archive", "archived", "only on the target", 0, 2, archives=True,
                     why="no longer in the folder"),
    "duplicate": Style("-", "duplicate", "archived", "duplicate on the target", 1, 3,
                       archives=True, why="an extra copy on the target"),
    "update": Style("~", "update", "updated", "changed on the target", 2, 1),
    "create": Style("+", "create", "created", "missing on the target", 3, 0),
    "unchanged": Style(" ", "unchanged", "unchanged", "in sync", 9, 9, listed=False),
}

KIND_NAMES = {"connection": ("connection", "connections", "Connections"),
              "datastore": ("datastore", "datastores", "Datastores"),
              "container": ("container", "containers", "Containers"),
              "computed_field": ("computed field", "computed fields", "Computed fields"),
              "check": ("check", "checks", "Checks")}


def style(action: str) -> Style:
    """The action's style (an unknown action still reads as itself)."""
    return STYLES.get(action) or Style("?", action, action, action, 5, 5)


def kind_word(kind: str, count: int = 1) -> str:
    """``check`` / ``checks``."""
    one, many, _ = KIND_NAMES.get(kind, (kind, kind + "s", kind))
    return one if count == 1 else many


def kind_title(kind: str) -> str:
    return KIND_NAMES.get(kind, (kind, kind, kind.capitalize()))[2]


def actions_in(changes: Iterable[Change], always: Iterable[str] = ()) -> list[str]:
    """The actions to give a column: ``always`` plus any other present, in table order."""
    present = set(always) | {c.action for c in changes}
    return sorted(present, key=lambda a: (style(a).column, a))


def in_order(changes: Iterable[Change]) -> list[Change]:
    """By kind (dependency order), destructive actions first, then by name."""
    kinds = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(changes, key=lambda c: (kinds.get(c.kind, 99), style(c.action).order,
                                          c.datastore or "", c.container or "", c.name))


def archive_count(changes: Iterable[Change]) -> dict[str, int]:
    """Entities an import archives, per kind."""
    out: dict[str, int] = {}
    for c in changes:
        if style(c.action).archives:
            out[c.kind] = out.get(c.kind, 0) + 1
    return out


def archive_warning(changes: Iterable[Change], *, future: bool = True) -> str | None:
    """``3 checks will be archived`` (None when nothing is)."""
    counts = archive_count(changes)
    if not counts:
        return None
    parts = [f"{n} {kind_word(k, n)}" for k, n in counts.items()]
    total = sum(counts.values())
    verb = "will be" if future else ("was" if total == 1 else "were")
    return f"{', '.join(parts)} {verb} archived"
