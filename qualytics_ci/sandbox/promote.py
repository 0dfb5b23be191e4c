"""The emulator's four promote operations (``promote_quality_check``,
``promote_computed_field``, ``promote_computed_table``, ``promote_computed_file``).

``POST /api/operations/run`` with a ``type`` starting ``promote_`` calls
:func:`run_promote`. It must check Editor on source and destination (403, nothing
enqueued), reject request-level problems with 422 (e.g. "Source and destination
must be different"), and return the stored operation record (see
:func:`qualytics_ci.sandbox.operations.new_operation` and ``finish``).

Not implemented yet: every promote request answers 422.
"""

from __future__ import annotations

from typing import Any

from .problems import invalid
from .store import Record, Store


def run_promote(store: Store, user: Record, body: dict[str, Any]) -> Record:
    """Start a promote operation; for now always a 422 "not supported"."""
    raise invalid(["body", "type"], f"Operation type {body.get('type')!r} is not supported "
                  "by this sandbox yet", "enum")
