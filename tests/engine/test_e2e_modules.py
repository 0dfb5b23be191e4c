"""A command loads what it runs: a plan of a folder that declares no promotions, and an
export, import none of the modules of promotions, the promote operations, applying,
adopting or drift, nor PyYAML (the folder's files are export's block YAML), nor
python-dotenv without a .env file, and an export none of the plan's; a folder with a
promotions.yaml loads what previews it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import qualytics_ci
from qualytics_ci.folder import yamlio

from .e2e import DEV, Cli

PACKAGE_ROOT = str(Path(qualytics_ci.__file__).resolve().parents[1])
NOT_FOR_A_PLAN = ("qualytics_ci.promote", "qualytics_ci.folder.promotions",
                  "qualytics_ci.folder.promotions_schema", "qualytics_ci.folder.jsonschema",
                  "qualytics_ci.results.promotions", "qualytics_ci.results.promote",
                  "qualytics_ci.engine.apply", "qualytics_ci.engine.adopt",
                  "qualytics_ci.engine.drift", "qualytics_ci.folder.libyaml", "yaml",
                  "dotenv")
# an export reads the target and writes files: it never reads a folder or plans
NOT_FOR_AN_EXPORT = ("qualytics_ci.engine.plan", "qualytics_ci.engine.commands",
                     "qualytics_ci.engine.prefetch", "qualytics_ci.engine.diff",
                     "qualytics_ci.folder.reader", "qualytics_ci.folder.validate",
                     "qualytics_ci.render.terminal", "qualytics_ci.render.diffs",
                     "qualytics_ci.results.config", "qualytics_ci.results.digest")
WATCH = """\
import json, sys
from qualytics_ci.cli import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.startswith(("qualytics_ci", "yaml", "dotenv")))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def loaded_by(cli: Cli, *argv: str) -> list[str]:
    """The package's modules a fresh interpreter has loaded after ``qualytics-ci ARGV``."""
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT}
    target = [] if argv[0] == "validate" else cli.target
    done = subprocess.run([sys.executable, "-c", WATCH, "-q", *argv, *target], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    result = json.loads(done.stderr.splitlines()[-1])
    assert result["code"] == 0, done.stderr
    return list(result["loaded"])


def unneeded(loaded: list[str], *, yaml: bool = False) -> list[str]:
    return [m for m in loaded if m.startswith(NOT_FOR_A_PLAN) and (
        yaml or not (m.startswith("yaml") or m == "qualytics_ci.folder.libyaml"))]


def test_a_plan_without_promotions_and_an_export_load_none_of_the_other_commands_modules(
        cli: Cli) -> None:
    exported = loaded_by(cli, "export", *DEV, "--output", str(cli.folder))
    assert "qualytics_ci.engine.export" in exported
    assert unneeded(exported, yaml=True) == []  # writing never needs PyYAML here
    assert [m for m in exported if m.startswith(NOT_FOR_AN_EXPORT)] == []
    planned = loaded_by(cli, "plan", *DEV, "--input", str(cli.folder))
    assert "qualytics_ci.engine.plan" in planned
    assert unneeded(planned) == []


def test_a_plan_of_export_block_yaml_only_does_not_load_pyyaml(cli: Cli) -> None:
    """The demo's computed tables hold multi-line SQL, which libyaml reads: without those
    files, every file is one the line reader takes, and PyYAML is never imported."""
    assert cli.run("export", *DEV).code == 0
    for path in sorted(cli.folder.rglob("*.yaml")):
        if yamlio._QUICK.load(path.read_text(encoding="utf-8")) is None:
            path.unlink()
    planned = loaded_by(cli, "plan", *DEV, "--input", str(cli.folder))
    assert "qualytics_ci.folder.yamlfast" in planned
    assert unneeded(planned, yaml=True) == []
    check = next(cli.folder.rglob("checks/*/*.yaml"))
    text = check.read_text(encoding="utf-8")
    start = text.index("description:")
    end = text.index("\n", start)
    check.write_text(text[:start] + "description: |\n  two\n  lines" + text[end:],
                     encoding="utf-8")
    assert "yaml" in loaded_by(cli, "validate", "--input", str(cli.folder))


def test_a_folder_that_declares_promotions_loads_what_previews_them(cli: Cli) -> None:
    assert cli.run("export", *DEV).code == 0
    (cli.folder / "promotions.yaml").write_text(
        "- name: orders-checks\n  type: checks\n  from: warehouse-dev/orders\n"
        "  to: warehouse-prod/orders\n", encoding="utf-8")
    planned = loaded_by(cli, "plan", *DEV, "--input", str(cli.folder))
    assert {"qualytics_ci.folder.promotions", "qualytics_ci.promote.batch"} <= set(planned)
