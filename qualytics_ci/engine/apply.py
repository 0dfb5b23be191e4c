"""Carry out a plan: dependency layers, bounded concurrency, one outcome per entity.

Layers run in order (connections, datastores, computed containers, computed
fields, checks); inside a layer the entities are sent from as many threads as the
client's write window may grow to (``--concurrency``), and the window decides how
many writes are in flight (:mod:`qualytics_ci.api.window`). Unchanged entities
cost no request. Only a create that failed (or was skipped) stops anything: the
entities that need that one to exist are reported as skipped. An entity that
exists is still there when its update fails, so everything under it is applied
as planned.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from qualytics_ci.api.client import Client
from qualytics_ci.api.errors import ServerError, TransportError
from qualytics_ci.api.operations import run_and_wait
from qualytics_ci.engine.plan import Planned, Step, synced
from qualytics_ci.engine.state import TargetState
from qualytics_ci.engine.writes import Writer
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.model import Entity, Key
from qualytics_ci.progress import SILENT, Progress
from qualytics_ci.results.config import KIND_ORDER, ImportReport, Outcome


def dependencies(entity: Entity) -> list[Key]:
    """Keys of the planned entities ``entity`` needs to exist first."""
    body = entity.body
    if entity.kind == "datastore":
        conn, enrich = body.get("connection_name"), body.get("enrich_datastore_name")
        return [*([("connection", "", "", conn)] if isinstance(conn, str) else []),
                *([("datastore", "", "", enrich)] if isinstance(enrich, str) else [])]
    if entity.kind == "connection":
        return []
    deps: list[Key] = [("datastore", "", "", entity.datastore)]
    if entity.kind == "container":
        for side in ("source", "left", "right"):
            name = body.get(f"{side}_container_name")
            if isinstance(name, str):
                ds = str(body.get(f"{side}_datastore_name") or entity.datastore)
                deps.append(("container", ds, "", name))
        return deps
    deps.append(("container", entity.datastore, "", entity.container))
    props = body.get("properties") or {}
    if isinstance(props, dict) and isinstance(props.get("ref_container_name"), str):
        ref_ds = str(props.get("ref_datastore_name") or entity.datastore)
        deps.append(("container", ref_ds, "", props["ref_container_name"]))
    return deps


class Importer:
    """Runs the steps of one plan against one target."""

    def __init__(self, client: Client, target: TargetState, *, concurrency: int | None = None,
                 progress: Progress = SILENT, sync_timeout: float = 600.0,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.writer = Writer(client, target)
        self.client = client
        if concurrency is not None:  # else the client's own maximum
            client.writes.narrow(concurrency)
        self.concurrency = client.writes.maximum
        self.progress = progress
        self.sync_timeout = sync_timeout
        self.sleep = sleep
        self._lock = threading.Lock()
        self._bad: dict[Key, str] = {}

    def run(self, planned: Planned) -> ImportReport:
        steps = planned.steps
        outcomes: dict[int, Outcome] = {}
        todo = [i for i, s in enumerate(steps) if s.change.action != "unchanged"]
        for i, step in enumerate(steps):
            if step.change.action == "unchanged":
                outcomes[i] = Outcome(step.change, "ok", step.current_id)
        self.progress.start("importing", len(todo))
        for kind in KIND_ORDER:
            if kind == "container":
                self._sync_unsynced(steps, todo)
            layer = [i for i in todo if steps[i].change.kind == kind]
            for batch in self._batches(layer, steps):
                with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
                    for i, outcome in zip(batch, pool.map(lambda i: self._one(steps[i]), batch),
                                          strict=True):
                        outcomes[i] = outcome
        self.progress.finish()
        return ImportReport(planned.plan.digest, tuple(outcomes[i] for i in range(len(steps))))

    def _batches(self, layer: list[int], steps: tuple[Step, ...]) -> Iterable[list[int]]:
        """Containers made from other containers of the same layer wait for those."""
        def needs(i: int) -> set[Key]:
            entity = steps[i].desired
            return set(dependencies(entity)) if entity is not None else set()

        pending = list(layer)
        while pending:
            in_layer = {e.key for i in pending if (e := steps[i].desired) is not None}
            ready = [i for i in pending if not needs(i) & in_layer] or pending
            yield ready
            done = set(ready)
            pending = [i for i in pending if i not in done]

    def _one(self, step: Step) -> Outcome:
        try:
            return self._apply(step)
        finally:
            self.progress.advance()

    def _apply(self, step: Step) -> Outcome:
        change = step.change
        entity = step.desired
        if entity is not None:
            for dep in dependencies(entity):
                with self._lock:
                    reason = self._bad.get(dep)
                if reason is not None:
                    self._block(step, "was skipped")
                    return Outcome(change, "skipped", step.current_id,
                                   f"needs {dep[0].replace('_', ' ')} {dep[3]!r}, which {reason}")
        try:
            new_id = self._dispatch(step)
        except QualyticsCIError as exc:
            self._block(step, "failed")
            reason = f"{exc.message}; {exc.hint}" if exc.hint else exc.message
            return Outcome(change, "failed", step.current_id, reason)
        return Outcome(change, "ok", new_id)

    def _block(self, step: Step, reason: str) -> None:
        """A create that did not happen blocks what needs its entity; an entity that
        exists (its update failed or was skipped) blocks nothing."""
        if step.desired is None or step.change.action != "create":
            return
        with self._lock:
            self._bad[step.desired.key] = reason

    def _dispatch(self, step: Step) -> int | None:
        w = self.writer
        kind, action = step.change.kind, step.change.action
        if action in ("archive", "duplicate"):
            assert step.current_id is not None
            w.archive_check(step.current_id)
            return step.current_id
        assert step.desired is not None and step.body is not None
        if action == "create":
            new_id = w.create(step.desired, step.body)
            if kind == "datastore":
                self._sync(step.desired.name, new_id)
            return new_id
        assert step.current_id is not None
        return w.update(step, step.current_id)

    def _sync_unsynced(self, steps: tuple[Step, ...], todo: list[int]) -> None:
        """An existing datastore without any container was never synced (or its sync
        failed): sync it before creating things in it, so a re-run converges."""
        target = self.writer.target
        wanted = {e.datastore for i in todo
                  if steps[i].change.action == "create" and (e := steps[i].desired) is not None
                  and e.kind != "datastore" and e.datastore in target.read_datastores
                  and not synced(target, e.datastore)}
        for name in sorted(wanted):
            try:
                self._sync(name, target.datastore_ids[name])
            except QualyticsCIError:
                continue  # its entities fail one by one with "container not found"

    def _sync(self, datastore: str, datastore_id: int) -> None:
        """A new datastore's tables exist only after a sync: run it and wait."""
        body: dict[str, Any] = {"type": "sync", "datastore_id": datastore_id,
                                "prune": False, "recreate": False}
        kwargs: dict[str, Any] = {"timeout": self.sync_timeout}
        if self.sleep is not None:
            kwargs["sleep"] = self.sleep
        try:
            op = run_and_wait(self.client, body, **kwargs)
        except (ServerError, TransportError) as exc:
            raise QualyticsCIError(f"datastore id {datastore_id}: its sync could not "
                                   f"start: {exc.message}") from None
        if op.get("result") != "success":
            detail = op.get("message") or op.get("result")
            raise QualyticsCIError(f"datastore id {datastore_id}: sync operation "
                                   f"{op.get('id')} ended with {detail}")
        self.writer.ids.refresh(datastore)


def run_import(client: Client, planned: Planned, target: TargetState, *,
               concurrency: int | None = None, progress: Progress = SILENT,
               sync_timeout: float = 600.0) -> ImportReport:
    """Apply ``planned`` to the target ``client`` talks to; every entity's outcome.
    ``concurrency``: at most that many writes at once (default: the client's maximum)."""
    return Importer(client, target, concurrency=concurrency, progress=progress,
                    sync_timeout=sync_timeout).run(planned)
