"""The example workflows plan exactly what their deploys apply: the options that change a
plan are left to qualytics-ci.yaml on both sides, pull requests get a read-only token and
no password, and every workflow that writes runs one at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "docs" / "workflows"
# inputs that change the plan; the settings file holds them, so neither side sets them
OPTION_INPUTS = ("prune", "include", "environment", "allow-mass-archive")


def workflow(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return data


def qualytics_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if "qualytics-ci" in s.get("uses", "")]


def planned_with(step: dict[str, Any]) -> dict[str, str]:
    """What the step plans: the folder, the datastores and any option input."""
    w = step["with"]
    return {k: str(w.get(k, "")) for k in ("input", "datastores", *OPTION_INPUTS)}


def test_the_pull_request_plans_what_the_deploy_applies() -> None:
    (plan,) = qualytics_steps(workflow("pr-plan.yml")["jobs"]["plan"])
    (deploy,) = qualytics_steps(workflow("deploy-on-merge.yml")["jobs"]["import"])
    assert (plan["with"]["direction"], deploy["with"]["direction"]) == ("plan", "import")
    assert planned_with(plan) == planned_with(deploy)
    assert not any(planned_with(plan)[k] for k in OPTION_INPUTS)
    assert plan["with"]["url"] == deploy["with"]["url"]

    matrix = workflow("matrix-datastores.yml")["jobs"]
    assert matrix["plan"]["strategy"] == matrix["deploy"]["strategy"]
    (mplan,), (mdeploy,) = qualytics_steps(matrix["plan"]), qualytics_steps(matrix["deploy"])
    assert planned_with(mplan) == planned_with(mdeploy)
    assert not any(planned_with(mplan)[k] for k in OPTION_INPUTS)


def test_pull_requests_read_and_only_deploys_get_write_tokens_and_passwords() -> None:
    for name, job in (("pr-plan.yml", "plan"), ("matrix-datastores.yml", "plan"),
                      ("nightly-drift.yml", "drift")):
        (step,) = qualytics_steps(workflow(name)["jobs"][job])
        assert step["with"]["token"] == "${{ secrets.QUALYTICS_READ_TOKEN }}", name
        assert "env" not in step, name
    for name, job in (("deploy-on-merge.yml", "import"), ("matrix-datastores.yml", "deploy")):
        (step,) = qualytics_steps(workflow(name)["jobs"][job])
        assert step["with"]["token"] == "${{ secrets.QUALYTICS_DEPLOY_TOKEN }}", name
        assert "WAREHOUSE_PROD_DB_PASSWORD" in step["env"], name


def test_every_workflow_that_writes_runs_one_at_a_time() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        data = yaml.safe_load(path.read_text())
        for name, job in data["jobs"].items():
            group = job.get("concurrency") or data.get("concurrency")
            assert group and group["group"], f"{path.name}: {name}"
            writes_target = any(s["with"].get("direction") in ("import", "promote")
                                for s in qualytics_steps(job))
            if writes_target:
                assert group["cancel-in-progress"] is False, f"{path.name}: {name}"


def test_the_readme_shows_the_workflows_as_they_are() -> None:
    readme = (ROOT / "README.md").read_text()
    for path in sorted(WORKFLOWS.glob("*.yml")):
        assert f"<code>{path.name}</code>" in readme, path.name
        assert f"```yaml\n{path.read_text()}```" in readme, path.name
