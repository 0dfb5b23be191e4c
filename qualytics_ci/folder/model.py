"""The configuration as plain data: one frozen dataclass per kind of entity.

Every entity keeps its whole YAML mapping (in file order) as ``body``, so keys
this tool does not know still round-trip. Identity is by name within the
parent (connections and datastores globally, containers within a datastore,
computed fields within a container) and, for checks, by the
``additional_metadata._qualytics_check_uid`` within the datastore.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from qualytics_ci.results.kinds import KIND_ORDER, Kind

Body = dict[str, Any]
# (kind, datastore, container, name-or-uid): unique within one Config.
Key = tuple[str, str, str, str]

UID_KEY = "_qualytics_check_uid"
COMPUTED_TYPES = ("computed_table", "computed_file", "computed_join")
KINDS_BY_FLAG = {
    "connections": "connection",
    "datastores": "datastore",
    "containers": "container",
    "computed_fields": "computed_field",
    "fields": "computed_field",
    "checks": "check",
}


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=8192)
def slug(text: str) -> str:
    """Lower-case; every run of characters outside ``[a-z0-9]`` becomes one ``_``
    (remembered: the same field and rule names come back for every check)."""
    return _NOT_SLUG.sub("_", text.lower()).strip("_")


def derive_uid(container: str, rule_type: str, fields: Iterable[str]) -> str:
    """The check identity the platform's CLI generates for a check without one."""
    base = f"{slug(container)}__{slug(rule_type)}"
    names = sorted(slug(f) for f in fields)
    return f"{base}__{'_'.join(names)}" if names else base


def check_file_stem(rule_type: str, fields: Iterable[str]) -> str:
    """``<slug(rule_type)>__<sorted slug(fields) joined by _>`` (no field part if none)."""
    names = sorted(slug(f) for f in fields)
    return f"{slug(rule_type)}__{'_'.join(names)}" if names else slug(rule_type)


def parse_kinds(text: str | None) -> frozenset[Kind]:
    """``--include`` (comma list of the platform CLI's kind names) -> kinds; None = all."""
    if not text:
        return frozenset(KIND_ORDER)
    kinds: set[Kind] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        kind = KINDS_BY_FLAG.get(part)
        if kind is None:
            from qualytics_ci.errors import QualyticsCIError, did_you_mean

            flags = [k for k in KINDS_BY_FLAG if k != "fields"]
            near = did_you_mean(part, KINDS_BY_FLAG)
            raise QualyticsCIError(
                f"unknown kind {part!r} in --include" + (f" ({near})" if near else ""),
                hint="use a comma list of " + ", ".join(flags),
            )
        kinds.add(kind)  # type: ignore[arg-type]
    return frozenset(kinds)


@dataclass(frozen=True)
class Entity:
    """Common shape of every entity: its name, parents, YAML body and source file."""

    name: str
    body: Body
    datastore: str = ""
    container: str = ""
    file: str | None = None
    # the line of each (dotted) key in ``file``; read-only, and it may be worked out
    # only when first asked for (folder.yamlfast.Lines)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    # ``(kind, datastore, container, ident)``: worked out once, when the entity is made
    # (it is looked up many times per plan; a cached_property takes a lock the first time)
    key: Key = field(init=False, compare=False, repr=False)
    kind: ClassVar[Kind]

    def __post_init__(self) -> None:
        container = self.container if self.kind == "computed_field" else ""
        object.__setattr__(self, "key", (self.kind, self.datastore, container, self.ident))

    def line(self, key: str) -> int | None:
        """The line of ``key`` (dotted path) in the entity's file, when known."""
        return self.lines.get(key)

    @property
    def ident(self) -> str:
        return self.name

    def label(self) -> str:
        """How the entity is named to a user, e.g. ``warehouse-dev/orders``."""
        parts = [p for p in (self.datastore, self.container) if p]
        if self.kind in ("connection", "datastore"):
            return self.name
        return "/".join([*parts, self.ident])


@dataclass(frozen=True)
class Connection(Entity):
    kind: ClassVar[Kind] = "connection"


@dataclass(frozen=True)
class Datastore(Entity):
    kind: ClassVar[Kind] = "datastore"

    @property
    def connection_name(self) -> str | None:
        value = self.body.get("connection_name")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Container(Entity):
    """A computed table, file or join (catalog tables are not part of the folder)."""

    kind: ClassVar[Kind] = "container"

    @property
    def container_type(self) -> str:
        return str(self.body.get("container_type", ""))


@dataclass(frozen=True)
class ComputedField(Entity):
    kind: ClassVar[Kind] = "computed_field"


@dataclass(frozen=True)
class Check(Entity):
    """A quality check; ``name`` is the file stem, ``uid`` its identity."""

    uid: str = ""
    kind: ClassVar[Kind] = "check"

    @property
    def ident(self) -> str:
        return self.uid

    @property
    def rule_type(self) -> str:
        return str(self.body.get("rule_type", ""))

    @property
    def fields(self) -> list[str]:
        value = self.body.get("fields") or []
        return [str(f) for f in value] if isinstance(value, list) else []

    def label(self) -> str:
        return f"{self.datastore}/{self.container}/{self.uid}"


@dataclass(frozen=True)
class Config:
    """A whole configuration: every entity of every kind."""

    connections: tuple[Connection, ...] = ()
    datastores: tuple[Datastore, ...] = ()
    containers: tuple[Container, ...] = ()
    computed_fields: tuple[ComputedField, ...] = ()
    checks: tuple[Check, ...] = ()
    _index: dict[Key, Entity] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, entities: Iterable[Entity]) -> Config:
        """Group entities by kind (order within a kind is kept)."""
        groups: dict[Kind, list[Entity]] = {k: [] for k in KIND_ORDER}
        for entity in entities:
            groups[entity.kind].append(entity)
        config = cls(
            connections=tuple(groups["connection"]),  # type: ignore[arg-type]
            datastores=tuple(groups["datastore"]),  # type: ignore[arg-type]
            containers=tuple(groups["container"]),  # type: ignore[arg-type]
            computed_fields=tuple(groups["computed_field"]),  # type: ignore[arg-type]
            checks=tuple(groups["check"]),  # type: ignore[arg-type]
        )
        for entity in config.entities():
            config._index.setdefault(entity.key, entity)
        return config

    def of_kind(self, kind: Kind) -> Sequence[Entity]:
        return {
            "connection": self.connections,
            "datastore": self.datastores,
            "container": self.containers,
            "computed_field": self.computed_fields,
            "check": self.checks,
        }[kind]

    def entities(self) -> Iterator[Entity]:
        """Every entity in dependency order."""
        for kind in KIND_ORDER:
            yield from self.of_kind(kind)

    def get(self, key: Key) -> Entity | None:
        if not self._index:
            for entity in self.entities():
                self._index.setdefault(entity.key, entity)
        return self._index.get(key)

    def datastore_names(self) -> list[str]:
        names = {e.datastore for e in self.entities() if e.datastore}
        names.update(d.name for d in self.datastores)
        return sorted(names)


def nested(body: Mapping[str, Any], *path: str) -> Any:
    """``body[a][b]...`` or None when any step is missing or not a mapping."""
    value: Any = body
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value
