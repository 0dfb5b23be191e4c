"""Names to ids: one lookup per name, close matches on a miss."""

from __future__ import annotations

import pytest

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.promote.request import Endpoint, PromoteOptions, Ref
from qualytics_ci.promote.resolve import Resolver, close_matches, pick, resolve

from .fakes import FakeAPI

DATASTORES = [
    {"id": 1, "name": "warehouse-dev", "store_type": "jdbc"},
    {"id": 2, "name": "warehouse-prod", "store_type": "jdbc"},
    {"id": 3, "name": "lake-dev", "store_type": "dfs"},
]
LISTINGS = {
    1: [{"id": 10, "name": "orders", "container_type": "table"},
        {"id": 11, "name": "customers", "container_type": "table"}],
    2: [{"id": 20, "name": "orders", "container_type": "table"}],
}


def test_close_matches_are_case_insensitive() -> None:
    assert close_matches("Ordrs", ["orders", "customers"]) == ["orders"]


def test_pick_by_name_id_and_case() -> None:
    items = LISTINGS[1]
    assert pick(items, "orders", "container", "")["id"] == 10
    assert pick(items, "11", "container", "")["id"] == 11
    assert pick(items, "ORDERS", "container", "")["id"] == 10


def test_absent_name_lists_close_matches() -> None:
    with pytest.raises(QualyticsCIError) as exc:
        pick(LISTINGS[1], "ordrs", "container", " in datastore warehouse-dev")
    assert "container 'ordrs' not found in datastore warehouse-dev" in str(exc.value)
    assert "did you mean: orders?" in str(exc.value)


def test_ambiguous_name_is_an_error_naming_the_ids() -> None:
    items = [{"id": 1, "name": "x"}, {"id": 2, "name": "x"}]
    with pytest.raises(QualyticsCIError, match=r"ambiguous.*ids 1, 2"):
        pick(items, "x", "datastore", "")


def test_each_name_is_looked_up_once() -> None:
    api = FakeAPI(DATASTORES, LISTINGS)
    opts = PromoteOptions("checks", "warehouse-dev/orders", "warehouse-prod/orders")
    resolver = Resolver(api)
    r = resolve(api, opts, Endpoint("warehouse-dev", "orders"),
                Endpoint("warehouse-prod", "orders"), resolver)
    resolve(api, opts, Endpoint("warehouse-dev", "customers"),
            Endpoint("warehouse-prod", "orders"), resolver)
    assert r.source_container == Ref(10, "orders", "table")
    assert r.destination_datastore == Ref(2, "warehouse-prod", "jdbc")
    assert api.calls == [("list_datastores", "warehouse-dev"),
                         ("list_datastores", "warehouse-prod"),
                         ("containers_listing", 1), ("containers_listing", 2)]


def test_ids_are_accepted_and_unknown_ids_are_named() -> None:
    api = FakeAPI(DATASTORES, LISTINGS)
    assert Resolver(api).datastore("3") == Ref(3, "lake-dev", "dfs")
    with pytest.raises(QualyticsCIError, match="datastore #9 not found"):
        Resolver(api).datastore("9")


def test_unknown_datastore_suggests_from_the_full_list() -> None:
    api = FakeAPI(DATASTORES, LISTINGS)
    with pytest.raises(QualyticsCIError, match="did you mean: warehouse-prod"):
        Resolver(api).datastore("warehouse-prd")
