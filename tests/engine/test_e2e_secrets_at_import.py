"""A pull request's plan needs no production password: the PR job has a read-only
(Reporter) token and none of the connection variables, and still gets the whole plan,
with warnings naming what the import will need. The import refuses the same unset
variables before it reads anything from the target."""

from __future__ import annotations

import pytest

from .e2e import Cli

PROD = ["--datastore", "warehouse-prod", "--datastore", "lake-prod"]
VARIABLES = ("WAREHOUSE_PROD_DB_PASSWORD", "LAKE_PROD_S3_ACCESS_KEY", "LAKE_PROD_S3_SECRET_KEY")
CHECK = "datastores/warehouse_prod/checks/orders/between__total_amount.yaml"


def as_reporter(cli: Cli) -> list[str]:
    return ["--url", cli.sandbox.url, "--token", cli.sandbox.tokens["reporter"]]


def edit_a_check(cli: Cli) -> None:
    path = cli.folder / CHECK
    path.write_text(path.read_text().replace("max: 50000", "max: 75000"))


def test_a_pull_request_plan_works_with_a_reporter_token_and_no_passwords(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli.run("export", *PROD).code == 0
    edit_a_check(cli)
    with_secrets = cli.run("plan", *PROD)
    assert with_secrets.code == 0, with_secrets.err
    for name in VARIABLES:
        monkeypatch.delenv(name)

    start = cli.stats()["last_seq"]
    plan = cli.run("plan", *PROD, *as_reporter(cli), target=False)
    assert plan.code == 0, plan.err
    assert ("warning: connections/warehouse_prod_db.yaml:6: variable WAREHOUSE_PROD_DB_PASSWORD "
            "not set: needed at import") in plan.err
    assert ("warning: connections/lake_prod_s3.yaml:4: variables LAKE_PROD_S3_ACCESS_KEY, "
            "LAKE_PROD_S3_SECRET_KEY not set: needed at import") in plan.err
    assert "~ update check warehouse-prod/orders/orders__between__total_amount" in plan.out
    assert "~ properties.max: 50000 -> 75000" in plan.out
    # the whole plan, and the same one: secret values are never compared
    assert plan.out == with_secrets.out
    sent = cli.requests_since(start)
    assert sent and all(r["method"] == "GET" and r["status"] == 200 for r in sent)

    drift = cli.run("drift", *PROD, *as_reporter(cli), target=False)
    assert drift.code == 2 and "~ properties.max: folder 75000, target 50000" in drift.out

    valid = cli.run("validate", target=False)
    assert valid.code == 0 and "needed at import" in valid.out


def test_import_refuses_unset_variables_before_any_request(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli.run("export", *PROD).code == 0
    edit_a_check(cli)
    monkeypatch.delenv("WAREHOUSE_PROD_DB_PASSWORD")
    monkeypatch.setenv("LAKE_PROD_S3_SECRET_KEY", "")  # what a missing CI secret expands to
    start = cli.stats()["last_seq"]
    result = cli.run("import", *PROD)
    assert result.code == 1
    assert ("connections/warehouse_prod_db.yaml:6: variable WAREHOUSE_PROD_DB_PASSWORD not set"
            in result.err)
    assert "connections/lake_prod_s3.yaml:4: variable LAKE_PROD_S3_SECRET_KEY not set" in result.err
    assert "nothing was read or sent" in result.err
    assert cli.requests_since(start) == []

    # an import of the lake alone needs only the lake's variables
    lake = cli.run("import", "--datastore", "lake-prod")
    assert lake.code == 1 and "WAREHOUSE_PROD_DB_PASSWORD" not in lake.err
    monkeypatch.setenv("LAKE_PROD_S3_SECRET_KEY", "lake-secret")
    assert cli.run("import", "--datastore", "lake-prod").code == 0
    # checks alone send no connection, so they need no variable
    applied = cli.run("import", *PROD, "--include", "checks")
    assert applied.code == 0 and "1 updated" in applied.out


def test_a_variable_in_a_compared_key_is_compared_only_when_set(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli.run("export", "--datastore", "warehouse-prod").code == 0
    conn = cli.folder / "connections" / "warehouse_prod_db.yaml"
    conn.write_text(conn.read_text().replace("host: prod-db.acme.internal",
                                             "host: ${WAREHOUSE_PROD_DB_HOST}"))
    unknown = cli.run("plan", "--detailed-exitcode")
    assert unknown.code == 0, unknown.out  # not known here, so not a change
    assert "variable WAREHOUSE_PROD_DB_HOST not set: needed at import" in unknown.err
    assert "warning: connections/warehouse_prod_db.yaml" in unknown.err
    monkeypatch.setenv("WAREHOUSE_PROD_DB_HOST", "prod-db.acme.internal")
    assert cli.run("plan", "--detailed-exitcode").code == 0
    monkeypatch.setenv("WAREHOUSE_PROD_DB_HOST", "replica.acme.internal")
    moved = cli.run("plan", "--detailed-exitcode")
    assert moved.code == 2
    assert '~ host: "(sensitive)" -> "(sensitive)"' in moved.out  # compared, never shown
    assert "replica.acme.internal" not in moved.out  # a variable's value is never printed
