"""The requests an import sends, one entity at a time.

Creates whose answer was lost (a 5xx or a timeout on POST: the server may have
applied it) are reconciled by reading the list again and looking the entity
up by name or uid; only when it is not there is the POST sent once more. The
look-up's reads are retried by the client, as every read is; when they fail all
the same, the create fails, and the next import finds what it made.
Updates are one PUT of the full desired body: the current object came from
the plan's list pages, so no GET is needed first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from qualytics_ci.api.client import Client
from qualytics_ci.api.errors import ServerError, TransportError
from qualytics_ci.engine.payloads import (
    check_payload,
    check_update_payload,
    computed_field_payload,
    connection_payload,
    container_payload,
    datastore_payload,
    merged,
    missing,
)
from qualytics_ci.engine.plan import Step
from qualytics_ci.engine.state import TargetState
from qualytics_ci.folder.model import UID_KEY, Entity

CREATE_ATTEMPTS = 3  # POSTs of one entity, each after a look-up found it absent


class Ids:
    """Name -> id maps that grow as the import creates things (thread-safe)."""

    def __init__(self, client: Client, target: TargetState) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self.connections = dict(target.connection_ids)
        self.datastores = dict(target.datastore_ids)
        self.containers = dict(target.container_ids)
        self._listed = set(target.read_datastores)

    def connection(self, name: str) -> int:
        with self._lock:
            if name in self.connections:
                return self.connections[name]
        raise missing("connection", name)

    def datastore(self, name: str) -> int:
        with self._lock:
            if name in self.datastores:
                return self.datastores[name]
        raise missing("datastore", name)

    def container(self, datastore: str, name: str) -> int:
        with self._lock:
            found = self.containers.get((datastore, name))
            listed = datastore in self._listed
        if found is None and not listed and datastore in self.datastores:
            with self._refreshing:  # one listing per datastore, however many threads ask
                with self._lock:
                    listed = datastore in self._listed
                if not listed:
                    self.refresh(datastore)
            with self._lock:
                found = self.containers.get((datastore, name))
        if found is None:
            raise missing("container", name, datastore)
        return found

    def refresh(self, datastore: str) -> None:
        """Read the datastore's container listing (one request)."""
        listing = self.client.containers_listing(self.datastore(datastore))
        with self._lock:
            for item in listing:
                self.containers[(datastore, str(item["name"]))] = int(item["id"])
            self._listed.add(datastore)

    def add(self, entity: Entity, new_id: int) -> None:
        with self._lock:
            if entity.kind == "connection":
                self.connections[entity.name] = new_id
            elif entity.kind == "datastore":
                self.datastores[entity.name] = new_id
            elif entity.kind == "container":
                self.containers[(entity.datastore, entity.name)] = new_id


class Writer:
    """Create, update and archive entities through the client."""

    def __init__(self, client: Client, target: TargetState) -> None:
        self.client = client
        self.target = target
        self.ids = Ids(client, target)

    def payload(self, entity: Entity, body: Mapping[str, Any]) -> dict[str, Any]:
        ids = self.ids
        if entity.kind == "connection":
            return connection_payload(body, entity.body)
        if entity.kind == "datastore":
            return datastore_payload(body, ids.connection, ids.datastore)
        if entity.kind == "container":
            return container_payload(body, entity.datastore, ids.container, ids.datastore)
        if entity.kind == "computed_field":
            out = computed_field_payload(body, entity.datastore, ids.container, ids.datastore)
            out["container_id"] = ids.container(entity.datastore, entity.container)
            return out
        return check_payload(body, entity.datastore, ids.container, ids.datastore)

    def create(self, entity: Entity, body: Mapping[str, Any]) -> int:
        payload = self.payload(entity, body)
        tags = None
        if entity.kind == "container":
            # Like the platform CLI: create without tags, then set them in bulk.
            tags = payload.pop("tags", None)
        path = {"connection": "/connections", "datastore": "/datastores",
                "container": "/containers", "computed_field": "/computed-fields",
                "check": "/quality-checks"}[entity.kind]
        new_id = self._post(path, payload, lambda: self._find(entity, payload))
        self.ids.add(entity, new_id)
        if tags:
            self.client.patch_containers([{"id": new_id, "tags": tags}])
        if entity.kind == "datastore":
            self._link_enrichment(new_id, body)
        return new_id

    def _link_enrichment(self, datastore_id: int, body: Mapping[str, Any]) -> None:
        """``enrich_datastore_name`` is set with its own call, as on the platform."""
        name = body.get("enrich_datastore_name")
        if isinstance(name, str) and name:
            self.client.patch(f"/datastores/{datastore_id}/enrichment/"
                              f"{self.ids.datastore(name)}")
        elif "enrich_datastore_name" in body:
            self.client.delete(f"/datastores/{datastore_id}/enrichment")

    def _post(self, path: str, payload: dict[str, Any],
              find: Callable[[], int | None]) -> int:
        """POST, and after each ambiguous failure look the entity up before sending again."""
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                return int(self.client.post(path, json=payload)["id"])
            except (ServerError, TransportError):
                found = find()  # reads only, each retried by the client
                if found is not None:
                    return found
                if attempt == CREATE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def _find(self, entity: Entity, payload: Mapping[str, Any]) -> int | None:
        """Look a possibly-created entity up again (after an ambiguous POST failure)."""
        c = self.client
        items: Any
        if entity.kind == "connection":
            items = c.paginate("/connections")
        elif entity.kind == "datastore":
            items = c.paginate("/datastores", {"name": entity.name})
        elif entity.kind == "container":
            items = c.containers_listing(self.ids.datastore(entity.datastore))
        elif entity.kind == "computed_field":
            items = c.get_container(int(payload["container_id"])).get("computed_fields") or []
        else:
            for obj in c.paginate("/quality-checks", {
                    "datastore": self.ids.datastore(entity.datastore),
                    "container": payload["container_id"]}):
                meta = obj.get("additional_metadata") or {}
                if meta.get(UID_KEY) == entity.ident:
                    return int(obj["id"])
            return None
        for obj in items:
            if obj.get("name") == entity.name:
                return int(obj["id"])
        return None

    def update(self, step: Step, current_id: int) -> int:
        entity, body = step.desired, step.body
        assert entity is not None and body is not None
        current = step.current.body if step.current is not None else None
        c = self.client
        if entity.kind == "check":
            moved = {f.path for f in step.change.fields} & {"rule_type", "container"}
            if moved:  # cannot change in place: archive and create anew
                self.archive_check(current_id)
                return self.create(entity, body)
            payload = check_update_payload(self.payload(entity, body))
            c.put(f"/quality-checks/{current_id}", json=payload)
            return current_id
        full = merged(current, body, entity.kind)
        payload = self.payload(entity, full)
        if entity.kind == "connection":
            c.put(f"/connections/{current_id}", json=payload)
        elif entity.kind == "datastore":
            c.put(f"/datastores/{current_id}", json=payload)
            if any(f.path == "enrich_datastore_name" for f in step.change.fields):
                self._link_enrichment(current_id, body)
        elif entity.kind == "container":
            payload.pop("datastore_id", None)
            c.put(f"/containers/{current_id}", json=payload)
        else:
            payload.pop("container_id", None)
            c.put(f"/computed-fields/{current_id}", json=payload)
        return current_id

    def archive_check(self, check_id: int) -> None:
        self.client.archive_quality_check(check_id, status="Discarded")
