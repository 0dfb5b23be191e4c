"""Running the CLI against the sandbox, and reading its request log."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from qualytics_ci.cli import main
from qualytics_ci.sandbox.server import RunningSandbox

WRITES = ("POST", "PUT", "PATCH", "DELETE")
DEV = ["--datastore", "warehouse-dev"]


@dataclass
class Result:
    code: int
    out: str
    err: str


class Cli:
    """``qualytics-ci`` pointed at one sandbox, with its request log at hand."""

    def __init__(self, sandbox: RunningSandbox, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.sandbox = sandbox
        self.folder = tmp_path / "config"
        self.target = ["--url", sandbox.url, "--token", sandbox.tokens["admin"]]
        monkeypatch.chdir(tmp_path)
        for name in ("WAREHOUSE_DEV_DB_PASSWORD", "WAREHOUSE_PROD_DB_PASSWORD",
                     "WAREHOUSE_STAGING_DB_PASSWORD"):
            monkeypatch.setenv(name, "s3cret-" + name.lower())
        for env in ("DEV", "STAGING", "PROD"):
            for key in ("ACCESS_KEY", "SECRET_KEY"):
                monkeypatch.setenv(f"LAKE_{env}_S3_{key}", f"lake-{env}-{key}".lower())

    def run(self, command: str, *args: str, target: bool = True, folder: bool = True,
            quiet: bool = True) -> Result:
        argv = ["-q", command] if quiet else [command]
        if target:
            argv += self.target
        if folder:
            argv += ["--output" if command == "export" else "--input", str(self.folder)]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*argv, *args])
        return Result(code, out.getvalue(), err.getvalue())

    def stats(self) -> dict[str, Any]:
        response = requests.get(f"{self.sandbox.url}/_sandbox/stats",
                                headers=self.sandbox.headers("admin"), timeout=30)
        response.raise_for_status()
        return dict(response.json())

    def requests_since(self, seq: int) -> list[dict[str, Any]]:
        response = requests.get(f"{self.sandbox.url}/_sandbox/requests", params={"since": seq},
                                headers=self.sandbox.headers("admin"), timeout=30)
        response.raise_for_status()
        return list(response.json())

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.sandbox.url}/api{path}",
                                    headers=self.sandbox.headers("admin"), timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None


class Counting:
    """Requests sent between entering and leaving the block, by template."""

    def __init__(self, cli: Cli) -> None:
        self.cli = cli
        self.by_template: dict[str, int] = {}

    def __enter__(self) -> Counting:
        self._start = self.cli.stats()["by_template"]
        return self

    def __exit__(self, *exc: object) -> None:
        end = self.cli.stats()["by_template"]
        self.by_template = {k: v - self._start.get(k, 0) for k, v in end.items()
                            if v - self._start.get(k, 0)}

    @property
    def writes(self) -> dict[str, int]:
        return {k: v for k, v in self.by_template.items() if k.split()[0] in WRITES}

    @property
    def templates(self) -> set[str]:
        return set(self.by_template)
