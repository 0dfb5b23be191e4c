"""Promote preview (``--dry-run``): what would be promoted, without running it.

The selection of source entities is read from the API and is certain; whether a
destination copy exists and is identical is an estimate made with the rules in
:data:`qualytics_ci.promote.match.MATCHING_RULES`. The caller's permission is
checked as the platform will check it (:mod:`qualytics_ci.promote.permission`):
when the promote would be refused, every selected entity is expected to fail with
the reason. Only GET requests are sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from qualytics_ci.promote import match as m
from qualytics_ci.promote.api import PromoteAPI, Row
from qualytics_ci.promote.permission import Caller, PermissionCheck
from qualytics_ci.promote.request import ResolvedPromote, build_body
from qualytics_ci.results.promote import PreviewEntity, PromotePreview

FIELD_DEPENDENCY = ("Source field(s) {missing} not available on destination — their parent "
                    "computed field may have failed to promote")


def _compare(source_id: int, name: str, copy: Row | None, desired: dict[str, object],
             actual: dict[str, object] | None) -> PreviewEntity:
    if copy is None or actual is None:
        return PreviewEntity(source_id, name, "create")
    changes = m.differences(actual, desired)
    if changes:
        return PreviewEntity(source_id, name, "update", None, int(copy["id"]), changes)
    return PreviewEntity(source_id, name, "skip", "identical copy at the destination",
                         int(copy["id"]))


def _requested_but_absent(ids: Sequence[int], seen: Iterable[int], noun: str,
                          where: str) -> list[PreviewEntity]:
    known = set(seen)
    return [PreviewEntity(i, f"#{i}", "excluded", f"no such {noun} {where}")
            for i in ids if i not in known]


def preview_checks(sources: Sequence[Row], archived: Sequence[Row], destinations: Sequence[Row],
                   *, ids: Sequence[int] = (), tags: Sequence[str] = (),
                   additional_tags: Sequence[str] = (), active: bool = False,
                   destination_fields: set[str] | None = None) -> list[PreviewEntity]:
    """Expected outcome of promoting quality checks (pure)."""
    promotable = [row for row in sources if m.is_promotable_check(row)]
    excluded_rows = [row for row in [*sources, *archived] if not m.is_promotable_check(row)]
    out = [PreviewEntity(int(row["id"]), m.entity_name("quality_check", row), "excluded",
                         f"status {row.get('status')}: archived and discarded checks are "
                         "never promoted")
           for row in m.select(excluded_rows, ids, tags)]
    selected = m.select(promotable, ids, tags)
    copies = m.match_checks(selected, [r for r in destinations if m.is_promotable_check(r)])
    for row in selected:
        sid, name = int(row["id"]), m.entity_name("quality_check", row)
        copy = copies.get(sid)
        entity = _compare(sid, name, copy, m.check_definition(row, additional_tags),
                          None if copy is None else m.check_definition(copy))
        missing = [f for f in m.names(row.get("fields"))
                   if destination_fields is not None and f not in destination_fields]
        if missing and active and entity.action == "create":
            entity = PreviewEntity(sid, name, "fail", "Validation failed: field "
                                   f"'{missing[0]}' not found on destination container")
        elif missing and entity.action != "skip":
            entity = PreviewEntity(sid, name, entity.action,
                                   f"source fields {missing} could not be resolved on the "
                                   "destination (would be kept as Draft)",
                                   entity.destination_entity_id, entity.fields)
        out.append(entity)
    seen = [int(r["id"]) for r in [*sources, *archived]]
    return out + _requested_but_absent(ids, seen, "check", "on the source container")


def preview_fields(sources: Sequence[Row], destinations: Sequence[Row], *,
                   ids: Sequence[int] = (), tags: Sequence[str] = (),
                   additional_tags: Sequence[str] = (),
                   destination_fields: set[str] | None = None) -> list[PreviewEntity]:
    """Expected outcome of promoting computed fields (pure)."""
    selected = m.select(sources, ids, tags)
    existing = m.by_name(destinations)
    available = set(destination_fields or ()) | {str(r.get("name")) for r in selected}
    out = []
    for row in selected:
        sid, name = int(row["id"]), str(row.get("name"))
        missing = [f for f in m.names(row.get("source_fields")) if f not in available]
        if destination_fields is not None and missing:
            out.append(PreviewEntity(sid, name, "fail", FIELD_DEPENDENCY.format(missing=missing)))
            continue
        copy = existing.get(name)
        out.append(_compare(sid, name, copy, m.field_definition(row, additional_tags),
                            None if copy is None else m.field_definition(copy)))
    seen = [int(r["id"]) for r in sources]
    return out + _requested_but_absent(ids, seen, "computed field", "on the source container")


def preview_tables(sources: Sequence[Row], destination_listing: Sequence[Row],
                   destination_tables: Sequence[Row], *, ids: Sequence[int] = (),
                   tags: Sequence[str] = (),
                   additional_tags: Sequence[str] = ()) -> list[PreviewEntity]:
    """Expected outcome of promoting computed tables (pure)."""
    listing, tables = m.by_name(destination_listing), m.by_name(destination_tables)
    out = []
    for row in m.select(sources, ids, tags):
        sid, name = int(row["id"]), str(row.get("name"))
        other = listing.get(name)
        if refused := _over_another_type(sid, name, other, "computed_table"):
            out.append(refused)
            continue
        copy = tables.get(name, other)
        out.append(_compare(sid, name, copy, m.table_definition(row, additional_tags),
                            None if copy is None else m.table_definition(copy)))
    seen = [int(r["id"]) for r in sources]
    return out + _requested_but_absent(ids, seen, "computed table", "on the source datastore")


def preview_files(mapped: Sequence[tuple[Row, int]], destination_listing: Sequence[Row],
                  destination_files: Sequence[Row], *,
                  additional_tags: Sequence[str] = ()) -> list[PreviewEntity]:
    """Expected outcome of promoting computed files; ``mapped`` pairs each source
    computed file with its destination file pattern id (pure)."""
    listing, files = m.by_name(destination_listing), m.by_name(destination_files)
    out = []
    for row, pattern_id in mapped:
        sid, name = int(row["id"]), str(row.get("name"))
        other = listing.get(name)
        if refused := _over_another_type(sid, name, other, "computed_file"):
            out.append(refused)
            continue
        copy = files.get(name, other)
        actual = None
        if copy is not None:
            actual = m.file_definition(copy, _pattern_id(copy))
        out.append(_compare(sid, name, copy, m.file_definition(row, pattern_id, additional_tags),
                            actual))
    return out


def _over_another_type(sid: int, name: str, other: Row | None,
                       wanted: str) -> PreviewEntity | None:
    """The expected failure when the destination's same-named container is not a ``wanted``
    one (the platform refuses to promote over it); None when there is nothing in the way."""
    kind = str(other.get("container_type")) if other else ""
    if other is None or kind == wanted:
        return None
    return PreviewEntity(sid, name, "fail", f"Cannot promote over non-{wanted.replace('_', '-')} "
                         f"container (type: {kind})", int(other["id"]))


def _pattern_id(row: Row) -> int | None:
    value = row.get("source_container_id")
    if value is None and isinstance(row.get("source_container"), dict):
        value = row["source_container"].get("id")
    return None if value is None else int(value)


def preview_promote(api: PromoteAPI, resolved: ResolvedPromote,
                    caller: Caller | None = None) -> PromotePreview:
    """Read what the promote would touch and predict each entity's outcome (pass one
    ``caller`` to several previews to read the caller's permissions once)."""
    o, spec = resolved.options, resolved.spec
    src_ds, dst_ds = resolved.source_datastore, resolved.destination_datastore
    permission = (caller or Caller(api)).check(src_ds, dst_ds)
    if spec.name in ("checks", "fields"):
        assert resolved.source_container and resolved.destination_container
        src_c, dst_c = resolved.source_container.id, resolved.destination_container.id
        dest_fields = {str(f.get("name")) for f in api.list_fields(dst_c)}
        if spec.name == "checks":
            entities = preview_checks(
                api.list_quality_checks(src_ds.id, container_id=src_c),
                api.list_quality_checks(src_ds.id, container_id=src_c, archived="only"),
                api.list_quality_checks(dst_ds.id, container_id=dst_c),
                ids=o.ids, tags=o.tags, additional_tags=o.additional_tags, active=o.active,
                destination_fields=dest_fields)
        else:
            entities = preview_fields(
                api.get_container(src_c).get("computed_fields") or [],
                api.get_container(dst_c).get("computed_fields") or [],
                ids=o.ids, tags=o.tags, additional_tags=o.additional_tags,
                destination_fields=dest_fields)
    elif spec.name == "tables":
        entities = preview_tables(
            api.list_containers(src_ds.id, container_type="computed_table"),
            api.containers_listing(dst_ds.id),
            api.list_containers(dst_ds.id, container_type="computed_table"),
            ids=o.ids, tags=o.tags, additional_tags=o.additional_tags)
    else:
        mapped = [(api.get_container(src.id), dst.id) for src, dst in resolved.mappings]
        entities = preview_files(
            mapped, api.containers_listing(dst_ds.id),
            api.list_containers(dst_ds.id, container_type="computed_file"),
            additional_tags=o.additional_tags)
    refused = permission.text if permission.allowed is False else None
    return PromotePreview(
        type=spec.operation_type,
        source=resolved.source_label,
        destination=resolved.destination_label,
        request=build_body(resolved),
        entities=tuple(entities if refused is None else _all_refused(entities, permission.brief)),
        certain=_certain(resolved, permission),
        estimates=_estimates(resolved, permission),
        refused=refused,
    )


def _all_refused(entities: Sequence[PreviewEntity], reason: str) -> list[PreviewEntity]:
    """Every selected entity fails when the request itself is refused (excluded ones are not
    part of the request)."""
    return [e if e.action == "excluded" else
            PreviewEntity(e.source_entity_id, e.source_name, "fail", reason,
                          e.destination_entity_id)
            for e in entities]


def _certain(resolved: ResolvedPromote, permission: PermissionCheck) -> tuple[str, ...]:
    spec = resolved.spec
    lines = [permission.text] if permission.allowed is not None else []
    lines += [
        f"names resolved: {resolved.source_label} -> {resolved.destination_label}; the request "
        "shown is exactly what would be sent",
        f"which {spec.noun}s are selected (after --ids / --tags) is read from the source",
    ]
    if spec.name == "checks":
        lines.append("archived and discarded checks are never promoted, even by id")
    return tuple(lines)


def _estimates(resolved: ResolvedPromote, permission: PermissionCheck) -> tuple[str, ...]:
    spec = resolved.spec
    lines = [permission.text] if permission.allowed is None else []
    lines += [
        "create / update / skip is an estimate: " + m.MATCHING_RULES[spec.name],
        "expected failures are predicted from the destination's current containers and "
        "fields; the platform decides when the operation runs",
    ]
    return tuple(lines)
