"""Promote requests: what the user asked for, checked and turned into the API body.

Everything here is pure: the options as parsed from the command line or the
Action, the four promote types, the checks that can be made before any request
that changes something, and the ``POST /operations/run`` body.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from qualytics_ci.api.types import ResultKind
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.results.promote_kinds import (
    CLI,
    DFS_TYPES,
    RULES,
    Problem,
    endpoint_problem,
    request_problems,
    same_problem,
    split_endpoint,
    store_problem,
)
from qualytics_ci.results.promote_kinds import store_kind as store_kind


@dataclass(frozen=True)
class PromoteKind:
    """One of the platform's four promote operations and its vocabulary."""

    name: str  # the CLI spelling: checks | fields | tables | files
    operation_type: str  # the API `type`
    entity_type: str  # `entity_type` of its per-entity results
    results_path: ResultKind  # sub-endpoint of /operations/{id}
    noun: str  # singular, for messages
    ids_key: str | None
    tags_key: str | None
    additional_tags_key: str
    container_level: bool  # source and destination are containers (else datastores)
    store: str | None = None  # required store type of both datastores


def _kind(name: str, operation_type: str, entity_type: str, results_path: ResultKind,
          ids_key: str | None, tags_key: str | None, additional_tags_key: str) -> PromoteKind:
    rule = RULES[name]  # the shared rules (results.promote_kinds) say what moves between what
    return PromoteKind(name, operation_type, entity_type, results_path, rule.noun, ids_key,
                       tags_key, additional_tags_key, rule.container_level, rule.store)


KINDS: dict[str, PromoteKind] = {
    k.name: k
    for k in (
        _kind("checks", "promote_quality_check", "quality_check", "quality-checks",
              "check_ids", "check_tags", "check_additional_tags"),
        _kind("fields", "promote_computed_field", "computed_field", "fields",
              "computed_field_ids", "computed_field_tags", "computed_field_additional_tags"),
        _kind("tables", "promote_computed_table", "computed_table", "containers",
              "container_ids", "container_tags", "container_additional_tags"),
        _kind("files", "promote_computed_file", "computed_file", "containers",
              None, None, "container_additional_tags"),
    )
}

__all__ = ["DFS_TYPES", "KINDS", "Endpoint", "PromoteKind", "PromoteOptions", "Ref",
           "ResolvedPromote", "build_body", "check_options", "check_resolved",
           "check_store_types", "parse_ids", "parse_mappings", "split_list", "store_kind"]


def _raise(problem: Problem) -> None:
    raise QualyticsCIError(problem.message, hint=problem.hint)


@dataclass(frozen=True)
class Endpoint:
    """``DATASTORE[/CONTAINER]`` as typed by the user: names or ids."""

    datastore: str
    container: str | None = None

    @classmethod
    def parse(cls, text: str, flag: str) -> Endpoint:
        parts = split_endpoint(text)
        if parts is None:
            key = "to" if flag == "--to" else "from"
            problem = endpoint_problem(text, key, CLI)
            assert problem is not None
            raise QualyticsCIError(problem.message.replace(CLI.of(key), flag, 1),
                                   hint=problem.hint)
        return cls(*parts)

    def __str__(self) -> str:
        return f"{self.datastore}/{self.container}" if self.container else self.datastore


@dataclass(frozen=True)
class PromoteOptions:
    """A promote as the user asked for it (names or ids, not yet resolved)."""

    kind: str
    source: str
    destination: str
    ids: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    additional_tags: tuple[str, ...] = ()
    active: bool = False
    mappings: tuple[tuple[str, str], ...] = ()
    timeout: float = 1800.0

    @property
    def spec(self) -> PromoteKind:
        return KINDS[self.kind]


def split_list(text: str | None) -> tuple[str, ...]:
    """``"a, b,,c"`` -> ``("a", "b", "c")``."""
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())


def parse_ids(text: str | None) -> tuple[int, ...]:
    """A comma list of positive integers."""
    ids = []
    for part in split_list(text):
        if not part.isdigit() or int(part) <= 0:
            raise QualyticsCIError(f"--ids: {part!r} is not an id",
                                   hint="ids are positive integers, e.g. --ids 101,102")
        ids.append(int(part))
    return tuple(dict.fromkeys(ids))


def parse_mappings(items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``SRC=DST`` pairs (names or ids)."""
    pairs = []
    for item in items:
        src, sep, dst = item.partition("=")
        if not sep or not src.strip() or not dst.strip():
            raise QualyticsCIError(
                f"--mapping {item!r} is not SRC=DST",
                hint="e.g. --mapping orders_enriched=orders_pattern (names or ids)",
            )
        pairs.append((src.strip(), dst.strip()))
    return tuple(pairs)


def check_options(options: PromoteOptions) -> tuple[Endpoint, Endpoint]:
    """Everything that can be checked before looking anything up (the rules shared with
    ``promotions.yaml``, :mod:`qualytics_ci.results.promote_kinds`); returns the parsed
    endpoints."""
    problems = request_problems(options.kind, options.source, options.destination,
                                ids=bool(options.ids), tags=bool(options.tags),
                                mappings=bool(options.mappings), active=options.active)
    if problems:
        _raise(problems[0])
    if options.timeout <= 0:
        raise QualyticsCIError("--timeout must be positive")
    return Endpoint.parse(options.source, "--from"), Endpoint.parse(options.destination, "--to")


@dataclass(frozen=True)
class Ref:
    """A resolved datastore or container: id, name and type."""

    id: int
    name: str
    type: str = ""

    def __str__(self) -> str:
        return f"{self.name} (#{self.id})"


@dataclass(frozen=True)
class ResolvedPromote:
    """A promote with every name resolved to an id."""

    options: PromoteOptions
    source_datastore: Ref
    destination_datastore: Ref
    source_container: Ref | None = None
    destination_container: Ref | None = None
    mappings: tuple[tuple[Ref, Ref], ...] = field(default=())

    @property
    def spec(self) -> PromoteKind:
        return self.options.spec

    @property
    def source_label(self) -> str:
        return _label(self.source_datastore, self.source_container)

    @property
    def destination_label(self) -> str:
        return _label(self.destination_datastore, self.destination_container)


def _label(datastore: Ref, container: Ref | None) -> str:
    return f"{datastore.name}/{container.name}" if container else datastore.name


def check_store_types(spec: PromoteKind, source: Ref, destination: Ref) -> None:
    """Computed tables move between JDBC datastores, computed files between DFS ones."""
    for ref, key in ((source, "from"), (destination, "to")):
        problem = store_problem(RULES[spec.name], ref.name, ref.type, key)
        if problem is not None:
            _raise(problem)


def check_resolved(resolved: ResolvedPromote) -> None:
    """Checks that need ids and types: source differs from destination, the
    datastores' store types fit, mapped containers have the right kind."""
    spec = resolved.spec
    if spec.container_level:
        assert resolved.source_container and resolved.destination_container
        same = resolved.source_container.id == resolved.destination_container.id
    else:
        same = resolved.source_datastore.id == resolved.destination_datastore.id
    if same:
        _raise(same_problem(resolved.source_label))
    check_store_types(spec, resolved.source_datastore, resolved.destination_datastore)
    for src, _dst in resolved.mappings:
        if src.type and src.type != "computed_file":
            raise QualyticsCIError(
                f"--mapping: {src.name} on {resolved.source_datastore.name} is a "
                f"{src.type}, not a computed file",
                hint="the left side of a mapping names a computed file of the source datastore",
            )


def build_body(resolved: ResolvedPromote) -> dict[str, Any]:
    """The ``POST /operations/run`` body for this promote."""
    options, spec = resolved.options, resolved.spec
    body: dict[str, Any] = {"type": spec.operation_type,
                            "datastore_id": resolved.source_datastore.id}
    if spec.container_level:
        assert resolved.source_container and resolved.destination_container
        body["container_id"] = resolved.source_container.id
        body["destination_container_id"] = resolved.destination_container.id
    else:
        body["destination_datastore_id"] = resolved.destination_datastore.id
    if options.ids and spec.ids_key:
        body[spec.ids_key] = list(options.ids)
    if options.tags and spec.tags_key:
        body[spec.tags_key] = list(options.tags)
    if resolved.mappings:
        body["source_container_mappings"] = [
            {"container_id": src.id, "destination_container_id": dst.id}
            for src, dst in resolved.mappings
        ]
    if options.additional_tags:
        body[spec.additional_tags_key] = list(options.additional_tags)
    if spec.name == "checks":
        body["as_draft"] = not options.active
    return body
