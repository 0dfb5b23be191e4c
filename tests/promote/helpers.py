"""Running the promote command against a sandbox, and reading what it did."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from qualytics_ci.api.client import Client
from qualytics_ci.cli import main
from qualytics_ci.sandbox.server import RunningSandbox


def promote(sandbox: RunningSandbox, *args: str, role: str = "editor") -> int:
    """``qualytics-ci promote ARGS`` against the sandbox as ``role``."""
    return main(["--quiet", "promote", "--url", sandbox.url, "--token", sandbox.tokens[role],
                 *args])


def promote_json(sandbox: RunningSandbox, tmp_path: Path, *args: str,
                 capsys: pytest.CaptureFixture[str] | None = None) -> tuple[int, dict[str, Any]]:
    """Run a promote with ``--report`` and return (exit code, report)."""
    report = tmp_path / "report.json"
    report.unlink(missing_ok=True)
    code = promote(sandbox, *args, "--report", str(report))
    if capsys is not None:
        capsys.readouterr()
    return code, json.loads(report.read_text(encoding="utf-8"))


def by_result(report: dict[str, Any]) -> dict[str, list[str]]:
    """Source names grouped by result."""
    out: dict[str, list[str]] = {}
    for row in report["results"]:
        out.setdefault(row["result"], []).append(row["source_name"])
    return {k: sorted(v) for k, v in out.items()}


def client(sandbox: RunningSandbox, role: str = "admin") -> Client:
    return Client(sandbox.url, sandbox.tokens[role])


def request_log(sandbox: RunningSandbox) -> list[dict[str, Any]]:
    response = requests.get(f"{sandbox.url}/_sandbox/requests",
                            headers=sandbox.headers("admin"), timeout=10)
    response.raise_for_status()
    entries: list[dict[str, Any]] = response.json()
    return entries


def control(sandbox: RunningSandbox, path: str, body: dict[str, Any]) -> None:
    """POST to a sandbox control endpoint (``/_sandbox/...``) as the admin."""
    requests.post(f"{sandbox.url}/_sandbox/{path}", json=body, headers=sandbox.headers("admin"),
                  timeout=10).raise_for_status()


def set_operation_seconds(sandbox: RunningSandbox, seconds: float) -> None:
    requests.post(f"{sandbox.url}/_sandbox/faults", json={"operation_seconds": seconds},
                  headers=sandbox.headers("admin"), timeout=10).raise_for_status()


def ids(sandbox: RunningSandbox, datastore: str, container: str | None = None
        ) -> tuple[int, int | None]:
    """(datastore id, container id) by name, read from the live store."""
    store = sandbox.store
    ds = next(store.where("datastores", name=datastore))
    if container is None:
        return ds["id"], None
    c = store.container_by_name(ds["id"], container)
    assert c is not None
    return ds["id"], c["id"]
