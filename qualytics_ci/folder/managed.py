"""Keys the API manages (ids, timestamps, editors, counters, scores, derived state).

A file may carry them: other exporters write some (a computed field's ``created``
is common), and a file pasted from an API response has them all. The server sets
them itself, so comparing them would show a change that no import can make, and
sending them means nothing. Reading drops them from the entity (they are never
compared and never sent), and the folder's issues name each key once, with how
many files carry it and where the first one is.

A key the format defines for a kind (a check's ``status``, a datastore's
``connection_id``) is never treated as managed, whatever its name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from qualytics_ci.folder.schema import KEYS, Issue
from qualytics_ci.results.kinds import Kind

MANAGED_KEYS = frozenset({
    # identity and bookkeeping
    "id", "uuid", "created", "updated", "last_updated", "last_modified", "last_editor",
    "last_editor_id", "created_by", "updated_by", "deleted_at", "archived",
    # activity and statistics
    "last_asserted", "anomaly_count", "metrics", "latest_operation",
    "latest_observability_measurement", "incremental_checkpoint", "score", "status",
    # state the server derives
    "connected", "cataloged", "profiled", "favorite", "inferred", "is_new",
    "has_scheduled_operations", "is_properties_inferrable", "is_coverage_inferrable",
    "is_description_inferrable",
    # what the platform reports about a connection
    "connection_type", "product_name", "product_version", "driver_name", "driver_version",
    "jdbc_url",
})
# counters, scores and timestamps: anomaly_count, check_count, quality_score, updated_at...
MANAGED_PATTERN = re.compile(r".+_(count|score|at)$")

# (file, line) of each file that carries a managed key, by key
Found = dict[str, list[tuple[str, int | None]]]


@functools.lru_cache(maxsize=4096)  # the same few keys in every file
def is_managed(kind: Kind, key: str) -> bool:
    """Whether ``key`` in a file of ``kind`` is one the server manages."""
    if key in KEYS[kind] or key.startswith("_"):
        return False
    return key in MANAGED_KEYS or bool(MANAGED_PATTERN.fullmatch(key))


def strip(kind: Kind, body: Mapping[str, Any], file: str, lines: Mapping[str, int],
          found: Found) -> dict[str, Any]:
    """``body`` without its managed keys; each one dropped is noted in ``found``."""
    if body.keys() <= KEYS[kind].keys():  # only the format's keys: none is managed
        return dict(body)
    out: dict[str, Any] = {}
    for key, value in body.items():
        if is_managed(kind, key):
            found.setdefault(key, []).append((file, lines.get(key)))
        else:
            out[key] = value
    return out


def issues(found: Found) -> Iterable[Issue]:
    """One warning per managed key, however many files carry it."""
    for key in sorted(found):
        places = found[key]
        file, line = places[0]
        where = f"{file}:{line}" if line else file
        if len(places) == 1:
            text = f"1 file carries server-managed key `{key}`; it is ignored ({where})"
        else:
            text = (f"{len(places)} files carry server-managed key `{key}`; it is ignored "
                    f"(first: {where})")
        yield Issue("warning", text)
