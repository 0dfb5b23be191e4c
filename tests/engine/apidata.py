"""API objects shaped like the platform's list responses, for unit tests."""

from __future__ import annotations

from typing import Any

from qualytics_ci.engine.state import TargetState
from qualytics_ci.engine.target import build_state


def connection(id: int = 1, name: str = "warehouse-dev-db") -> dict[str, Any]:
    return {"id": id, "created": "2024-01-01T00:00:00Z", "name": name, "type": "postgresql",
            "connection_type": "jdbc", "host": "db.example.com", "port": 5432,
            "username": "qualytics", "parameters": {"sslmode": "require"},
            "jdbc_fetch_size": 1000, "max_parallelization": 4, "datastores": [],
            "product_name": "PostgreSQL", "driver_name": "pg"}


def datastore(id: int = 10, name: str = "warehouse-dev", conn: int = 1) -> dict[str, Any]:
    return {"id": id, "name": name, "connection_id": conn, "database": "analytics",
            "schema": "public", "global_tags": [{"name": "tier-1"}, {"name": "dev"}],
            "teams": [{"id": 1, "name": "Public"}], "enrichment_only": False,
            "check_count": 3, "score": 88.5, "metrics": {}, "store_type": "jdbc",
            "type": "postgresql", "created": "2024-01-01T00:00:00Z"}


def table(id: int, name: str, ds: int = 10, **extra: Any) -> dict[str, Any]:
    return {"id": id, "name": name, "container_type": "table",
            "datastore": {"id": ds, "name": "warehouse-dev"}, "global_tags": [],
            "record_count": 100, **extra}


def computed_table(id: int, name: str, query: str, ds: int = 10) -> dict[str, Any]:
    return {"id": id, "name": name, "container_type": "computed_table", "query": query,
            "datastore": {"id": ds, "name": "warehouse-dev"}, "description": "derived",
            "global_tags": [{"name": "computed"}], "additional_metadata": {},
            "computed_fields": [], "created": "2024-02-02T00:00:00Z"}


def check(id: int, rule: str, container: tuple[int, str], fields: list[str],
          **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": id, "created": "2024-03-03T00:00:00Z", "rule_type": rule,
        "description": f"{rule} on {','.join(fields)}",
        "container": {"id": container[0], "name": container[1]},
        "fields": [{"id": 100 + i, "name": f, "type": "String"} for i, f in enumerate(fields)],
        "coverage": 1.0, "filter": None, "anomaly_message_field": None, "properties": {},
        "global_tags": [], "status": "Active", "additional_metadata": {},
        "anomaly_count": 0, "inferred": False,
    }
    obj.update(extra)
    return obj


def demo_objects() -> dict[str, Any]:
    orders = (20, "orders")
    return {
        "connections": [connection()],
        "datastores": [datastore()],
        "containers": {"warehouse-dev": [
            table(20, "orders"), table(21, "customers"),
            computed_table(22, "big_orders", "select * from orders where total > 1000"),
        ]},
        "fields": {20: [{"id": 500, "name": "total_usd", "transformation_type": "customExpression",
                         "source_fields": [{"name": "total"}],
                         "properties": {"column_expression": "total * 1.1"},
                         "additional_metadata": None, "container_id": 20}]},
        "checks": {"warehouse-dev": [
            check(1, "notNull", orders, ["id"]),
            check(2, "between", orders, ["total"],
                  properties={"min": 0, "max": 100, "inclusive_min": True, "inclusive_max": True},
                  global_tags=[{"name": "finance"}],
                  additional_metadata={"_qualytics_check_uid": "orders__between__total",
                                       "owner_team": "finance",
                                       "from quality check id": "77"}),
            check(3, "notNull", orders, ["id"], filter="status <> 'x'"),
            check(4, "existsIn", orders, ["customer_id"],
                  properties={"field_name": "id", "ref_container_id": 21,
                              "ref_datastore_id": 10}),
            check(5, "volumetric", (22, "big_orders"), [], coverage=None,
                  properties={"comparison": "Absolute Value", "min": 1, "max": 10}),
        ]},
        "archived": {},
    }


def demo_state(**changes: Any) -> TargetState:
    objs = demo_objects()
    objs.update(changes)
    return build_state(**objs)
