"""Promote options: what is refused before any request, and the request body."""

from __future__ import annotations

import pytest

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.promote.request import (
    Endpoint,
    PromoteOptions,
    Ref,
    ResolvedPromote,
    build_body,
    check_options,
    check_resolved,
    parse_ids,
    parse_mappings,
    store_kind,
)


def options(kind: str = "checks", src: str = "dev/orders", dst: str = "prod/orders",
            **kw: object) -> PromoteOptions:
    return PromoteOptions(kind, src, dst, **kw)  # type: ignore[arg-type]


def test_endpoint_parses_datastore_and_container() -> None:
    assert Endpoint.parse("warehouse-dev/orders", "--from") == Endpoint("warehouse-dev", "orders")
    assert Endpoint.parse("12", "--to") == Endpoint("12", None)
    with pytest.raises(QualyticsCIError, match="not DATASTORE"):
        Endpoint.parse("dev/", "--from")


def test_ids_and_tags_are_mutually_exclusive() -> None:
    with pytest.raises(QualyticsCIError, match="mutually exclusive"):
        check_options(options(ids=(1,), tags=("pii",)))


def test_checks_and_fields_need_containers_on_both_sides() -> None:
    with pytest.raises(QualyticsCIError, match="--to prod names no container"):
        check_options(options(dst="prod"))
    with pytest.raises(QualyticsCIError, match="--from dev names no container"):
        check_options(options("fields", src="dev"))


def test_tables_take_datastores_only() -> None:
    with pytest.raises(QualyticsCIError, match="give a datastore only"):
        check_options(options("tables"))
    assert check_options(options("tables", "dev", "prod"))[1] == Endpoint("prod")


def test_files_need_a_mapping() -> None:
    with pytest.raises(QualyticsCIError, match="explicit mapping"):
        check_options(options("files", "lake-dev", "lake-prod"))
    check_options(options("files", "lake-dev", "lake-prod", mappings=(("a", "b"),)))
    with pytest.raises(QualyticsCIError, match="only to --type files"):
        check_options(options(mappings=(("a", "b"),)))


def test_active_only_for_checks() -> None:
    with pytest.raises(QualyticsCIError, match="--active"):
        check_options(options("fields", active=True))


def test_parse_ids_and_mappings() -> None:
    assert parse_ids("3, 1,3") == (3, 1)
    with pytest.raises(QualyticsCIError, match="not an id"):
        parse_ids("1,x")
    assert parse_mappings(["a=b", " 5 = 6 "]) == (("a", "b"), ("5", "6"))
    with pytest.raises(QualyticsCIError, match="SRC=DST"):
        parse_mappings(["a"])


def resolved(kind: str = "checks", **kw: object) -> ResolvedPromote:
    defaults: dict[str, object] = dict(
        source_datastore=Ref(1, "dev", "jdbc"), destination_datastore=Ref(2, "prod", "jdbc"),
        source_container=Ref(10, "orders", "table"),
        destination_container=Ref(20, "orders", "table"))
    defaults.update(kw)
    opts = options(kind) if kind in ("checks", "fields") else options(kind, "dev", "prod")
    return ResolvedPromote(opts, **defaults)  # type: ignore[arg-type]


def test_source_equal_to_destination_is_refused() -> None:
    with pytest.raises(QualyticsCIError, match="must be different"):
        check_resolved(resolved(destination_container=Ref(10, "orders", "table")))
    with pytest.raises(QualyticsCIError, match="must be different"):
        check_resolved(resolved("tables", destination_datastore=Ref(1, "dev", "jdbc")))


def test_destination_store_type_must_fit() -> None:
    with pytest.raises(QualyticsCIError, match="lake is a DFS datastore"):
        check_resolved(resolved("tables", destination_datastore=Ref(2, "lake", "dfs")))
    with pytest.raises(QualyticsCIError, match="JDBC datastore"):
        check_resolved(resolved("files", mappings=((Ref(5, "f", "computed_file"),
                                                    Ref(6, "p", "file")),)))


def test_mapping_source_must_be_a_computed_file() -> None:
    with pytest.raises(QualyticsCIError, match="not a computed file"):
        check_resolved(resolved("files", source_datastore=Ref(1, "l", "dfs"),
                                destination_datastore=Ref(2, "m", "dfs"),
                                mappings=((Ref(5, "raw", "file"), Ref(6, "p", "file")),)))


def test_store_kind_reads_store_type_or_connection_type() -> None:
    assert store_kind({"store_type": "DFS"}) == "dfs"
    assert store_kind({"type": "postgresql"}) == "jdbc"
    assert store_kind({"connection": {"type": "s3"}}) == "dfs"
    assert store_kind({}) == ""


def test_body_for_checks_defaults_to_draft_and_carries_filters() -> None:
    r = resolved()
    r = ResolvedPromote(options(tags=("pii",), additional_tags=("promoted",)),
                        r.source_datastore, r.destination_datastore, r.source_container,
                        r.destination_container)
    assert build_body(r) == {
        "type": "promote_quality_check", "datastore_id": 1, "container_id": 10,
        "destination_container_id": 20, "check_tags": ["pii"],
        "check_additional_tags": ["promoted"], "as_draft": True,
    }


def test_body_for_files_lists_the_mappings() -> None:
    r = ResolvedPromote(options("files", "l", "m", mappings=(("a", "b"),)),
                        Ref(1, "l", "dfs"), Ref(2, "m", "dfs"),
                        mappings=((Ref(5, "a", "computed_file"), Ref(6, "b", "file")),))
    assert build_body(r) == {
        "type": "promote_computed_file", "datastore_id": 1, "destination_datastore_id": 2,
        "source_container_mappings": [{"container_id": 5, "destination_container_id": 6}],
    }
