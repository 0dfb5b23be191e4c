"""What the target has, in folder form: the current side of a plan.

Built by :mod:`qualytics_ci.engine.target` from list endpoints; pure data here so the
planner stays free of I/O and unit tests can build states by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualytics_ci.engine.normalize import Names
from qualytics_ci.folder.model import Check, Config, Key


@dataclass
class TargetState:
    """The target's entities (as their files would say them) and their ids."""

    config: Config = field(default_factory=Config)
    ids: dict[Key, int] = field(default_factory=dict)
    archived: dict[Key, tuple[Check, int]] = field(default_factory=dict)
    names: Names = field(default_factory=Names)
    connection_ids: dict[str, int] = field(default_factory=dict)
    datastore_ids: dict[str, int] = field(default_factory=dict)
    # (datastore name, container name) -> id, every container type (tables too)
    container_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    # datastores whose contents were listed
    read_datastores: set[str] = field(default_factory=set)
    # the datastores the reading was asked for (names)
    selected: list[str] = field(default_factory=list)
    # live checks per datastore (the base of the mass-archive cap)
    check_counts: dict[str, int] = field(default_factory=dict)
    # a live check that stores the uid of another, lower-id live check (a duplicate, e.g.
    # from two imports at once) -> the key of that check, which keeps the uid
    duplicates: dict[Key, Key] = field(default_factory=dict)
