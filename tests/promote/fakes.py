"""An in-memory stand-in for the API client, for promote's unit tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from qualytics_ci.errors import QualyticsCIError

Row = Mapping[str, Any]


class FakeAPI:
    """Serves fixed lists and records every call."""

    def __init__(self, datastores: Sequence[Row] = (),
                 listings: Mapping[int, Sequence[Row]] | None = None) -> None:
        self.datastores = list(datastores)
        self.listings = dict(listings or {})
        self.calls: list[tuple[str, Any]] = []
        self.containers: dict[int, Row] = {}
        self.fields: dict[int, Sequence[Row]] = {}
        self.checks: dict[tuple[int, str | None], Sequence[Row]] = {}
        self.results: list[Row] = []
        self.operation: dict[str, Any] = {}
        self.user: Row = {"id": 1, "email": "admin@example.com", "role": "Admin"}
        self.teams: list[Row] = []

    def list_datastores(self, name: str | None = None) -> Sequence[Row]:
        self.calls.append(("list_datastores", name))
        if name is None:
            return self.datastores
        return [d for d in self.datastores if name.lower() in str(d["name"]).lower()]

    def get_datastore(self, datastore_id: int) -> Row:
        self.calls.append(("get_datastore", datastore_id))
        for d in self.datastores:
            if d["id"] == datastore_id:
                return d
        exc = QualyticsCIError("not found")
        exc.status = 404  # type: ignore[attr-defined]
        raise exc

    def containers_listing(self, datastore_id: int) -> Sequence[Row]:
        self.calls.append(("containers_listing", datastore_id))
        return self.listings.get(datastore_id, [])

    def get_container(self, container_id: int) -> Row:
        self.calls.append(("get_container", container_id))
        return self.containers[container_id]

    def list_containers(self, datastore_id: int,
                        container_type: str | None = None) -> Sequence[Row]:
        self.calls.append(("list_containers", datastore_id))
        return [c for c in self.listings.get(datastore_id, [])
                if container_type is None or c.get("container_type") == container_type]

    def list_fields(self, container_id: int) -> Sequence[Row]:
        self.calls.append(("list_fields", container_id))
        return self.fields.get(container_id, [])

    def list_quality_checks(self, datastore_id: int, *, container_id: int | None = None,
                            status: str | None = None,
                            archived: str | None = None) -> Sequence[Row]:
        self.calls.append(("list_quality_checks", (container_id, archived)))
        return self.checks.get((container_id or 0, archived), [])

    def run_operation(self, body: Mapping[str, Any]) -> Row:
        self.calls.append(("run_operation", dict(body)))
        return self.operation

    def get_operation(self, operation_id: int) -> Row:
        self.calls.append(("get_operation", operation_id))
        return self.operation

    def list_operation_results(self, operation_id: int, kind: Any, *,
                               promote_result: Sequence[str] | None = None,
                               search: str | None = None) -> Iterator[Row]:
        self.calls.append(("list_operation_results", tuple(promote_result or ())))
        for row in self.results:
            if not promote_result or row["result"] in promote_result:
                yield row

    def get_current_user(self) -> Row:
        self.calls.append(("get_current_user", None))
        return self.user

    def teams_listing(self, users: Sequence[int] = ()) -> Sequence[Row]:
        self.calls.append(("teams_listing", tuple(users)))
        return self.teams
