"""What a reviewer approves is what merge applies: the team keeps the options that change
a plan in ``qualytics-ci.yaml``, so the pull request's plan and the deploy's import are
made the same way; a flag that changes one of them on the import makes ``--expect-plan``
refuse, saying what differs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .e2e import Cli, Counting

PROD = "datastores/warehouse_prod"
DELETED = f"{PROD}/checks/orders/between__total_amount.yaml"
UID = "orders__between__total_amount"


def live_prod_checks(cli: Cli) -> list[dict[str, Any]]:
    prod = next(d for d in cli.api("GET", "/datastores")["items"]
                if d["name"] == "warehouse-prod")
    listed = cli.api("GET", "/quality-checks", params={"datastore": prod["id"], "size": 100})
    return list(listed["items"])


def reviewed_plan(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Export production, settle the options in the settings file, then a pull request
    deletes one check file and its plan is made with a read-only token, no password."""
    assert cli.run("export", "--datastore", "warehouse-prod").code == 0
    (cli.folder / "qualytics-ci.yaml").write_text(
        "# options every plan, import and drift of this folder uses\n"
        "prune: true\n"
        "datastores: [warehouse-prod]\n")
    (cli.folder / DELETED).unlink()
    with monkeypatch.context() as pr:
        pr.delenv("WAREHOUSE_PROD_DB_PASSWORD")
        plan = cli.run("plan", "--json", "plan.json", "--url", cli.sandbox.url,
                       "--token", cli.sandbox.tokens["reporter"], target=False)
    assert plan.code == 0, plan.err
    assert f"  - archive check warehouse-prod/orders/{UID} (between on total_amount)\n" in plan.out
    assert ("Plan options: prune=true include=all datastores=warehouse-prod environment=none "
            "allow_mass_archive=false") in plan.out
    data: dict[str, object] = json.loads(Path("plan.json").read_text())
    return data


def test_a_deleted_check_is_planned_and_archived_exactly(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = reviewed_plan(cli, monkeypatch)
    assert plan["options"] == {"prune": True, "include": None, "datastores": ["warehouse-prod"],
                               "environment": None, "allow_mass_archive": False}
    assert plan["summary"] == {"create": 0, "update": 0, "unchanged": 18, "archive": 1,
                               "duplicate": 0}
    digest = str(plan["digest"])
    assert f"Plan digest: {digest}" in cli.run("plan").out  # the same plan, any token

    with Counting(cli) as sent:
        applied = cli.run("import", "--expect-plan", digest, "--report", "report.json")
    assert applied.code == 0, applied.err
    assert sent.writes == {"DELETE /api/quality-checks/{id}": 1}
    report = json.loads(Path("report.json").read_text())
    assert report["plan_digest"] == digest
    assert [(r["uid"], r["result"]) for r in report["results"] if r["action"] != "unchanged"
            ] == [(UID, "ok")]
    uids = {c["additional_metadata"].get("_qualytics_check_uid") for c in live_prod_checks(cli)}
    assert UID not in uids and len(uids) == 14  # of the seed's 15
    assert cli.run("plan", "--detailed-exitcode").code == 0  # nothing left to do


def test_an_option_changed_on_import_is_refused_naming_it(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    digest = str(reviewed_plan(cli, monkeypatch)["digest"])
    with Counting(cli) as sent:
        refused = cli.run("import", "--no-prune", "--expect-plan", digest)
    assert refused.code == 1
    assert ("error: the plan is not the reviewed one: options differ: prune (this run has "
            "prune=false); nothing was applied") in refused.err
    assert "keep them in qualytics-ci.yaml" in refused.err
    assert sent.writes == {}
    wider = cli.run("import", "--datastore", "warehouse-prod", "--datastore", "lake-prod",
                    "--expect-plan", digest)
    assert wider.code == 1
    assert "options differ: datastores (this run has datastores=lake-prod,warehouse-prod)" \
        in wider.err


def test_another_target_or_folder_or_target_state_is_named(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    digest = str(reviewed_plan(cli, monkeypatch)["digest"])
    other = cli.sandbox.url.replace("127.0.0.1", "localhost")
    elsewhere = cli.run("import", "--expect-plan", digest, "--url", other,
                        "--token", cli.sandbox.tokens["admin"], target=False)
    assert elsewhere.code == 1
    assert f"target differs: this run is against {other}/api" in elsewhere.err

    same_url = cli.run("import", "--expect-plan", digest, "--url", cli.sandbox.url + "/api/",
                       "--token", cli.sandbox.tokens["admin"], "--dry-run", target=False)
    assert f"Plan digest: {digest}" in same_url.out  # one target, however it is spelled

    kept = cli.folder / f"{PROD}/checks/orders/notnull__customer_id.yaml"
    original = kept.read_text()
    kept.write_text(original.replace("tags: []", "tags:\n- audited"))
    changed = cli.run("import", "--expect-plan", digest)
    assert changed.code == 1 and "folder differs" in changed.err
    assert "options differ" not in changed.err and "target differs" not in changed.err
    kept.write_text(original)

    check = next(c for c in live_prod_checks(cli)
                 if c["additional_metadata"].get("_qualytics_check_uid") == UID)
    cli.api("DELETE", f"/quality-checks/{check['id']}")  # someone archives it by hand
    moved = cli.run("import", "--expect-plan", digest)
    assert moved.code == 1
    assert "the target changed since the plan" in moved.err


def test_plan_import_and_drift_read_the_same_environment_and_options(cli: Cli) -> None:
    assert cli.run("export", "--datastore", "warehouse-dev").code == 0
    between = "datastores/warehouse_dev/checks/orders/between__total_amount.yaml"
    override = cli.folder / "overrides" / "prod" / between
    override.parent.mkdir(parents=True)
    override.write_text("properties:\n  max: 5000\n")
    (cli.folder / "qualytics-ci.yaml").write_text(
        "environment: prod\nenvironments: [prod]\ninclude: [checks]\n"
        "datastores: warehouse-dev\n")
    assert cli.run("validate", target=False).code == 0
    plan = cli.run("plan")
    assert "~ properties.max: 100000 -> 5000" in plan.out
    assert "environment=prod" in plan.out and "include=checks" in plan.out
    assert "update connection" not in plan.out
    drift = cli.run("drift")
    assert drift.code == 2 and "~ properties.max: folder 5000, target 100000" in drift.out
    with Counting(cli) as sent:
        assert cli.run("import").code == 0
    assert sent.writes == {"PUT /api/quality-checks/{id}": 1}
    assert cli.run("drift").code == 0
    typo = cli.run("plan", "--env", "prd")
    assert typo.code == 1
    assert ("qualytics-ci.yaml:2: environment 'prd' is not one of qualytics-ci.yaml's "
            "environments; did you mean 'prod'?") in typo.err
