"""The platform's own CLI (qualytics-cli 1.2.2) exports from and imports into the sandbox.

Skipped unless QUALYTICS_CLI names its `qualytics` executable, e.g.
``pip download --no-deps qualytics-cli==1.2.2`` installed into its own venv:
``QUALYTICS_CLI=/tmp/qcli-venv/bin/qualytics pytest tests/sandbox/test_official_cli.py``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from qualytics_ci.sandbox.server import RunningSandbox

from .conftest import Api

CLI = os.environ.get("QUALYTICS_CLI", "")
pytestmark = pytest.mark.skipif(not (CLI and Path(CLI).is_file()),
                                reason="set QUALYTICS_CLI to a qualytics-cli 1.2.2 executable")


def _qualytics(server: RunningSandbox, role: str, home: Path, *args: str) -> str:
    env = {**os.environ, "HOME": str(home), "QUALYTICS_URL": server.url,
           "QUALYTICS_TOKEN": server.tokens[role], "WAREHOUSE_DEV_DB_PASSWORD": "pw",
           "LAKE_DEV_S3_ACCESS_KEY": "ak", "LAKE_DEV_S3_SECRET_KEY": "sk",
           "COLUMNS": "200"}
    done = subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_official_export_then_import_into_an_empty_sandbox(
        tmp_path: Path, sandbox_factory: Callable[..., RunningSandbox]) -> None:
    source = sandbox_factory(seed="demo")
    target = sandbox_factory(seed="empty")
    folder = tmp_path / "config"
    ids = [str(Api(source).datastore(n)["id"]) for n in ("warehouse-dev", "lake-dev")]
    out = _qualytics(source, "reporter", tmp_path, "config", "export", "--output", str(folder),
                     *[a for i in ids for a in ("--datastore-id", i)])
    assert "Export complete" in out
    assert len(list(folder.glob("datastores/*/checks/*/*.yaml"))) == 42

    out = _qualytics(target, "manager", tmp_path, "config", "import", "--input", str(folder))
    assert "error" not in out.lower(), out
    admin = Api(target)
    dev = admin.datastore("warehouse-dev")
    assert admin.ok("GET", "/quality-checks", params={"datastore": dev["id"]})["total"] == 33
    again = _qualytics(target, "manager", tmp_path, "config", "import", "--input", str(folder))
    assert "error" not in again.lower(), again
    assert admin.ok("GET", "/quality-checks", params={"datastore": dev["id"]})["total"] == 33
