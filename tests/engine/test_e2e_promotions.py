"""Promotions as code from the command line against the sandbox: plan previews what
promotions.yaml declares (GETs only), import refuses a plan whose promotions changed since
review, ``promote --input`` runs them all in order and a second run skips every copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .e2e import DEV, Cli, Counting

THREE = """\
- name: orders-checks
  type: checks
  from: warehouse-dev/orders
  to: warehouse-prod/orders
- name: customer-fields
  type: fields
  from: warehouse-dev/customers
  to: warehouse-prod/customers
- name: computed-tables
  type: tables
  from: warehouse-dev
  to: warehouse-prod
"""
ACTIVE = """\
- name: customer-checks
  type: checks
  from: warehouse-dev/customers
  to: warehouse-prod/customers
  active: true
"""


def declare(cli: Cli, text: str) -> Path:
    path = cli.folder / "promotions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_plan_previews_the_declared_promotions_with_gets_only(cli: Cli, tmp_path: Path) -> None:
    assert cli.run("export", *DEV).code == 0
    with Counting(cli) as bare:
        assert cli.run("plan", *DEV).code == 0
    declare(cli, THREE)
    with Counting(cli) as counted:
        planned = cli.run("plan", *DEV, "--json", str(tmp_path / "plan.json"))
    assert planned.code == 0, planned.err
    extra = {k: v - bare.by_template.get(k, 0) for k, v in counted.by_template.items()
             if v != bare.by_template.get(k, 0)}
    assert counted.writes == {}
    # 2 datastore look-ups and 2 container listings shared by the three; checks: destination
    # fields and 3 check listings; fields: destination fields and both containers; tables:
    # the source's computed tables, the destination's listing and its computed tables.
    assert sum(extra.values()) == 14, extra
    assert "GET /api/users/me" not in extra  # a plan does not ask the token's permission
    text = planned.out
    assert "Promotions (3 declared in promotions.yaml; a preview" in text
    assert "Promote preview: 4 to create, 1 to update, 5 to skip" in text
    assert "  customer-fields: fields warehouse-dev/customers -> warehouse-prod/customers" in text
    assert any(ln.split()[:3] == ["~", "update", "high_value_orders"]
               for ln in text.splitlines())
    assert "Promotions preview (3 declared): 6 to create, 2 to update, 6 to skip" in text
    data = json.loads((tmp_path / "plan.json").read_text())
    assert [p["name"] for p in data["promotions"]] == ["orders-checks", "customer-fields",
                                                       "computed-tables"]
    assert data["promotions"][2]["preview"]["summary"] == {"create": 1, "update": 1, "skip": 0,
                                                          "fail": 0, "excluded": 0}
    assert data["promotions"][0]["line"] == 1 and data["promotions"][0]["error"] is None
    assert data["promotions_digest"] and data["digest"] in text


def test_a_plan_with_a_read_only_token_predicts_no_refusal_but_a_dry_run_does(
        cli: Cli, tmp_path: Path) -> None:
    """The pull request's plan runs with a Reporter token, the promotions on merge with
    the deploy's: the plan must not predict the reviewer's 403 for the deploy."""
    assert cli.run("export", *DEV).code == 0
    declare(cli, THREE)
    reporter = ["--token", cli.sandbox.tokens["reporter"]]
    planned = cli.run("plan", *DEV, *reporter, "--json", str(tmp_path / "plan.json"))
    assert planned.code == 0, planned.err
    previews = [p["preview"] for p in json.loads((tmp_path / "plan.json").read_text())
                ["promotions"]]
    assert [p["refused"] for p in previews] == [None, None, None]
    assert [p["summary"]["fail"] for p in previews] == [0, 0, 0]
    assert all(any("permission was not checked (a plan's token is not the one its "
                   "promotions run with" in e for e in p["estimated"]) for p in previews)

    with Counting(cli) as counted:
        dry = cli.run("promote", "--dry-run", *reporter, "--report", str(tmp_path / "d.json"))
    assert dry.code == 0, dry.err
    refused = [p["preview"]["refused"] for p in
               json.loads((tmp_path / "d.json").read_text())["promotions"]]
    assert all(r.startswith("the promote would be refused (403)") for r in refused), refused
    assert counted.by_template["GET /api/users/me"] == 1  # asked once for all three


def test_import_refuses_a_plan_whose_promotions_changed_after_review(cli: Cli) -> None:
    assert cli.run("export", *DEV).code == 0
    path = declare(cli, THREE)
    assert cli.run("plan", *DEV, "--json", "p.json").code == 0
    digest = json.loads(Path("p.json").read_text())["digest"]
    path.write_text(THREE.replace("to: warehouse-prod\n", "to: warehouse-staging\n"))
    refused = cli.run("import", *DEV, "--expect-plan", digest)
    assert refused.code == 1 and ("folder differs: the folder's entities in scope or its "
                                  "declared promotions changed since the plan") in refused.err
    assert "options differ" not in refused.err and "nothing was applied" in refused.err
    path.write_text(THREE)
    assert cli.run("import", *DEV, "--expect-plan", digest).code == 0


def test_promote_input_runs_every_promotion_and_a_second_run_skips_them(cli: Cli,
                                                                        tmp_path: Path) -> None:
    assert cli.run("export", *DEV).code == 0
    declare(cli, THREE)
    report_path = tmp_path / "promotions.json"
    first = cli.run("promote", "--report", str(report_path))
    assert first.code == 0, first.err
    report = json.loads(report_path.read_text())
    assert report["summary"] == {"promotions": 3, "created": 6, "updated": 2, "skipped": 6,
                                 "failed": 0, "errors": 0}
    types = [p["report"]["type"] for p in report["promotions"]]
    assert types == ["promote_quality_check", "promote_computed_field", "promote_computed_table"]
    ids = [p["report"]["operation_id"] for p in report["promotions"]]
    assert ids == sorted(ids)  # one after another, in the declared order
    assert "Promotions (3 declared): 6 created, 2 updated, 6 skipped, 0 failed." in first.out

    with Counting(cli) as again_counted:
        again = cli.run("promote", "--report", str(report_path))
    assert again.code == 0
    again_report = json.loads(report_path.read_text())
    assert again_report["summary"]["skipped"] == 14
    assert {r["result"] for p in again_report["promotions"] for r in p["report"]["results"]} \
        == {"skipped"}
    assert again_counted.writes == {"POST /api/operations/run": 3}


def test_a_partly_failed_promotion_exits_3_and_names_each_failure(cli: Cli) -> None:
    assert cli.run("export", *DEV).code == 0
    declare(cli, ACTIVE)
    ran = cli.run("promote")
    assert ran.code == 3, ran.out + ran.err
    assert ("! failed   expectedValues(loyalty_tier)" in ran.out
            and "Validation failed: field 'loyalty_tier' not found" in ran.out)


def test_a_dry_run_of_the_declared_promotions_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    assert cli.run("export", *DEV).code == 0
    declare(cli, THREE + "- name: typo\n  type: tables\n  from: warehouse-dev\n"
                         "  to: warehouse-prood\n")
    with Counting(cli) as counted:
        previewed = cli.run("promote", "--dry-run", "--report", str(tmp_path / "p.json"))
    assert previewed.code == 0 and counted.writes == {}
    assert "! cannot be previewed: datastore 'warehouse-prood' not found" in previewed.out
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["promotions"][3]["error"]["hint"].startswith("did you mean: warehouse-prod")


def test_promote_input_refuses_one_off_options_and_a_broken_file(cli: Cli) -> None:
    assert cli.run("export", *DEV).code == 0
    mixed = cli.run("promote", "--type", "checks", "--tags", "pii")
    assert mixed.code == 1 and "--type, --tags cannot be combined with --input" in mixed.err
    assert mixed.err.startswith("usage: qualytics-ci promote ")  # a usage error
    declare(cli, "- name: p\n  type: tables\n  from: warehouse-dev/orders\n  to: x\n")
    broken = cli.run("promote")
    assert broken.code == 1
    assert "promotions.yaml:3" in broken.err and "give a datastore only" in broken.err
    nothing = cli.run("promote", folder=False)
    assert nothing.code == 1 and nothing.err.startswith("usage: qualytics-ci promote ")
    assert ("the following arguments are required: --type, --from, --to (or --input DIR, to "
            "run the promotions DIR/promotions.yaml declares)") in nothing.err


def test_export_leaves_promotions_yaml_alone(cli: Cli) -> None:
    assert cli.run("export", *DEV).code == 0
    path = declare(cli, THREE)
    assert cli.run("export", *DEV).code == 0
    assert path.read_text() == THREE
    validated = cli.run("validate", target=False)
    assert validated.code == 0
    assert "promotions.yaml:4: promotion 'orders-checks': datastore 'warehouse-prod'" \
        in validated.out
    assert "not part of the folder layout" not in validated.out


def test_a_plan_reads_each_file_of_the_folder_once(cli: Cli,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The options, the validation, the digest and the plan come from one read of the
    folder: the settings file and promotions.yaml included."""
    from qualytics_ci.folder import files

    assert cli.run("export", *DEV).code == 0
    declare(cli, THREE)
    (cli.folder / "qualytics-ci.yaml").write_text("prune: false\n", encoding="utf-8")
    reads: list[str] = []
    real = files._read_regular

    def counted(path: str, rel: str) -> bytes:
        reads.append(rel)
        return real(path, rel)

    monkeypatch.setattr(files, "_read_regular", counted)
    assert cli.run("plan", *DEV).code == 0
    assert reads.count("qualytics-ci.yaml") == 1 and reads.count("promotions.yaml") == 1
    checks = [r for r in reads if "/checks/" in r]
    assert checks and len(checks) == len(set(checks))
