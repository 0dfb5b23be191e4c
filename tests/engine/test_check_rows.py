"""Reading a datastore's checks: each API object becomes an entity as it is read and is
let go, names the read has not reached yet are filled in at the end, and the uids are
those the whole datastore's checks decide."""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any

from qualytics_ci.engine.check_rows import CheckRows
from qualytics_ci.engine.normalize import Names, assign_uids
from qualytics_ci.engine.target import read_target
from qualytics_ci.results.config import KIND_ORDER

from . import apidata

ALL = frozenset(KIND_ORDER)
UID = "_qualytics_check_uid"


class Obj(dict[str, Any]):
    """An API object that a weak reference can follow (a plain dict cannot)."""


class Target:
    """A target of two datastores, ``a`` and ``b``, listed in pages of two."""

    def __init__(self, checks_a: list[dict[str, Any]], *,
                 outside: Mapping[int, dict[str, Any]] | None = None) -> None:
        self.lists: dict[tuple[str, int | None], list[dict[str, Any]]] = {
            ("/connections", None): [apidata.connection()],
            ("/datastores", None): [apidata.datastore(10, "a"), apidata.datastore(11, "b")],
            ("/containers", 10): [apidata.table(20, "orders", ds=10, computed_fields=[])],
            ("/containers", 11): [apidata.table(30, "customers", ds=11, computed_fields=[])],
            ("/quality-checks", 10): checks_a,
            ("/quality-checks", 11): [],
        }
        self.outside = dict(outside or {})
        self.gets: list[str] = []
        self.alive_when_read: list[int] = []  # earlier check objects still held, per read
        self._read: list[weakref.ref[Obj]] = []

    def paginate(self, path: str, params: Mapping[str, Any] | None = None, *,
                 size: int = 100) -> Iterator[dict[str, Any]]:
        for obj in self.lists[(path, (params or {}).get("datastore"))]:
            if path == "/quality-checks":
                self.alive_when_read.append(sum(ref() is not None for ref in self._read))
                held = Obj(obj)
                self._read.append(weakref.ref(held))
                yield held
                del held  # the next count sees only what the reader holds
            else:
                yield obj

    def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        self.gets.append(path)
        return self.outside[int(path.rsplit("/", 1)[1])]


def _check(id: int, **extra: Any) -> dict[str, Any]:
    return apidata.check(id, "notNull", (20, "orders"), [f"f{id}"], **extra)


def _bodies(target: Target, datastores: list[str] | None = None) -> dict[int, dict[str, Any]]:
    state = read_target(target, kinds=ALL, datastores=datastores)
    return {state.ids[c.key]: c.body for c in state.config.checks}


def test_each_check_object_is_let_go_once_read() -> None:
    target = Target([_check(i) for i in range(1, 7)])
    bodies = _bodies(target)
    assert len(bodies) == 6
    # at most the one just converted (a loop's variable) is still held: never the page
    assert max(target.alive_when_read) == 1


def test_a_check_naming_a_datastore_read_later_gets_its_name_without_a_request() -> None:
    target = Target([_check(1, properties={"ref_container_id": 30, "ref_datastore_id": 11}),
                     _check(2)])
    bodies = _bodies(target)
    assert bodies[1]["properties"] == {"ref_container_name": "customers",
                                       "ref_datastore_name": "b"}
    assert target.gets == []


def test_a_check_naming_a_container_outside_the_read_costs_one_request() -> None:
    other = apidata.table(40, "ledger", ds=12)
    target = Target([_check(1, properties={"ref_container_id": 40}),
                     _check(2, properties={"ref_container_id": 40})], outside={40: other})
    bodies = _bodies(target, ["a"])
    assert target.gets == ["/containers/40"]
    assert bodies[1]["properties"] == bodies[2]["properties"] == {
        "ref_container_name": "ledger"}


def test_a_container_given_by_id_alone_waits_for_its_name() -> None:
    rows = CheckRows(Names(), "a")
    rows.add({"id": 7, "rule_type": "notNull", "container_id": 20, "fields": ["id"]})
    assert set(rows.waiting) == {0}
    rows.names.containers[20] = "orders"
    [check] = rows.checks(rows.uids())
    assert check.container == "orders" and check.uid == "__notnull__id"
    assert check.body["additional_metadata"] == {UID: "__notnull__id"}


def test_uids_are_those_of_the_whole_datastore() -> None:
    shared = {UID: "orders__notnull__id"}
    objs = [_check(5, additional_metadata=dict(shared)),
            _check(3, additional_metadata=dict(shared)),
            apidata.check(9, "notNull", (20, "orders"), ["id"]),
            apidata.check(8, "notNull", (20, "orders"), ["id"])]
    rows = CheckRows(Names(), "a")
    rows.extend(objs)
    uids = rows.uids()
    assert uids == assign_uids(objs)
    assert uids == {3: "orders__notnull__id", 5: "orders__notnull__id__2",
                    8: "orders__notnull__id__3", 9: "orders__notnull__id__4"}
    checks = rows.checks(uids)
    assert [c.uid for c in checks] == [uids[5], uids[3], uids[9], uids[8]]  # read order
    assert [c.body["additional_metadata"][UID] for c in checks] == [c.uid for c in checks]
    assert list(checks[0].body["additional_metadata"]) == [UID]  # the uid first, as exported
