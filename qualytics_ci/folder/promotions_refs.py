"""What ``promotions.yaml`` names, checked against the folder's own entities.

A datastore or container the folder does not describe may exist only on the
target (promotions usually copy into an environment the folder does not manage),
so its absence is a warning. What the folder does say is held to the Promote
API's rules: a computed table moves between JDBC datastores, a computed file
between DFS ones, and a mapping's left side must be a computed file.
"""

from __future__ import annotations

from pathlib import Path

from qualytics_ci.folder.files import Files
from qualytics_ci.folder.model import Config, Datastore
from qualytics_ci.folder.promotions import Promotion, read_promotions
from qualytics_ci.folder.schema import Issue, Level
from qualytics_ci.results.promote_kinds import (
    RULES,
    YAML,
    split_endpoint,
    store_kind,
    store_problem,
)


def promotion_issues(root: str | Path, config: Config, files: Files | None = None
                     ) -> list[Issue]:
    """Every problem of ``root/promotions.yaml`` (``files``: as read already): its own,
    then its references."""
    declared, issues = read_promotions(root, files)
    return [*issues, *reference_issues(declared, config)]


def _known_containers(config: Config, datastore: str) -> set[str]:
    """Containers the folder names in ``datastore``: computed ones and the parents of
    its checks and computed fields."""
    names = {c.name for c in config.containers if c.datastore == datastore}
    names.update(f.container for f in config.computed_fields if f.datastore == datastore)
    names.update(c.container for c in config.checks if c.datastore == datastore)
    return names


def datastore_store(config: Config, datastore: Datastore) -> str:
    """``jdbc``, ``dfs`` or ``""`` for a folder datastore, from its ``store_type`` or its
    connection's ``type``."""
    connection = next((c for c in config.connections if c.name == datastore.connection_name),
                      None)
    ctype = datastore.body.get("type") or (connection.body.get("type") if connection else None)
    return store_kind({"store_type": datastore.body.get("store_type"), "type": ctype})


def reference_issues(declared: tuple[Promotion, ...], config: Config) -> list[Issue]:
    """References to the folder's datastores and containers (pure)."""
    out: list[Issue] = []
    datastores = {d.name: d for d in config.datastores}
    folder_names = set(config.datastore_names())
    absent: set[str] = set()
    for p in declared:
        rule = RULES[p.type]

        def issue(level: Level, text: str, key: str, p: Promotion = p) -> None:
            out.append(Issue(level, f"promotion {p.name!r}: {text}", p.file, p.line(key)))

        for text, key in ((p.source, "from"), (p.destination, "to")):
            parts = split_endpoint(text)
            if parts is None:
                continue
            ds_name, container = parts
            if ds_name not in folder_names:
                if ds_name not in absent:  # once per datastore, where it is first named
                    absent.add(ds_name)
                    issue("warning", f"datastore {ds_name!r} is not in the folder; it must "
                                     "exist on the target", key)
                continue
            if container is not None and container not in _known_containers(config, ds_name):
                issue("warning", f"container {container!r} of datastore {ds_name!r} is not in "
                                 "the folder (no computed container, check or computed field "
                                 "names it); it must exist on the target", key)
            ds = datastores.get(ds_name)
            if ds is not None and (problem := store_problem(
                    rule, ds_name, datastore_store(config, ds), key, YAML)):
                issue("error", f"{problem.message}; {problem.hint}", key)
        if rule.mapped:
            out.extend(_mapping_issues(p, config, folder_names))
    return out


def _mapping_issues(p: Promotion, config: Config, folder_names: set[str]) -> list[Issue]:
    """Each mapping's left side: a computed file of the source datastore."""
    parts = split_endpoint(p.source)
    if parts is None or parts[0] not in folder_names:
        return []
    containers = {c.name: c for c in config.containers if c.datastore == parts[0]}
    out = []
    for source, _ in p.mappings:
        line = p.line(f"mappings.{source}")
        found = containers.get(source)
        if found is None:
            out.append(Issue("warning", f"promotion {p.name!r}: computed file {source!r} is not "
                                        f"in the folder's datastore {parts[0]!r}; it must exist "
                                        "on the target", p.file, line))
        elif found.container_type != "computed_file":
            out.append(Issue("error", f"promotion {p.name!r}: mappings: {source} on {parts[0]} "
                                      f"is a {found.container_type}, not a computed file",
                             p.file, line))
    return out
