"""The demo seed's quality checks: many on dev, a subset on staging and prod.

Prod differs from dev on purpose (an older threshold, a missing check, an extra
prod-only check) so plan, drift and promote have something to show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qualytics_ci.sandbox import checks
from qualytics_ci.sandbox.store import Record, Store

Spec = tuple[str, str, list[str], dict[str, Any], dict[str, Any]]

STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled", "refunded"]
WAREHOUSE_CHECKS: list[Spec] = [
    ("orders", "notNull", ["order_id"], {}, {"tags": ("critical",)}),
    ("orders", "unique", ["order_id"], {}, {"tags": ("critical",)}),
    ("orders", "notNull", ["customer_id"], {}, {}),
    ("orders", "expectedValues", ["status"], {"list": STATUSES}, {"tags": ("orders",)}),
    ("orders", "between", ["total_amount"], {"min": 0, "max": 100000, "inclusive_min": True,
                                             "inclusive_max": True}, {"tags": ("finance",)}),
    ("orders", "matchesPattern", ["currency"], {"pattern": "^[A-Z]{3}$"}, {}),
    ("orders", "notFuture", ["order_date"], {}, {}),
    ("orders", "existsIn", ["customer_id"], {"field_name": "customer_id",
                                             "ref_container": "customers"}, {"tags": ("ri",)}),
    ("orders", "volumetric", [], {"comparison": "Percentage Change", "window_size": 7,
                                  "min": -0.3, "max": 0.3}, {}),
    ("orders", "freshness", [], {"value": 86_400_000}, {"tags": ("sla",)}),
    ("customers", "notNull", ["customer_id"], {}, {"tags": ("critical",)}),
    ("customers", "unique", ["email"], {}, {"tags": ("pii",)}),
    ("customers", "matchesPattern", ["email"], {"pattern": r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"},
     {"tags": ("pii",)}),
    ("customers", "expectedValues", ["country"], {"list": ["US", "CA", "GB", "DE", "FR", "BR"]},
     {}),
    ("customers", "maxLength", ["phone"], {"value": 20}, {"tags": ("pii",)}),
    ("customers", "notNull", ["full_name"], {}, {}),
    ("customers", "expectedValues", ["loyalty_tier"], {"list": ["bronze", "silver", "gold"]},
     {"status": "Draft"}),
    ("payments", "notNull", ["payment_id"], {}, {"tags": ("critical",)}),
    ("payments", "greaterThan", ["amount"], {"value": 0, "inclusive": False},
     {"tags": ("finance",)}),
    ("payments", "expectedValues", ["method"], {"list": ["card", "paypal", "bank_transfer"]}, {}),
    ("payments", "existsIn", ["order_id"], {"field_name": "order_id", "ref_container": "orders"},
     {"tags": ("ri",)}),
    ("payments", "satisfiesExpression", [], {"expression": "amount <= 100000 OR method = "
                                             "'bank_transfer'"}, {"filter": "status = 'settled'"}),
    ("products", "unique", ["sku"], {}, {}),
    ("products", "notNull", ["name"], {}, {}),
    ("products", "minValue", ["price"], {"value": 0}, {"tags": ("finance",)}),
    ("products", "isType", ["price"], {"field_type": "Fractional"}, {"uid": False}),
    ("order_items", "minValue", ["quantity"], {"value": 1}, {}),
    ("order_items", "between", ["discount"], {"min": 0, "max": 1, "inclusive_min": True,
                                              "inclusive_max": True}, {"coverage": 0.99}),
    ("shipments", "notNull", ["tracking_number"], {}, {"status": "Draft"}),
    ("shipments", "distinctCount", ["carrier"], {"comparison": "less than", "value": 10},
     {"uid": False}),
    ("daily_revenue", "fieldCount", [], {"value": 3}, {}),
    ("high_value_orders", "minValue", ["total_amount"], {"value": 1000}, {"tags": ("finance",)}),
    ("customer_order_summary", "notNull", ["lifetime_value"], {}, {"status": "Draft"}),
]
LAKE_CHECKS: list[Spec] = [
    ("clickstream_events", "notNull", ["event_id"], {}, {"tags": ("critical",)}),
    ("clickstream_events", "expectedValues", ["event_type"],
     {"list": ["view", "click", "add_to_cart", "purchase"]}, {"tags": ("web",)}),
    ("clickstream_events", "between", ["duration_ms"], {"min": 0, "max": 3_600_000,
                                                        "inclusive_min": True,
                                                        "inclusive_max": True}, {}),
    ("web_sessions", "minValue", ["page_views"], {"value": 0}, {"tags": ("web",)}),
    ("web_sessions", "notNull", ["session_id"], {}, {}),
    ("support_tickets", "expectedValues", ["priority"], {"list": ["low", "medium", "high"]}, {}),
    ("support_tickets", "between", ["satisfaction"], {"min": 1, "max": 5, "inclusive_min": True,
                                                      "inclusive_max": True}, {}),
    ("inventory_snapshots", "minValue", ["quantity_on_hand"], {"value": 0}, {}),
    ("engaged_sessions", "greaterThan", ["page_views"], {"value": 1, "inclusive": False},
     {"tags": ("web",)}),
]
PROD_WAREHOUSE = {0, 1, 2, 3, 4, 5, 10, 11, 12, 17, 18, 22, 24, 31}
STAGING_WAREHOUSE = {0, 1, 2, 3, 10, 17}
PROD_LAKE = {0, 1, 3}

CheckMaker = Callable[..., Record]


def _place(store: Store, admin: Record, ds: Record, spec: Spec, make: CheckMaker) -> Record:
    container, rule, fields, props, extra = spec
    props = dict(props)
    if "ref_container" in props:
        ref = store.container_by_name(ds["id"], props.pop("ref_container"))
        assert ref is not None
        props.update(ref_container_id=ref["id"], ref_datastore_id=ds["id"])
    return make(store, admin, ds, container, rule, fields, props, **extra)


def demo_checks(store: Store, admin: Record, made: dict[str, tuple[Record, Record]],
                make: CheckMaker) -> None:
    """Create the demo checks on every environment."""
    dev_wh, dev_lake = made["dev"]
    for spec in WAREHOUSE_CHECKS:
        _place(store, admin, dev_wh, spec, make)
    for spec in LAKE_CHECKS:
        _place(store, admin, dev_lake, spec, make)
    for env, keep in (("staging", STAGING_WAREHOUSE), ("prod", PROD_WAREHOUSE)):
        for i in sorted(keep):
            spec = WAREHOUSE_CHECKS[i]
            if env == "prod" and i == 4:  # prod still has last quarter's ceiling
                spec = (*spec[:3], {**spec[3], "max": 50000}, spec[4])
            _place(store, admin, made[env][0], spec, make)
    for i in sorted(PROD_LAKE):
        _place(store, admin, made["prod"][1], LAKE_CHECKS[i], make)
    # history: archived checks, and a prod-only check nobody exported yet
    retired = make(store, admin, dev_wh, "orders", "maxLength", ["currency"], {"value": 3},
                   desc="Superseded by the currency pattern check")
    checks.archive_check(store, admin, retired["id"], status="Discarded")
    wrong = make(store, admin, dev_wh, "payments", "notNull", ["paid_at"], {}, uid=False,
                 desc="Pending payments have no paid_at")
    checks.archive_check(store, admin, wrong["id"], status="Invalid")
    make(store, admin, made["prod"][0], "orders", "notNull", ["shipped_at"], {},
         tags=("hotfix",), desc="Added in prod during an incident")
