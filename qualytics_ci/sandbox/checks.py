"""Quality checks: create, full-replace update, archive, restore, delete, list filters.

Stored status is ``Active``, ``Draft`` or, once archived, the archive reason
(``Discarded`` or ``Invalid``) with ``deleted_at`` set. Rule type and container
are fixed at creation (an update ignores ``rule`` and ``container_id``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from qualytics_ci.sandbox import auth
from qualytics_ci.sandbox.containers import body_container
from qualytics_ci.sandbox.problems import ApiError, expect_dict, invalid, require_keys
from qualytics_ci.sandbox.rules import validate_check
from qualytics_ci.sandbox.store import ARCHIVED_STATUSES, LIVE_STATUSES, Record, Store, now_iso
from qualytics_ci.sandbox.tags import ensure_tags, tag_names


def _status(body: dict[str, Any], default: str) -> str:
    status = body.get("status") or default
    if isinstance(status, str) and status.capitalize() in LIVE_STATUSES:
        return status.capitalize()
    raise invalid(["body", "status"], "Input should be 'Active' or 'Draft'", "enum")


def _require_write(store: Store, user: Record, datastore_id: int, status: str,
                   was: str | None) -> None:
    """Author for anything touching an Active check; Drafter may only keep Drafts."""
    needed = "Drafter" if status == "Draft" and was in (None, "Draft") else "Author"
    verb = "save draft checks" if needed == "Drafter" else "create or update active checks"
    auth.require_permission(store, user, datastore_id, needed, verb)


def _definition(store: Store, rec: Record, body: dict[str, Any]) -> None:
    fields = body.get("fields") or []
    if not isinstance(fields, list):
        raise invalid(["body", "fields"], "Input should be a valid list", "list_type")
    fields = [f["name"] if isinstance(f, dict) else f for f in fields]
    props = body.get("properties") or {}
    if not isinstance(props, dict):
        raise invalid(["body", "properties"], "Input should be a valid dictionary", "dict_type")
    meta = body.get("additional_metadata")
    if meta is not None and not isinstance(meta, dict):
        raise invalid(["body", "additional_metadata"], "Input should be a valid dictionary",
                      "dict_type")
    validate_check(rec["rule_type"], fields, props, body.get("filter"), body.get("coverage"),
                   store.field_names(rec["container_id"]))
    for key, table in (("ref_container_id", "containers"), ("ref_datastore_id", "datastores")):
        ref = props.get(key)
        if ref is not None and (not isinstance(ref, int) or store.find(table, ref) is None):
            raise invalid(["body", "properties", key], f"{table[:-1].capitalize()} {ref} not found")
    tags = tag_names(body)
    ensure_tags(store, tags)
    rec.update(
        description=body.get("description") or "", fields=fields, properties=props,
        coverage=body.get("coverage"), filter=body.get("filter") or None, tags=tags,
        additional_metadata=meta or {}, anomaly_message_field=body.get("anomaly_message_field"),
        owner_id=body.get("owner_id"),
        default_anomaly_assignee_id=body.get("default_anomaly_assignee_id"),
    )


def create_check(store: Store, user: Record, body: Any) -> Record:
    """POST /quality-checks: Author (Drafter for status Draft)."""
    body = expect_dict(body)
    require_keys(body, "container_id", "rule")
    with store.lock:
        container = body_container(store, body)
        status = _status(body, "Active")
        _require_write(store, user, container["datastore_id"], status, None)
        rec: Record = {"container_id": container["id"], "datastore_id": container["datastore_id"],
                       "rule_type": body["rule"], "status": status, "deleted_at": None,
                       "inferred": False, "last_editor_id": user["id"]}
        _definition(store, rec, body)
        rec["updated"] = now_iso()
        return store.insert("checks", rec)


def update_check(store: Store, user: Record, ident: int, body: Any) -> Record:
    """PUT /quality-checks/{id}: full replace; ``status`` Active/Draft also restores."""
    body = expect_dict(body)
    with store.lock:
        rec = store.check(ident)
        status = _status(body, rec["status"] if rec["status"] in LIVE_STATUSES else "Active")
        _require_write(store, user, rec["datastore_id"], status, rec["status"])
        draft = dict(rec)
        _definition(store, draft, body)
        draft.update(status=status, deleted_at=None, last_editor_id=user["id"],
                     updated=now_iso())
        rec.update(draft)
        store.touch("checks", rec)
        return rec


def archive_check(store: Store, user: Record, ident: int, *, archive: bool = True,
                  status: str = "Discarded") -> Record:
    """DELETE /quality-checks/{id}: archive (Author) or, with archive=false, delete (Editor)."""
    with store.lock:
        rec = store.check(ident)
        if not archive:
            auth.require_permission(store, user, rec["datastore_id"], "Editor", "delete checks")
            return store.delete("checks", ident)
        if status.capitalize() not in ARCHIVED_STATUSES:
            raise invalid(["query", "status"], "Input should be 'Discarded' or 'Invalid'", "enum")
        auth.require_permission(store, user, rec["datastore_id"], "Author", "archive checks")
        rec.update(status=status.capitalize(), deleted_at=now_iso(),
                   last_editor_id=user["id"], updated=now_iso())
        store.touch("checks", rec)
        return rec


def bulk_delete(store: Store, user: Record, body: Any) -> list[Record]:
    """DELETE /quality-checks with ``[{id, archive?, status?}]``."""
    if not isinstance(body, list):
        raise invalid(["body"], "Input should be a valid list", "list_type")
    out = []
    with store.lock:
        for i, item in enumerate(body):
            if not isinstance(item, dict) or not isinstance(item.get("id"), int):
                raise invalid(["body", i, "id"], "Field required", "missing")
            out.append(archive_check(store, user, item["id"],
                                     archive=item.get("archive", True) is not False,
                                     status=item.get("status") or "Discarded"))
    return out


def select_check_ids(store: Store, *, datastores: Iterable[int] = (),
                     containers: Iterable[int] = (), tags: Iterable[str] = (),
                     status: Iterable[str] = (), archived: str | None = None,
                     rule_types: Iterable[str] = (), search: str | None = None
                     ) -> Sequence[int]:
    """The list filters of GET /quality-checks, as check ids in id order. ``archived``:
    None (exclude), only, include. No datastore and no container means all checks.

    Datastore, container and archived are index look-ups; without other filters the
    answer is the index's own list (read it, do not change it)."""
    ds, cs, tg = set(datastores), set(containers), set(tags)
    st = {s.capitalize() for s in status}
    rules = set(rule_types)
    if "Archived" in st:
        st.discard("Archived")
        st.update(ARCHIVED_STATUSES)
        archived = archived or "include"
    kinds = (True,) if archived == "only" else (False, True) if archived == "include" \
        else (False,)
    if cs:
        lists = [store.check_ids(container_id=c, archived=k) for c in cs for k in kinds]
    elif ds:
        lists = [store.check_ids(datastore_id=d, archived=k) for d in ds for k in kinds]
    else:
        lists = [store.check_ids(archived=k) for k in kinds]
    lists = [ids for ids in lists if ids]
    found: Sequence[int] = lists[0] if len(lists) == 1 else sorted(chain(*lists))
    if not ((cs and ds) or tg or st or rules or search):
        return found
    table = store.table("checks")
    needle = search.lower() if search else None
    out = []
    for ident in found:
        rec = table[ident]
        if cs and ds and rec["datastore_id"] not in ds:
            continue
        if (tg and not tg.intersection(rec["tags"])) or (st and rec["status"] not in st):
            continue
        if rules and rec["rule_type"] not in rules:
            continue
        if needle and needle not in (rec["description"] + rec["rule_type"]).lower():
            continue
        out.append(ident)
    return out


def ensure_readable(store: Store, user: Record, datastore_ids: Iterable[int]) -> None:
    """403 unless the user has Reporter on each datastore."""
    for ds in datastore_ids:
        if store.find("datastores", ds) is None:
            raise ApiError(404, f"Datastore {ds} not found")
        auth.require_permission(store, user, ds, "Reporter", "read the datastore")
