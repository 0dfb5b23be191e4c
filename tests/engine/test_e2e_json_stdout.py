"""``--json -`` and ``--report -``: the JSON alone on stdout, the command's text on stderr,
so that ``qualytics-ci plan --json - | jq`` reads a document and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from .e2e import DEV, Cli, Counting

BETWEEN = "datastores/warehouse_dev/checks/orders/between__total_amount.yaml"


def test_plan_json_to_stdout_is_the_whole_of_stdout(cli: Cli) -> None:
    cli.run("export", *DEV)
    path = cli.folder / BETWEEN
    path.write_text(path.read_text().replace("- finance", "- finance\n- audited"))
    planned = cli.run("plan", *DEV, "--json", "-", quiet=False)
    assert planned.code == 0
    data = json.loads(planned.out)
    assert data["summary"]["update"] == 1
    assert f"Plan digest: {data['digest']}" in planned.err  # the text, on stderr
    assert "Plan: 0 to create, 1 to update" in planned.err
    assert not Path("-").exists()


def test_export_drift_and_import_report_to_stdout(cli: Cli) -> None:
    exported = cli.run("export", *DEV, "--json", "-")
    assert exported.code == 0
    assert json.loads(exported.out)["output"] == str(cli.folder)
    drift = cli.run("drift", *DEV, "--json", "-")
    assert drift.code == 0 and json.loads(drift.out)["drifted"] is False
    imported = cli.run("import", *DEV, "--report", "-")
    report = json.loads(imported.out)
    assert imported.code == 0 and report["summary"]["failed"] == 0
    assert "Import:" in imported.err


def test_two_documents_cannot_share_stdout_and_nothing_is_sent(cli: Cli) -> None:
    cli.run("export", *DEV)
    with Counting(cli) as sent:
        both = cli.run("import", *DEV, "--json", "-", "--report", "-")
    assert both.code == 1 and both.out == ""
    assert "--json and --report are both -" in both.err
    assert sent.by_template == {}
