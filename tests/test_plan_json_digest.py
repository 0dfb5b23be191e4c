"""A plan read back from its JSON keeps the digest its maker computed, even when the JSON's
values were redacted (what the Action reads to set `plan-digest` and the comment)."""

from __future__ import annotations

import json
from pathlib import Path

from qualytics_ci import secrets
from qualytics_ci.render.json import write_json
from qualytics_ci.results.config import Change, FieldChange, Plan
from qualytics_ci.results.from_json import plan_from_json


def test_the_digest_survives_redaction_of_the_plans_values(tmp_path: Path) -> None:
    secrets.register("tok-9f8e7d6c5b4a")
    plan = Plan((Change("check", "orders__x", "update", "wh", "orders", "orders__x",
                        fields=(FieldChange("filter", "a = 1",
                                            "note = 'tok-9f8e7d6c5b4a'"),)),))
    write_json(tmp_path / "plan.json", plan.to_json())
    data = json.loads((tmp_path / "plan.json").read_text())
    assert "tok-9f8e7d6c5b4a" not in json.dumps(data)  # redacted on the way out
    read = plan_from_json(data)
    assert read.changes[0].fields[0].after != plan.changes[0].fields[0].after
    assert read.digest == plan.digest == data["digest"]


def test_a_plan_built_in_memory_computes_its_digest() -> None:
    plan = Plan((Change("check", "orders__x", "create", "wh", "orders", "orders__x"),))
    assert plan.digest == Plan(plan.changes).digest
    assert plan.digest != Plan(()).digest
