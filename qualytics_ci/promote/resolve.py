"""Datastore and container names (or ids) to ids, one lookup per name.

A name matches exactly, else case-insensitively when that is unique. Absence
and ambiguity are user errors that list the closest names, so a typo in
``--from warehouse-dev/ordrs`` says what was probably meant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qualytics_ci.errors import QualyticsCIError, close_matches
from qualytics_ci.promote.api import PromoteAPI, Row
from qualytics_ci.promote.request import (
    Endpoint,
    PromoteOptions,
    Ref,
    ResolvedPromote,
    check_store_types,
    store_kind,
)


def pick(items: Sequence[Row], ref: str, what: str, where: str) -> Row:
    """The item named (or numbered) ``ref`` among ``items``.

    Raises a user error naming close matches when nothing or more than one
    item fits."""
    if ref.isdigit():
        by_id = [item for item in items if int(item.get("id", -1)) == int(ref)]
        if len(by_id) == 1:
            return by_id[0]
    exact = [item for item in items if item.get("name") == ref]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        ids = ", ".join(str(item.get("id")) for item in exact)
        raise QualyticsCIError(
            f"{what} name {ref!r} is ambiguous{where}: ids {ids}",
            hint=f"give the {what} by id instead",
        )
    folded = [item for item in items if str(item.get("name", "")).lower() == ref.lower()]
    if len(folded) == 1:
        return folded[0]
    names = [str(item.get("name", "")) for item in items]
    if len(folded) > 1:
        raise QualyticsCIError(
            f"{what} name {ref!r} matches several names that differ only in case{where}: "
            + ", ".join(sorted(str(item.get("name")) for item in folded)),
            hint="give the exact name or the id",
        )
    similar = close_matches(ref, names)
    hint = ("did you mean: " + ", ".join(similar) + "?") if similar else (
        f"no {what} has a similar name; check the spelling or give the id")
    raise QualyticsCIError(f"{what} {ref!r} not found{where}", hint=hint)


class Resolver:
    """Resolves names to :class:`Ref` with the API, caching every lookup."""

    def __init__(self, api: PromoteAPI) -> None:
        self.api = api
        self._datastores: dict[str, Row] = {}
        self._listings: dict[int, Sequence[Row]] = {}

    def datastore_row(self, ref: str) -> Row:
        """The datastore named or numbered ``ref`` (full API object)."""
        if ref not in self._datastores:
            self._datastores[ref] = self._find_datastore(ref)
        return self._datastores[ref]

    def _find_datastore(self, ref: str) -> Row:
        if ref.isdigit():
            try:
                return self.api.get_datastore(int(ref))
            except QualyticsCIError as exc:
                if getattr(exc, "status", None) != 404:
                    raise
                raise QualyticsCIError(f"datastore #{ref} not found",
                                       hint="check the id, or give the name") from None
        candidates = self.api.list_datastores(name=ref)
        try:
            return pick(candidates, ref, "datastore", "")
        except QualyticsCIError:
            if any(str(c.get("name", "")).lower() == ref.lower() for c in candidates):
                raise
        # The name filter found nothing usable: list every datastore once, to
        # resolve case-insensitively or to name close matches.
        return pick(self.api.list_datastores(), ref, "datastore", "")

    def datastore(self, ref: str) -> Ref:
        row = self.datastore_row(ref)
        return Ref(int(row["id"]), str(row.get("name", ref)), store_kind(row))

    def listing(self, datastore_id: int) -> Sequence[Row]:
        """The datastore's containers (one request per datastore)."""
        if datastore_id not in self._listings:
            self._listings[datastore_id] = self.api.containers_listing(datastore_id)
        return self._listings[datastore_id]

    def container(self, datastore: Ref, ref: str) -> Ref:
        row = pick(self.listing(datastore.id), ref, "container", f" in datastore {datastore.name}")
        return container_ref(row)


def container_ref(row: Mapping[str, Any]) -> Ref:
    return Ref(int(row["id"]), str(row.get("name", "")), str(row.get("container_type") or ""))


def resolve(api: PromoteAPI, options: PromoteOptions, src: Endpoint, dst: Endpoint,
            resolver: Resolver | None = None) -> ResolvedPromote:
    """Every name of the promote resolved to ids (read-only requests)."""
    resolver = resolver or Resolver(api)
    src_ds = resolver.datastore(src.datastore)
    dst_ds = resolver.datastore(dst.datastore)
    check_store_types(options.spec, src_ds, dst_ds)
    src_c = resolver.container(src_ds, src.container) if src.container else None
    dst_c = resolver.container(dst_ds, dst.container) if dst.container else None
    mappings = tuple(
        (resolver.container(src_ds, s), resolver.container(dst_ds, d)) for s, d in options.mappings
    )
    return ResolvedPromote(options, src_ds, dst_ds, src_c, dst_c, mappings)
