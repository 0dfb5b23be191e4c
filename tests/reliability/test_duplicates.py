"""Two imports at once create every new check twice (the API has no locks); the next
plan shows each copy and the next import archives it, keeping the lowest id."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from reliability_kit import Runner, Target, copy_folder, not_null_check, uid_of

DS = "warehouse-dev"
NEW = {f"orders__notnull__{f}": f for f in
       ("shipped_at", "status", "order_date", "total_amount", "currency")}


def test_two_imports_at_once_leave_duplicates_that_plan_shows_and_import_removes(
        run: Runner, target: Target, demo_export: Path, demo_env: dict[str, str],
        tmp_path: Path) -> None:
    run.env.update(demo_env)
    folder = copy_folder(demo_export, tmp_path / "config")
    for uid, field in NEW.items():
        (folder / "datastores/warehouse_dev/checks/orders" / f"notnull__{field}.yaml"
         ).write_text(not_null_check(uid, field=field), encoding="utf-8")

    # Two merges close together: two deploys start at once. Each plans the five new
    # checks before the other has created any (each request takes 0.3 s), so each
    # creates all five.
    target.faults(latency_ms=300)
    first = run.spawn("import", "--input", str(folder), name="first")
    second = run.spawn("import", "--input", str(folder), name="second")
    assert first.wait(timeout=120) == 0, run.output_of("first")
    assert second.wait(timeout=120) == 0, run.output_of("second")
    target.faults(latency_ms=0)
    live = target.checks(DS)
    counts = Counter(uid_of(c) for c in live)
    assert {uid: counts[uid] for uid in NEW} == {uid: 2 for uid in NEW}, \
        "the two imports did not overlap"
    kept = {uid: min(c["id"] for c in live if uid_of(c) == uid) for uid in NEW}
    copies = {uid: max(c["id"] for c in live if uid_of(c) == uid) for uid in NEW}

    # The plan shows one duplicate line per extra copy, and is a change (exit 2).
    plan_file = tmp_path / "plan.json"
    plan = run("plan", "--input", str(folder), "--detailed-exitcode", "--json", str(plan_file))
    assert plan.code == 2, plan
    lines = [line for line in plan.out.splitlines() if line.startswith("  - duplicate ")]
    assert len(lines) == len(NEW), plan.out
    for uid in NEW:
        assert (f"  - duplicate check {DS}/orders/{uid} (id {copies[uid]}, a copy of id "
                f"{kept[uid]}, which is kept)") in lines
    assert f"0 to archive, {len(NEW)} duplicates to archive, " in plan.out
    data = json.loads(plan_file.read_text())
    assert data["summary"]["duplicate"] == len(NEW)
    assert sorted(c["target_id"] for c in data["changes"] if c["action"] == "duplicate") == \
        sorted(copies.values())

    # The reviewed plan is what the import applies: it archives the copies (no --prune).
    report_file = tmp_path / "report.json"
    mark = target.mark()
    imported = run("import", "--input", str(folder), "--expect-plan", data["digest"],
                   "--report", str(report_file))
    assert imported.code == 0, imported
    assert f"{len(NEW)} duplicates archived" in imported.out
    writes = [(w["template"], w["status"]) for w in target.writes_since(mark)]
    assert writes == [("DELETE /api/quality-checks/{id}", 200)] * len(NEW), writes
    results = [r for r in json.loads(report_file.read_text())["results"]
               if r["action"] == "duplicate"]
    assert sorted((r["uid"], r["id"], r["result"]) for r in results) == sorted(
        (uid, copies[uid], "ok") for uid in NEW)

    # One check per uid, the lowest id; the copies are archived, not deleted.
    live = target.checks(DS)
    assert max(Counter(uid_of(c) for c in live).values()) == 1
    assert {uid: [c["id"] for c in live if uid_of(c) == uid] for uid in NEW} == \
        {uid: [i] for uid, i in kept.items()}
    assert set(copies.values()) <= {c["id"] for c in target.archived_checks(DS)}
    after = run("plan", "--input", str(folder), "--detailed-exitcode")
    assert after.code == 0, after
    assert "No changes" in after.out
