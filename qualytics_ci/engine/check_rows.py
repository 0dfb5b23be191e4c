"""A datastore's quality checks turned into entities as their pages arrive.

An API object of a check is about four times the size of the entity made from it, and
the entities are all that a plan or an export needs. So each object is converted the
moment it is read and then let go: a read holds one page of API objects at a time,
not all of them. Two things wait for the end of the datastore's read:

- the uids, which depend on every check of the datastore (the lowest id keeps a stored
  uid several share; see :func:`~qualytics_ci.engine.normalize.distinct_uids`); the
  body is made with the uid left blank, and the uid is set in its metadata then;
- a check naming a container that has not been read yet (another datastore's, or
  one outside the read): its object is kept, and converted once every name is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from qualytics_ci.engine.normalize import Names, check_body, distinct_uids, shape_uid, stored_uid
from qualytics_ci.folder.model import UID_KEY, Body, Check, check_file_stem

Obj = dict[str, Any]


# a check's id, the uid the server stores (if any), the generated uid's base (when none
# is stored), and its body (None: the object waits in ``waiting``)
_Row = tuple[int, "str | None", "str | None", "Body | None"]


def _named(obj: Mapping[str, Any]) -> bool:
    """Whether the object names its container and compares with none (most checks)."""
    container, props = obj.get("container"), obj.get("properties")
    return (isinstance(container, dict) and container.get("name") is not None
            and not (isinstance(props, dict) and "ref_container_id" in props))


def container_refs(obj: Mapping[str, Any]) -> Iterator[int]:
    """The container ids :func:`~qualytics_ci.engine.normalize.check_body` looks up by
    name for this object: its container's when it comes without a name, and
    :func:`reference`."""
    container = obj.get("container")
    if (container.get("name") if isinstance(container, dict) else container) is None:
        ref = obj.get("container_id")
        if ref is None and isinstance(container, dict):
            ref = container.get("id")
        if isinstance(ref, int):
            yield ref
    ref = reference(obj)
    if ref is not None:
        yield ref


def reference(obj: Mapping[str, Any]) -> int | None:
    """The container a check compares with (``properties.ref_container_id``)."""
    props = obj.get("properties")
    ref = props.get("ref_container_id") if isinstance(props, dict) else None
    return ref if isinstance(ref, int) else None


class CheckRows:
    """The checks of datastore ``datastore``, read with the names in ``names`` (which
    grow as the read goes on: it is the read's own object)."""

    def __init__(self, names: Names, datastore: str) -> None:
        self.names = names
        self.datastore = datastore
        self._rows: list[_Row] = []
        self.waiting: dict[int, Obj] = {}  # row index -> object naming an unread container

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, obj: Obj) -> None:
        stored = stored_uid(obj)
        shape = shape_uid(obj) if stored is None else None
        if _named(obj) or all(ref in self.names.containers for ref in container_refs(obj)):
            body: Body | None = check_body(obj, self.names, "")
        else:
            body = None
            self.waiting[len(self._rows)] = obj
        self._rows.append((int(obj.get("id") or 0), stored, shape, body))

    def extend(self, objs: Iterable[Obj]) -> None:
        for obj in objs:
            self.add(obj)

    def waiting_refs(self) -> set[int]:
        """The compared-with containers (:func:`reference`) of the waiting objects that
        are still unknown: every other check's is known."""
        known = self.names.containers
        refs = (reference(obj) for obj in self.waiting.values())
        return {ref for ref in refs if ref is not None and ref not in known}

    def uids(self) -> dict[int, str]:
        """Check id -> its distinct uid."""
        return distinct_uids((oid, stored, shape) for oid, stored, shape, _ in self._rows)

    def stored(self) -> Iterator[tuple[int, str | None]]:
        """Each check's id and stored uid, in the order read."""
        return ((oid, stored) for oid, stored, _, _ in self._rows)

    def checks(self, uids: Mapping[int, str]) -> list[Check]:
        """The entities, in the order read (call once every name is known)."""
        out = []
        for i, (oid, _, _, made) in enumerate(self._rows):
            uid = uids[oid]
            body = made if made is not None else check_body(self.waiting[i], self.names, "")
            body["additional_metadata"][UID_KEY] = uid
            out.append(check_entity(body, self.datastore, uid))
        self.waiting.clear()
        return out


def check_entity(body: Body, datastore: str, uid: str) -> Check:
    """The entity of a check's body (its uid already in the metadata)."""
    return Check(check_file_stem(body["rule_type"], body["fields"]), body, datastore,
                 str(body["container"]), uid=uid)
