"""How a promote's source entity compares with what the destination holds.

Pure functions over API objects: which source entities a filter selects, the
definition that a promote copies, which destination entity is the copy of a
source entity (the matching rule), and the field-level differences. The
preview uses them to predict created / updated / skipped / failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qualytics_ci.promote.api import Row
from qualytics_ci.results.config import FieldChange

FROM_CHECK_KEY = "from quality check id"
UID_KEY = "_qualytics_check_uid"
ACTIVE_STATUSES = ("active", "draft")

MATCHING_RULES: dict[str, str] = {
    "checks": (
        "a destination check is the copy of a source check when its additional_metadata "
        f"'{FROM_CHECK_KEY}' equals the source check's id; otherwise (among the destination "
        f"checks not claimed that way) when rule type, field names and '{UID_KEY}' (absent on "
        "both counts as equal) are the same. The copy is "
        "identical when description, fields, coverage, filter, properties and tags (source "
        "tags plus additional tags) are equal; status is not compared."
    ),
    "fields": (
        "a destination computed field is the copy of a source computed field when it has the "
        "same name on the destination container. It is identical when transformation, source "
        "fields, properties and tags (plus additional tags) are equal."
    ),
    "tables": (
        "a destination container is the copy of a source computed table when it has the same "
        "name on the destination datastore; a same-named container of another type makes the "
        "promote fail. It is identical when query, description and tags (plus additional "
        "tags) are equal."
    ),
    "files": (
        "a destination container is the copy of a source computed file when it has the same "
        "name on the destination datastore; a same-named container of another type makes the "
        "promote fail. It is identical when description, select, where and group-by clauses, "
        "the mapped file pattern and tags (plus additional tags) are equal."
    ),
}


def names(value: Any) -> list[str]:
    """Names out of a list of strings or of ``{"name": ...}`` objects."""
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, Mapping):
            out.append(str(item.get("name", "")))
        elif item is not None:
            out.append(str(item))
    return out


def tag_names(row: Row) -> list[str]:
    """An entity's tag names (``global_tags`` objects or ``tags`` names)."""
    tags = row.get("global_tags")
    if tags is None:
        tags = row.get("tags")
    return sorted(set(names(tags)))


def metadata(row: Row) -> Mapping[str, Any]:
    value = row.get("additional_metadata")
    return value if isinstance(value, Mapping) else {}


def is_promotable_check(row: Row) -> bool:
    """Active and Draft checks are promoted; Archived / Discarded / Invalid never."""
    return str(row.get("status", "")).lower() in ACTIVE_STATUSES and not row.get("deleted_at")


def entity_name(entity_type: str, row: Row | None) -> str:
    """A short human name for a promoted entity."""
    if not row:
        return ""
    if entity_type == "quality_check":
        rule = str(row.get("rule_type") or row.get("rule") or "check")
        fields = names(row.get("fields"))
        if fields:
            return f"{rule}({', '.join(fields)})"
        return f"{rule}: {row['description']}" if row.get("description") else rule
    return str(row.get("name") or "")


def select(sources: Sequence[Row], ids: Sequence[int], tags: Sequence[str]) -> list[Row]:
    """The sources a promote's ids or tags filter keeps (all when neither given)."""
    if ids:
        wanted = set(ids)
        return [row for row in sources if int(row["id"]) in wanted]
    if tags:
        wanted_tags = set(tags)
        return [row for row in sources if wanted_tags & set(tag_names(row))]
    return list(sources)


def check_definition(row: Row, additional_tags: Iterable[str] = ()) -> dict[str, Any]:
    return {
        "description": row.get("description"),
        "fields": names(row.get("fields")),
        "coverage": row.get("coverage"),
        "filter": row.get("filter"),
        "properties": dict(row.get("properties") or {}),
        "tags": sorted(set(tag_names(row)) | set(additional_tags)),
    }


def field_definition(row: Row, additional_tags: Iterable[str] = ()) -> dict[str, Any]:
    return {
        "transformation": row.get("transformation_type", row.get("transformation")),
        "source_fields": names(row.get("source_fields")),
        "properties": dict(row.get("properties") or {}),
        "tags": sorted(set(tag_names(row)) | set(additional_tags)),
    }


def table_definition(row: Row, additional_tags: Iterable[str] = ()) -> dict[str, Any]:
    return {
        "query": row.get("query"),
        "description": row.get("description"),
        "tags": sorted(set(tag_names(row)) | set(additional_tags)),
    }


def file_definition(row: Row, pattern_id: int | None,
                    additional_tags: Iterable[str] = ()) -> dict[str, Any]:
    return {
        "description": row.get("description"),
        "select_clause": row.get("select_clause"),
        "where_clause": row.get("where_clause"),
        "group_by_clause": row.get("group_by_clause"),
        "source_container_id": pattern_id,
        "tags": sorted(set(tag_names(row)) | set(additional_tags)),
    }


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """Top-level keys whose values differ, ``before`` = destination, ``after`` = source."""
    return tuple(FieldChange(key, before.get(key), after.get(key))
                 for key in after if before.get(key) != after.get(key))


def check_key(row: Row) -> tuple[str, tuple[str, ...], str | None]:
    uid = metadata(row).get(UID_KEY)
    return (str(row.get("rule_type") or row.get("rule") or ""), tuple(names(row.get("fields"))),
            None if uid is None else str(uid))


def match_checks(sources: Sequence[Row], destinations: Sequence[Row]) -> dict[int, Row]:
    """Source check id -> its copy among ``destinations`` (see MATCHING_RULES).

    Copies recorded by ``from quality check id`` are claimed first, for every
    source; the remaining destination checks then match by rule type, fields
    and uid. A destination check is the copy of at most one source check."""
    found: dict[int, Row] = {}
    taken: set[int] = set()
    by_origin: dict[str, Row] = {}
    for row in destinations:
        origin = metadata(row).get(FROM_CHECK_KEY)
        if origin is not None:
            by_origin.setdefault(str(origin), row)
    for source in sources:
        copy = by_origin.get(str(source["id"]))
        if copy is not None and int(copy["id"]) not in taken:
            found[int(source["id"])] = copy
            taken.add(int(copy["id"]))
    for source in sources:
        if int(source["id"]) in found:
            continue
        key = check_key(source)
        for row in destinations:
            if int(row["id"]) not in taken and check_key(row) == key:
                found[int(source["id"])] = row
                taken.add(int(row["id"]))
                break
    return found


def by_name(rows: Sequence[Row]) -> dict[str, Row]:
    return {str(row.get("name")): row for row in rows}
