"""Typed calls for the API resources the tools use, on top of ``request``/``paginate``.

Paths are relative to ``<base>/api``; query parameters are spelled as the API
spells them (``datastore``, ``container``, ``promote_result``). Results are cast
to the TypedDicts of :mod:`qualytics_ci.api.types` without run-time checks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # names for the checker only: the TypedDicts cost a plan 3 ms to make
    from qualytics_ci.api.types import (
        ComputedField,
        Connection,
        Container,
        ContainerListing,
        Datastore,
        Field,
        Operation,
        QualityCheck,
        ResultKind,
    )

Body = Mapping[str, Any]


class Resources:
    """Resource methods; :class:`qualytics_ci.api.client.Client` supplies the transport."""

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        raise NotImplementedError

    def paginate(
        self, path: str, params: Mapping[str, Any] | None = None, *, size: int = 100
    ) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    # connections
    def list_connections(self) -> list[Connection]:
        return cast("list[Connection]", list(self.paginate("/connections")))

    def get_connection(self, connection_id: int) -> Connection:
        return cast("Connection", self.request("GET", f"/connections/{connection_id}"))

    def create_connection(self, body: Body) -> Connection:
        return cast("Connection", self.request("POST", "/connections", json=dict(body)))

    def update_connection(self, connection_id: int, body: Body) -> Connection:
        return cast(
            "Connection", self.request("PUT", f"/connections/{connection_id}", json=dict(body))
        )

    # datastores
    def list_datastores(self, name: str | None = None) -> list[Datastore]:
        return cast("list[Datastore]", list(self.paginate("/datastores", {"name": name})))

    def get_datastore(self, datastore_id: int) -> Datastore:
        return cast("Datastore", self.request("GET", f"/datastores/{datastore_id}"))

    def create_datastore(self, body: Body) -> Datastore:
        return cast("Datastore", self.request("POST", "/datastores", json=dict(body)))

    def update_datastore(self, datastore_id: int, body: Body) -> Datastore:
        return cast(
            "Datastore", self.request("PUT", f"/datastores/{datastore_id}", json=dict(body))
        )

    # containers
    def list_containers(
        self, datastore_id: int, container_type: str | Sequence[str] | None = None
    ) -> list[Container]:
        kinds = [container_type] if isinstance(container_type, str) else container_type
        params = {"datastore": datastore_id, "container_type": kinds}
        return cast("list[Container]", list(self.paginate("/containers", params)))

    def containers_listing(self, datastore_id: int) -> list[ContainerListing]:
        """The light, unpaginated list of every container of a datastore."""
        result = self.request("GET", "/containers/listing", params={"datastore": datastore_id})
        return cast("list[ContainerListing]", result or [])

    def get_container(self, container_id: int) -> Container:
        return cast("Container", self.request("GET", f"/containers/{container_id}"))

    def create_container(self, body: Body) -> Container:
        return cast("Container", self.request("POST", "/containers", json=dict(body)))

    def update_container(self, container_id: int, body: Body) -> Container:
        return cast(
            "Container", self.request("PUT", f"/containers/{container_id}", json=dict(body))
        )

    def patch_containers(self, items: Sequence[Body]) -> Any:
        """Bulk update, e.g. ``[{"id": 7, "tags": ["pii"]}]``."""
        return self.request("PATCH", "/containers", json=[dict(item) for item in items])

    def list_fields(self, container_id: int) -> list[Field]:
        result = self.request("GET", f"/containers/{container_id}/fields")
        return cast("list[Field]", result or [])

    # computed fields (read through the container detail's computed_fields)
    def create_computed_field(self, body: Body) -> ComputedField:
        return cast("ComputedField", self.request("POST", "/computed-fields", json=dict(body)))

    def update_computed_field(self, field_id: int, body: Body) -> ComputedField:
        return cast(
            "ComputedField", self.request("PUT", f"/computed-fields/{field_id}", json=dict(body))
        )

    def delete_computed_field(self, field_id: int) -> None:
        self.request("DELETE", f"/computed-fields/{field_id}")

    # quality checks
    def list_quality_checks(
        self,
        datastore_id: int,
        *,
        container_id: int | Sequence[int] | None = None,
        status: str | None = None,
        archived: str | None = None,
    ) -> list[QualityCheck]:
        """Checks of a datastore; by default the server's set (Active and Draft).

        ``archived="only"`` lists archived checks instead.
        """
        containers = [container_id] if isinstance(container_id, int) else container_id
        params = {
            "datastore": datastore_id,
            "container": containers,
            "status": status,
            "archived": archived,
        }
        return cast("list[QualityCheck]", list(self.paginate("/quality-checks", params)))

    def get_quality_check(self, check_id: int) -> QualityCheck:
        return cast("QualityCheck", self.request("GET", f"/quality-checks/{check_id}"))

    def create_quality_check(self, body: Body) -> QualityCheck:
        return cast("QualityCheck", self.request("POST", "/quality-checks", json=dict(body)))

    def update_quality_check(self, check_id: int, body: Body) -> QualityCheck:
        return cast(
            "QualityCheck", self.request("PUT", f"/quality-checks/{check_id}", json=dict(body))
        )

    def archive_quality_check(self, check_id: int, status: str = "Discarded") -> Any:
        """Soft delete: the check moves to Archived with reason ``status``."""
        return self.request(
            "DELETE", f"/quality-checks/{check_id}", params={"archive": True, "status": status}
        )

    # operations
    def run_operation(self, body: Body) -> Operation:
        return cast("Operation", self.request("POST", "/operations/run", json=dict(body)))

    def get_operation(self, operation_id: int) -> Operation:
        return cast("Operation", self.request("GET", f"/operations/{operation_id}"))

    def abort_operation(self, operation_id: int) -> Operation:
        return cast("Operation", self.request("PUT", f"/operations/abort/{operation_id}"))

    def list_operation_results(
        self,
        operation_id: int,
        kind: ResultKind,
        *,
        promote_result: Sequence[str] | None = None,
        search: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Per-entity records of a promote operation (``kind``: quality-checks, fields,
        containers), optionally filtered by result (created, updated, skipped, failed)."""
        params = {"promote_result": list(promote_result or []) or None, "search": search}
        return self.paginate(f"/operations/{operation_id}/{kind}", params)

    # users and teams
    def get_current_user(self) -> dict[str, Any]:
        """The token's user (``GET /users/me``): ``id``, ``role`` (Admin, Manager, Member)..."""
        return cast(dict[str, Any], self.request("GET", "/users/me"))

    def teams_listing(self, users: Sequence[int] = ()) -> list[dict[str, Any]]:
        """Teams (not paginated) with their ``permission`` and ``datastores``, only those
        of ``users`` when given (``GET /teams/listing?users=``)."""
        found = self.request("GET", "/teams/listing", params={"users": list(users) or None})
        if isinstance(found, dict):  # tolerate a page envelope
            found = found.get("items")
        return cast(list[dict[str, Any]], found if isinstance(found, list) else [])
