"""Synthetic plans and reports with realistic changes, for renderer and Action tests."""

from __future__ import annotations

from qualytics_ci.results.config import Change, FieldChange, ImportReport, Outcome, Plan

RULES = ("notNull", "between", "matchesPattern", "isUnique", "expectedValues", "freshness")


def check_change(i: int, action: str, datastore: str = "warehouse-prod") -> Change:
    """The ``i``-th check of a plan, with field changes when it is an update."""
    table = f"orders_{i // 100:03d}"
    name = f"{RULES[i % len(RULES)]}_{table}_col{i % 100:02d}"
    fields: tuple[FieldChange, ...] = ()
    if action == "update":
        fields = (
            FieldChange("properties.max", i % 1000, i % 1000 + 50),
            FieldChange("description", f"Amount within range ({i})",
                        f"Amount within the agreed range ({i})"),
            FieldChange("tags", ["finance"], ["finance", "critical"]),
        )
    elif action == "create":
        fields = (FieldChange("rule", None, RULES[i % len(RULES)]),
                  FieldChange("fields", None, [f"col{i % 100:02d}"]))
    return Change(kind="check", name=name, action=action,  # type: ignore[arg-type]
                  datastore=datastore, container=table, uid=f"chk-{i:06d}",
                  file=f"datastores/{datastore}/containers/{table}/checks/{name}.yaml",
                  fields=fields)


def plan_of(n: int, *, creates: int = 0, updates: int = 0, archives: int = 0) -> Plan:
    """``n`` checks: the first ones created, then updated, archived, the rest unchanged."""
    changes = []
    for i in range(n):
        if i < creates:
            action = "create"
        elif i < creates + updates:
            action = "update"
        elif i < creates + updates + archives:
            action = "archive"
        else:
            action = "unchanged"
        changes.append(check_change(i, action))
    return Plan(tuple(changes))


def small_plan() -> Plan:
    """3 to create, 1 to update, 0 to archive, 412 unchanged (plus a container)."""
    plan = plan_of(415, creates=3, updates=1)
    container = Change(kind="container", name="orders_enriched", action="unchanged",
                       datastore="warehouse-prod", uid="orders_enriched")
    return Plan((container, *plan.changes))


def import_report_of(plan: Plan, *, fail: int = 0) -> ImportReport:
    """Every change applied, the first ``fail`` changed entities failed."""
    outcomes = []
    failed = 0
    for n, c in enumerate(plan.changes):
        if c.action == "unchanged":
            outcomes.append(Outcome(c, "ok"))  # as the import reports unchanged entities
        elif failed < fail:
            failed += 1
            outcomes.append(Outcome(c, "failed", message="422 properties.max: must be >= min"))
        else:
            outcomes.append(Outcome(c, "ok", id=1000 + n))
    return ImportReport(plan.digest, tuple(outcomes))
