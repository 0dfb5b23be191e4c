"""The part of the API client that promote uses.

:class:`qualytics_ci.api.client.Client` satisfies this protocol; unit tests pass a
small in-memory stand-in instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from qualytics_ci.api.types import Operation, ResultKind

Row = Mapping[str, Any]


class PromoteAPI(Protocol):
    """Reads and the operation calls a promote needs."""

    def list_datastores(self, name: str | None = None) -> Sequence[Row]: ...

    def get_datastore(self, datastore_id: int) -> Row: ...

    def containers_listing(self, datastore_id: int) -> Sequence[Row]: ...

    def get_container(self, container_id: int) -> Row: ...

    def list_containers(self, datastore_id: int,
                        container_type: str | None = None) -> Sequence[Row]: ...

    def list_fields(self, container_id: int) -> Sequence[Row]: ...

    def list_quality_checks(self, datastore_id: int, *, container_id: int | None = None,
                            status: str | None = None,
                            archived: str | None = None) -> Sequence[Row]: ...

    def run_operation(self, body: Mapping[str, Any]) -> Operation: ...

    def get_operation(self, operation_id: int) -> Operation: ...

    def list_operation_results(self, operation_id: int, kind: ResultKind, *,
                               promote_result: Sequence[str] | None = None,
                               search: str | None = None) -> Iterator[Row]: ...

    def get_current_user(self) -> Row: ...

    def teams_listing(self, users: Sequence[int] = ()) -> Sequence[Row]: ...
