"""An operation's record: created ``running``, completed by applying its effect.

Below both :mod:`.operations` (sync, abort, finishing what is due) and
:mod:`.promote`, which create operations and complete them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from qualytics_ci.sandbox import auth
from qualytics_ci.sandbox.problems import ApiError
from qualytics_ci.sandbox.store import Record, Store, now_iso

Effect = Callable[[Store, Record], None]


def new_operation(store: Store, user: Record, kind: str, datastore_id: int | None,
                  params: dict[str, Any], **extra: Any) -> Record:
    """Store a ``running`` operation due after ``store.operation_seconds`` (for promote too).

    Call :func:`complete` yourself when ``operation_seconds`` is 0; ``extra["_finish"]``
    names the effect :func:`qualytics_ci.sandbox.operations.finish` applies when it is due.
    """
    seconds = store.operation_seconds
    rec: Record = {
        "type": kind, "datastore_id": datastore_id, "start_time": now_iso(), "end_time": None,
        "result": "running", "message": None, "params": params,
        "triggered_by": auth.user_stub(user), "status": {},
        "_due": time.time() + seconds, **extra,
    }
    store.insert("operations", rec)
    if seconds > 0:
        store.pending.add(rec["id"])
    else:
        rec["result"] = "finishing"
    return rec


def complete(store: Store, rec: Record, effect: Effect) -> None:
    """Apply ``effect`` and give the operation its final result (store lock held)."""
    store.pending.discard(rec["id"])
    try:
        effect(store, rec)
        rec["result"] = rec.get("_result") or "success"
    except ApiError as exc:
        rec["result"], rec["message"] = "failure", str(exc.detail)
    rec["end_time"] = now_iso()
    store.touch()
