"""Promote requests: what the user asked for, checked and turned into the API body.

Everything here is pure: the options as parsed from the command line or the
Action, the four promote types, the checks that can be made before any request
that changes something, and the ``POST /operations/run`` body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qualytics_ci.api.types import ResultKind
from qualytics_ci.errors import QualyticsCIError


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


KINDS: dict[str, PromoteKind] = {
    k.name: k
    for k in (
        PromoteKind("checks", "promote_quality_check", "quality_check", "quality-checks",
                    "quality check", "check_ids", "check_tags", "check_additional_tags", True),
        PromoteKind("fields", "promote_computed_field", "computed_field", "fields",
                    "computed field", "computed_field_ids", "computed_field_tags",
                    "computed_field_additional_tags", True),
        PromoteKind("tables", "promote_computed_table", "computed_table", "containers",
                    "computed table", "container_ids", "container_tags",
                    "container_additional_tags", False, "jdbc"),
        PromoteKind("files", "promote_computed_file", "computed_file", "containers",
                    "computed file", None, None, "container_additional_tags", False, "dfs"),
    )
}

DFS_TYPES = frozenset({"s3", "gcs", "abfs", "abfss", "hdfs", "dfs", "local", "sftp"})


@dataclass(frozen=True)
class Endpoint:
    """``DATASTORE[/CONTAINER]`` as typed by the user: names or ids."""

    datastore: str
    container: str | None = None

    @classmethod
    def parse(cls, text: str, flag: str) -> Endpoint:
        datastore, sep, container = text.strip().partition("/")
        datastore, container = datastore.strip(), container.strip()
        if not datastore or (sep and not container):
            raise QualyticsCIError(
                f"{flag} {text!r} is not DATASTORE or DATASTORE/CONTAINER",
                hint=f"e.g. {flag} warehouse-dev/orders (names or ids)",
            )
        return cls(datastore, container or None)

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
    """Everything that can be checked before looking anything up; returns the
    parsed endpoints."""
    if options.kind not in KINDS:
        raise QualyticsCIError(f"unknown promote type {options.kind!r}",
                               hint="use one of: " + ", ".join(KINDS))
    spec = options.spec
    src = Endpoint.parse(options.source, "--from")
    dst = Endpoint.parse(options.destination, "--to")
    if options.ids and options.tags:
        raise QualyticsCIError(
            "--ids and --tags are mutually exclusive",
            hint=f"select {spec.noun}s either by id or by tag, not both",
        )
    if spec.container_level:
        for end, flag in ((src, "--from"), (dst, "--to")):
            if end.container is None:
                raise QualyticsCIError(
                    f"{flag} {end} names no container: {spec.noun}s are promoted "
                    "from one container to another",
                    hint=f"use {flag} DATASTORE/CONTAINER",
                )
    else:
        for end, flag in ((src, "--from"), (dst, "--to")):
            if end.container is not None:
                what = "--mapping" if spec.name == "files" else "--ids or --tags"
                raise QualyticsCIError(
                    f"{flag} {end}: {spec.noun}s are promoted between datastores, "
                    "so give a datastore only",
                    hint=f"select {spec.noun}s with {what}",
                )
    if spec.name == "files":
        if not options.mappings:
            raise QualyticsCIError(
                "computed files need an explicit mapping to destination file patterns",
                hint="add --mapping SOURCE_COMPUTED_FILE=DESTINATION_FILE_PATTERN (repeatable)",
            )
        if options.ids or options.tags:
            raise QualyticsCIError("--ids and --tags do not apply to computed files",
                                   hint="the --mapping list selects the files to promote")
    elif options.mappings:
        raise QualyticsCIError("--mapping applies only to --type files")
    if options.active and spec.name != "checks":
        raise QualyticsCIError("--active applies only to --type checks")
    if options.timeout <= 0:
        raise QualyticsCIError("--timeout must be positive")
    return src, dst


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


def store_kind(datastore: Mapping[str, Any]) -> str:
    """``jdbc``, ``dfs`` or ``""`` (unknown) for a datastore as the API returns it."""
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


def check_store_types(spec: PromoteKind, source: Ref, destination: Ref) -> None:
    """Computed tables move between JDBC datastores, computed files between DFS ones."""
    if not spec.store:
        return
    for ref, flag in ((source, "--from"), (destination, "--to")):
        if ref.type and ref.type != spec.store:
            raise QualyticsCIError(
                f"{flag} {ref.name} is a {ref.type.upper()} datastore, but {spec.noun}s "
                f"are promoted between {spec.store.upper()} datastores",
                hint=("computed tables live on JDBC (database) datastores, computed files "
                      "on DFS (file storage) datastores"),
            )


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
        raise QualyticsCIError(
            f"source and destination must be different (both are {resolved.source_label})",
            hint="promote copies definitions from one place to another; pick another --to",
        )
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
