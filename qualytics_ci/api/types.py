"""Shapes of the objects the Qualytics API returns, as far as the tools read them.

``total=False`` throughout: the API omits keys depending on the object's type
(JDBC vs DFS connections, computed vs cataloged containers) and version. The
client casts JSON to these at the boundary; nothing is validated at run time.
Request bodies stay plain dicts: their keys differ from the responses'
(``rule`` in, ``rule_type`` out; ``tags`` in, ``global_tags`` out).
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypedDict, TypeVar

T = TypeVar("T")

OperationResult = Literal["running", "success", "failure", "aborted"]
ResultKind = Literal["quality-checks", "fields", "containers"]


class Page(TypedDict, Generic[T], total=False):
    """The list envelope (fastapi-pagination's Page); ``page`` is 1-based."""

    items: list[T]
    total: int
    page: int
    size: int
    pages: int


class Tag(TypedDict, total=False):
    name: str
    color: str
    description: str


class Stub(TypedDict, total=False):
    """A reference to another object inside a response: id and name."""

    id: int
    name: str


class Connection(TypedDict, total=False):
    id: int
    created: str
    name: str
    type: str
    connection_type: str  # "jdbc" | "dfs"
    host: str
    port: int
    username: str
    uri: str
    access_key: str
    parameters: dict[str, Any]
    jdbc_fetch_size: int
    max_parallelization: int
    secrets_manager: Any
    catalog: str
    catalog_type: str
    datastores: list[Stub]


class Datastore(TypedDict, total=False):
    id: int
    created: str
    name: str
    type: str
    store_type: str
    connection_id: int
    connection: dict[str, Any]
    database: str
    schema: str
    enrichment_only: bool
    enrichment_prefix: str
    enrichment_source_record_limit: int
    enrichment_remediation_strategy: str
    high_count_rollup_threshold: int
    enrich_datastore: Stub | None
    global_tags: list[Tag]
    teams: list[dict[str, Any]]
    tags: list[str]


class Field(TypedDict, total=False):
    id: int
    name: str
    type: str
    status: str


class ComputedField(TypedDict, total=False):
    id: int
    created: str
    name: str
    container_id: int
    transformation_type: str
    source_fields: list[Field]
    properties: dict[str, Any]
    additional_metadata: dict[str, Any]
    status: str


class Container(TypedDict, total=False):
    id: int
    created: str
    name: str
    container_type: str  # table, view, file, computed_table, computed_file, computed_join
    datastore: Stub
    description: str
    query: str
    source_container_id: int
    select_clause: str
    where_clause: str
    group_by_clause: str
    left_container_id: int
    right_container_id: int
    left_join_field_name: str
    right_join_field_name: str
    join_type: str
    left_prefix: str
    right_prefix: str
    sources: list[dict[str, Any]]
    exclude_fields: list[str]
    group_by_fields: list[str]
    global_tags: list[Tag]
    computed_fields: list[ComputedField]
    additional_metadata: dict[str, Any]
    volumetric_tracking_enabled: bool
    freshness_tracking_enabled: bool
    incremental_field_name: str
    incremental_identifier_type: str


class ContainerListing(TypedDict, total=False):
    """One item of the bare array from ``GET /containers/listing``."""

    id: int
    name: str
    container_type: str


class QualityCheck(TypedDict, total=False):
    id: int
    created: str
    rule_type: str
    description: str
    container: Stub
    fields: list[Field]
    coverage: float | None
    filter: str | None
    properties: dict[str, Any]
    global_tags: list[Tag]
    status: str
    additional_metadata: dict[str, Any]
    anomaly_message_field: str | None
    deleted_at: str | None
    inferred: bool


class PromoteResult(TypedDict, total=False):
    """One entity's outcome in a promote operation."""

    source_entity_id: int
    source_entity: dict[str, Any] | None
    entity_type: str
    result: str  # created | updated | skipped | failed
    destination_entity_id: int | None
    destination_entity: dict[str, Any] | None
    message: str | None


class Operation(TypedDict, total=False):
    id: int
    created: str
    type: str
    promote_type: str
    start_time: str | None
    end_time: str | None
    result: OperationResult
    message: str | None
    detail: str | None
    datastore: Stub
    destination_datastore: Stub
    container: Stub
    destination_container: Stub
    as_draft: bool
    status: dict[str, Any]
    results: list[PromoteResult]
