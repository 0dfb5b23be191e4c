"""Refusals from the server: each one explained in the message, and the target
left consistent (nothing half-applied; a later import by an allowed user converges)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from reliability_kit import (
    Runner,
    Target,
    before_request,
    check_files,
    copy_folder,
    not_null_check,
    set_description,
    uid_of,
)

DS = "warehouse-dev"
DS_DIR = "datastores/warehouse_dev"


@pytest.fixture
def folder(demo_export: Path, demo_env: dict[str, str], run: Runner, tmp_path: Path) -> Path:
    run.env.update(demo_env)
    return copy_folder(demo_export, tmp_path / "config")


def successful_writes(target: Target, mark: int) -> list[dict[str, Any]]:
    return [w for w in target.writes_since(mark) if w["status"] < 400]


def refused_writes(target: Target, mark: int, status: int) -> list[dict[str, Any]]:
    return [w for w in target.writes_since(mark) if w["status"] == status]


def add_check(folder: Path, uid: str, field: str = "shipped_at") -> Path:
    path = folder / DS_DIR / "checks" / "orders" / f"{uid}.yaml"
    path.write_text(not_null_check(uid, field=field), encoding="utf-8")
    return path


def add_connection(folder: Path) -> None:
    (folder / "connections" / "new_db.yaml").write_text(
        "name: new-db\ntype: postgresql\nhost: new-db.acme.internal\nport: 5432\n"
        "username: reader\npassword: ${NEW_DB_PASSWORD}\n", encoding="utf-8")


def add_datastore(folder: Path) -> None:
    path = folder / "datastores" / "new_store" / "_datastore.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("name: new-store\nconnection_name: warehouse-dev-db\ndatabase: analytics\n"
                    "schema: public\n", encoding="utf-8")


def edit_datastore(folder: Path) -> None:
    path = folder / DS_DIR / "_datastore.yaml"
    text = path.read_text(encoding="utf-8")
    assert "schema: public" in text, text
    path.write_text(text.replace("schema: public", "schema: reporting"), encoding="utf-8")


def add_computed_table(folder: Path, name: str = "late_orders") -> None:
    path = folder / DS_DIR / "containers" / name / "_container.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(f"container_type: computed_table\nname: {name}\n"
                    "query: SELECT order_id, status FROM orders\n", encoding="utf-8")


def edit_connection(folder: Path) -> None:
    path = folder / "connections" / "warehouse_dev_db.yaml"
    text = path.read_text(encoding="utf-8")
    assert "port: 5432" in text, text
    path.write_text(text.replace("port: 5432", "port: 6543"), encoding="utf-8")


def add_computed_field(folder: Path) -> None:
    path = folder / DS_DIR / "containers" / "orders" / "computed_fields" / "late_total.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("name: late_total\ntransformation: customExpression\nsource_fields:\n"
                    "- total_amount\nproperties:\n  column_expression: total_amount * 2\n"
                    "additional_metadata: null\n", encoding="utf-8")


def add_reporter_check(folder: Path) -> None:
    add_check(folder, "reliability__by_reporter")


def edit_check(folder: Path) -> None:
    set_description(check_files(folder, DS, status="Active")[0], "edited by a reporter")


def test_bad_token_is_explained_and_nothing_written(run: Runner, target: Target,
                                                    folder: Path) -> None:
    add_check(folder, "reliability__unauthorized")
    head, payload, _ = target.tokens["admin"].split(".")
    mark = target.mark()
    for command, args in (("import", ["--input", str(folder)]),
                          ("plan", ["--input", str(folder)]),
                          ("export", ["--output", str(folder.parent / "out")])):
        result = run(command, *args, token=f"{head}.{payload}.not-the-signature")
        assert result.code == 1, result
        assert "401" in result.text or "token" in result.text.lower(), result
        assert "Traceback" not in result.text, result
    assert target.writes_since(mark) == []


# (what the folder changes, the token, the role or permission the message must name)
PERMISSION_ROWS: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "member creating a connection": (add_connection, "editor", "Manager"),
    "member updating a connection": (edit_connection, "editor", "Manager"),
    "member creating a datastore": (add_datastore, "editor", "Manager"),
    "reporter updating a datastore": (edit_datastore, "reporter", "Editor"),
    "reporter creating a computed table": (add_computed_table, "reporter", "Editor"),
    "reporter creating a computed field": (add_computed_field, "reporter", "Editor"),
    "drafter creating an active check": (add_reporter_check, "drafter", "Author"),
    "reporter creating a check": (add_reporter_check, "reporter", "Author"),
    "reporter updating a check": (edit_check, "reporter", "Author"),
}


@pytest.mark.parametrize("row", sorted(PERMISSION_ROWS))
def test_permission_refusal_is_explained_and_target_consistent(
        row: str, run: Runner, target: Target, folder: Path, tmp_path: Path) -> None:
    change, role, needed = PERMISSION_ROWS[row]
    if role == "drafter":  # the editor seed user, lowered to Drafter on this datastore
        target.api("POST", "/_sandbox/permissions", json={
            "user": "editor", "datastore_id": target.datastore_id(DS), "permission": "Drafter"})
        role = "editor"
    change(folder)
    run.env["NEW_DB_PASSWORD"] = "new-db-password"
    admin_plan = tmp_path / "plan-before.json"
    assert run("plan", "--input", str(folder), "--json", str(admin_plan)).code == 0
    mark = target.mark()
    result = run("import", "--input", str(folder), token=target.tokens[role])
    assert result.code in (1, 3), result
    assert "Traceback" not in result.text, result
    assert "403" in result.text or "permission" in result.text.lower(), result
    assert needed in result.text, f"message does not name {needed}\n{result}"
    assert refused_writes(target, mark, 403), "the server was never asked"
    assert successful_writes(target, mark) == []
    # Nothing half-applied: an allowed user's plan is what it was, and applying it converges.
    plan_after = tmp_path / "plan-after.json"
    assert run("plan", "--input", str(folder), "--json", str(plan_after)).code == 0
    assert json.loads(plan_after.read_text())["summary"] == \
        json.loads(admin_plan.read_text())["summary"]
    assert run("import", "--input", str(folder)).code == 0
    assert run("plan", "--input", str(folder), "--detailed-exitcode").code == 0


def test_datastore_hidden_from_a_member_is_explained_not_recreated(
        run: Runner, target: Target, folder: Path) -> None:
    # Without a team permission the datastore is simply absent from a member's lists, so
    # the plan can only propose to create it; the create is refused, and the message says
    # why a datastore that exists may not be listed.
    target.api("POST", "/_sandbox/permissions", json={
        "user": "editor", "datastore_id": target.datastore_id(DS), "permission": None})
    mark = target.mark()
    result = run("import", "--input", str(folder), token=target.tokens["editor"])
    assert result.code in (1, 3), result
    assert "Manager" in result.text and "no permission on it" in result.text, result
    assert "Traceback" not in result.text, result
    assert [w["template"] for w in refused_writes(target, mark, 403)] == ["POST /api/datastores"]
    assert successful_writes(target, mark) == []


def test_entity_vanishing_mid_apply_is_reported_and_recreated(
        run: Runner, target: Target, folder: Path, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    edited = check_files(folder, DS, status="Active")[:5]
    for i, path in enumerate(edited):
        set_description(path, f"edited {i}")

    def delete_it(method: str, path: str, body: Any) -> None:
        target.api("DELETE", f"/api{path}", params={"archive": "false"})

    report = tmp_path / "report.json"
    with before_request(monkeypatch, lambda m, p: m == "PUT" and p.startswith("/quality-checks/"),
                        delete_it) as fired:
        result = run("import", "--input", str(folder), "--report", str(report))
    assert fired, "no check update was sent"
    assert result.code == 3, result
    failed = [e for e in json.loads(report.read_text())["results"] if e["result"] == "failed"]
    assert len(failed) == 1, failed
    message = str(failed[0]["message"]).lower()
    assert "404" in message or "not found" in message or "no longer" in message, failed
    assert sum(e["result"] == "ok" for e in json.loads(report.read_text())["results"]
               if e["action"] == "update") == len(edited) - 1
    # Re-running brings the vanished check back, once.
    again = run("import", "--input", str(folder))
    assert again.code == 0, again
    counts = target.uid_counts(DS)
    assert max(counts.values()) == 1
    assert run("plan", "--input", str(folder), "--detailed-exitcode").code == 0


def test_name_taken_mid_apply_is_a_conflict_explained(
        run: Runner, target: Target, folder: Path, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    add_computed_table(folder, "late_orders")
    ds_id = target.datastore_id(DS)

    def someone_else_creates_it(method: str, path: str, body: Any) -> None:
        target.api("POST", "/api/containers", json={
            "container_type": "computed_table", "datastore_id": ds_id, "name": "late_orders",
            "query": "SELECT order_id FROM orders"})

    report = tmp_path / "report.json"
    with before_request(monkeypatch, lambda m, p: m == "POST" and p.rstrip("/") == "/containers",
                        someone_else_creates_it) as fired:
        result = run("import", "--input", str(folder), "--report", str(report))
    assert fired, "the computed table was never created"
    assert result.code in (1, 3), result
    assert "late_orders" in result.text or report.exists(), result
    text = (result.text + (report.read_text() if report.exists() else "")).lower()
    assert "409" in text or "already exists" in text or "conflict" in text, result
    names = [c["name"] for c in target.containers(DS)]
    assert names.count("late_orders") == 1
    assert run("import", "--input", str(folder)).code == 0
    assert [c["name"] for c in target.containers(DS)].count("late_orders") == 1


def test_server_validation_error_is_explained_and_nothing_created(
        run: Runner, target: Target, folder: Path, tmp_path: Path) -> None:
    add_check(folder, "reliability__no_such_column", field="no_such_column")
    report = tmp_path / "report.json"
    result = run("import", "--input", str(folder), "--report", str(report))
    assert result.code in (1, 3), result
    text = result.text + (report.read_text() if report.exists() else "")
    assert "no_such_column" in text, result
    assert "Traceback" not in text
    assert "reliability__no_such_column" not in {uid_of(c) for c in target.checks(DS)}
