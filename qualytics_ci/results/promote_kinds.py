"""The platform's four promote types as data, and the request rules it applies to them.

Pure and shared: :mod:`qualytics_ci.promote.request` checks a command-line promote
with these rules, :mod:`qualytics_ci.folder.promotions` a ``promotions.yaml`` entry,
so both refuse the same requests with the same words. Each problem names the
field it is about (``type``, ``from``, ``to``, ``ids``, ``tags``, ``mappings``,
``active``), so the folder can point at the line, and is spelled the way the user
wrote it (``--from`` on the command line, ``from:`` in the file).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DFS_TYPES = frozenset({"s3", "gcs", "abfs", "abfss", "hdfs", "dfs", "local", "sftp"})


@dataclass(frozen=True)
class KindRule:
    """What one promote type moves, between what, and how it is selected."""

    name: str  # checks | fields | tables | files
    noun: str  # singular, for messages
    container_level: bool  # source and destination are containers (else datastores)
    store: str | None = None  # store type both datastores must have (jdbc | dfs)
    mapped: bool = False  # selected by an explicit mapping (files), not by ids or tags


RULES: dict[str, KindRule] = {
    r.name: r for r in (
        KindRule("checks", "quality check", True),
        KindRule("fields", "computed field", True),
        KindRule("tables", "computed table", False, "jdbc"),
        KindRule("files", "computed file", False, "dfs", mapped=True),
    )
}


@dataclass(frozen=True)
class Spelling:
    """How the user wrote each field: command-line flags or ``promotions.yaml`` keys."""

    source: str
    destination: str
    ids: str
    tags: str
    mappings: str
    active: str
    type_is: str  # "--type {}" or "type: {}"
    endpoint_example: str  # a hint, "{flag}" standing for the field's spelling
    mapping_example: str

    def of(self, field: str) -> str:
        return {"from": self.source, "to": self.destination}.get(field) or str(
            getattr(self, field))


CLI = Spelling("--from", "--to", "--ids", "--tags", "--mapping", "--active", "--type {}",
               "e.g. {flag} warehouse-dev/orders (names or ids)",
               "add --mapping SOURCE_COMPUTED_FILE=DESTINATION_FILE_PATTERN (repeatable)")
YAML = Spelling("from:", "to:", "ids:", "tags:", "mappings:", "active:", "type: {}",
                "e.g. {flag} warehouse-dev/orders (by name)",
                "add mappings: {SOURCE_COMPUTED_FILE: DESTINATION_FILE_PATTERN}")


@dataclass(frozen=True)
class Problem:
    """One refused part of a promote request."""

    field: str
    message: str
    hint: str | None = None


def split_endpoint(text: str) -> tuple[str, str | None] | None:
    """``DATASTORE[/CONTAINER]`` -> ``(datastore, container or None)``; None when malformed."""
    datastore, sep, container = text.strip().partition("/")
    datastore, container = datastore.strip(), container.strip()
    if not datastore or (sep and not container):
        return None
    return datastore, container or None


def endpoint_problem(text: str, field: str, spell: Spelling) -> Problem | None:
    flag = spell.of(field)
    if split_endpoint(text) is not None:
        return None
    return Problem(field, f"{flag} {text!r} is not DATASTORE or DATASTORE/CONTAINER",
                   spell.endpoint_example.format(flag=flag))


def request_problems(kind: str, source: str, destination: str, *, ids: bool, tags: bool,
                     mappings: bool, active: bool, spell: Spelling = CLI) -> list[Problem]:
    """Everything the Promote API refuses that is visible without asking it, in the
    order a user should fix it (an unknown type alone, then the rest)."""
    rule = RULES.get(kind)
    if rule is None:
        return [Problem("type", f"unknown promote type {kind!r}",
                        "use one of: " + ", ".join(RULES))]
    out = [p for p in (endpoint_problem(source, "from", spell),
                       endpoint_problem(destination, "to", spell)) if p]
    if ids and tags:
        out.append(Problem("ids", f"{spell.ids.rstrip(':')} and {spell.tags.rstrip(':')} are "
                                  "mutually exclusive",
                           f"select {rule.noun}s either by id or by tag, not both"))
    for text, field in ((source, "from"), (destination, "to")):
        parts = split_endpoint(text)
        if parts is None:
            continue
        flag = spell.of(field)
        if rule.container_level and parts[1] is None:
            out.append(Problem(field, f"{flag} {text.strip()} names no container: {rule.noun}s "
                                      "are promoted from one container to another",
                               f"use {flag} DATASTORE/CONTAINER"))
        elif not rule.container_level and parts[1] is not None:
            what = spell.mappings if rule.mapped else f"{spell.ids} or {spell.tags}"
            out.append(Problem(field, f"{flag} {text.strip()}: {rule.noun}s are promoted "
                                      "between datastores, so give a datastore only",
                               f"select {rule.noun}s with {what.replace(':', '')}"))
    if rule.mapped:
        if not mappings:
            out.append(Problem("mappings", "computed files need an explicit mapping to "
                                           "destination file patterns", spell.mapping_example))
        if ids or tags:
            out.append(Problem("ids" if ids else "tags",
                               f"{spell.ids.rstrip(':')} and {spell.tags.rstrip(':')} do not "
                               "apply to computed files",
                               f"the {spell.mappings.rstrip(':')} list selects the files to "
                               "promote"))
    elif mappings:
        out.append(Problem("mappings", f"{spell.mappings.rstrip(':')} applies only to "
                                       + spell.type_is.format("files")))
    if active and kind != "checks":
        out.append(Problem("active", f"{spell.active.rstrip(':')} applies only to "
                                     + spell.type_is.format("checks")))
    same = split_endpoint(source)
    if same is not None and same == split_endpoint(destination):
        out.append(same_problem(source.strip(), spell))
    return out


def same_problem(label: str, spell: Spelling = CLI) -> Problem:
    """The source is the destination: the platform answers 422."""
    return Problem("to", f"source and destination must be different (both are {label})",
                   "promote copies definitions from one place to another; pick another "
                   + spell.destination.rstrip(":"))


def store_kind(datastore: Mapping[str, Any]) -> str:
    """``jdbc``, ``dfs`` or ``""`` (unknown) for a datastore: its ``store_type``, else
    its connection's ``type`` (``type`` on the datastore or ``connection.type``)."""
    store = str(datastore.get("store_type") or "").lower()
    if store in ("jdbc", "dfs"):
        return store
    connection = datastore.get("connection")
    ctype = str(datastore.get("type") or "").lower()
    if not ctype and isinstance(connection, Mapping):
        ctype = str(connection.get("type") or "").lower()
    if not ctype:
        return ""
    return "dfs" if ctype in DFS_TYPES else "jdbc"


def store_problem(rule: KindRule, name: str, store: str, field: str,
                  spell: Spelling = CLI) -> Problem | None:
    """Computed tables move between JDBC datastores, computed files between DFS ones."""
    if not rule.store or not store or store == rule.store:
        return None
    return Problem(field, f"{spell.of(field).rstrip(':')} {name} is a {store.upper()} datastore, "
                          f"but {rule.noun}s are promoted between {rule.store.upper()} datastores",
                   "computed tables live on JDBC (database) datastores, computed files on DFS "
                   "(file storage) datastores")
