"""The sandbox the benchmark runs against: a separate process, driven over HTTP.

The sandbox runs in its own process (``qualytics-ci sandbox --ready-file``) so
that its work never competes with the measured tool for this process's GIL.
Only control endpoints (``/_sandbox/...``, never counted in the request log)
and a few admin look-ups made *outside* the measured window are sent from here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def ours_command() -> list[str]:
    """How to run qualytics-ci from this interpreter's environment."""
    script = Path(sys.executable).parent / "qualytics-ci"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from qualytics_ci.cli import run; run()"]


@dataclass
class Stats:
    """Request counts from ``/_sandbox/stats``."""

    total: int
    by_method: dict[str, int] = field(default_factory=dict)
    by_template: dict[str, int] = field(default_factory=dict)
    last_seq: int = 0  # the request log's last sequence number

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Stats:
        return cls(
            total=int(doc.get("total", 0)),
            by_method={str(k): int(v) for k, v in dict(doc.get("by_method", {})).items()},
            by_template={str(k): int(v) for k, v in dict(doc.get("by_template", {})).items()},
            last_seq=int(doc.get("last_seq", 0)),
        )

    def minus(self, before: Stats) -> Stats:
        """The requests sent between ``before`` and this snapshot."""
        def diff(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            out = {k: a.get(k, 0) - b.get(k, 0) for k in sorted(set(a) | set(b))}
            return {k: v for k, v in out.items() if v}

        return Stats(
            total=self.total - before.total,
            by_method=diff(self.by_method, before.by_method),
            by_template=diff(self.by_template, before.by_template),
            last_seq=self.last_seq,
        )

    @property
    def writes(self) -> int:
        return sum(v for k, v in self.by_method.items() if k != "GET")


class SandboxError(RuntimeError):
    """The sandbox did not start or answered a control call with an error."""


class Sandbox:
    """A running sandbox process and its control endpoints."""

    def __init__(self, seed: str, *, latency_ms: float, workdir: Path,
                 startup_timeout: float = 60.0) -> None:
        self.seed = seed
        self.latency_ms = latency_ms
        ready = workdir / "sandbox-ready.json"
        ready.unlink(missing_ok=True)
        self._log = (workdir / "sandbox.log").open("w")
        argv = [*ours_command(), "sandbox", "--port", "0", "--seed", seed,
                "--latency-ms", str(latency_ms), "--operation-seconds", "0",
                "--ready-file", str(ready)]
        self._proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + startup_timeout
        while not ready.exists() or not ready.read_text().strip():
            if self._proc.poll() is not None:
                raise SandboxError(f"sandbox exited with {self._proc.returncode}; "
                                   f"see {workdir / 'sandbox.log'}")
            if time.monotonic() > deadline:
                self.stop()
                raise SandboxError("sandbox did not become ready in time")
            time.sleep(0.05)
        time.sleep(0.05)  # the ready file may still be being written
        doc = json.loads(ready.read_text())
        self.url: str = str(doc["url"]).rstrip("/")
        self.tokens: dict[str, str] = {str(k): str(v) for k, v in doc["tokens"].items()}

    # -- control -----------------------------------------------------------
    def call(self, method: str, path: str, body: Any = None, *,
             params: Mapping[str, Any] | None = None, token: str | None = None) -> Any:
        """One HTTP call with the admin token (or ``token``); JSON in and out."""
        url = self.url + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Authorization", f"Bearer {token or self.tokens['admin']}")
        req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raise SandboxError(f"{method} {path} -> {exc.code}: {exc.read()[:500]!r}") from exc
        return json.loads(raw) if raw.strip() else None

    def stats(self) -> Stats:
        return Stats.from_json(self.call("GET", "/_sandbox/stats"))

    def statuses(self, since: int) -> dict[str, int]:
        """How many requests after log entry ``since`` got each HTTP status."""
        found = Counter(str(e["status"]) for e in self.call("GET", "/_sandbox/requests",
                                                            params={"since": since}))
        return dict(sorted(found.items()))

    def reset(self, latency_ms: float | None = None, rate_limit: float = 0.0) -> None:
        """Back to the seed's state, with this benchmark's latency (or ``latency_ms``)
        and no rate limit (or ``rate_limit`` requests a second, the bucket full)."""
        self.call("POST", "/_sandbox/reset", {"seed": self.seed})
        self.faults(self.latency_ms if latency_ms is None else latency_ms, rate_limit)

    def faults(self, latency_ms: float, rate_limit: float = 0.0) -> None:
        """Change the injected latency and rate limit now (``POST /_sandbox/faults``)."""
        self.call("POST", "/_sandbox/faults",
                  {"latency_ms": latency_ms, "fail_rate": 0.0, "rate_limit": rate_limit})

    # -- admin look-ups (never inside a measured window) ----------------------
    def datastore_id(self, name: str) -> int:
        page = self.call("GET", "/api/datastores", params={"name": name, "page": 1, "size": 100})
        for item in page["items"]:
            if item["name"] == name:
                return int(item["id"])
        raise SandboxError(f"no datastore named {name!r} in the sandbox")

    def containers(self, datastore_id: int) -> list[dict[str, Any]]:
        listing = self.call("GET", "/api/containers/listing",
                            params={"datastore": datastore_id})
        return list(listing)

    def count(self, path: str, **params: Any) -> int:
        page = self.call("GET", path, params={**params, "page": 1, "size": 1})
        return int(page["total"])

    def check_uids(self, datastore_id: int) -> list[str]:
        """The ``_qualytics_check_uid`` of every non-archived check."""
        uids: list[str] = []
        page_no = 1
        while True:
            page = self.call("GET", "/api/quality-checks",
                             params={"datastore": datastore_id, "page": page_no, "size": 100})
            for item in page["items"]:
                meta = item.get("additional_metadata") or {}
                uids.append(str(meta.get("_qualytics_check_uid", f"id:{item['id']}")))
            if page_no * 100 >= int(page["total"]):
                return uids
            page_no += 1

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._log.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def tool_env(sandbox: Sandbox, extra: Mapping[str, str], home: Path) -> dict[str, str]:
    """Environment for a measured tool: target, admin token, placeholders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALYTICS_")}
    env.update(extra)
    env["QUALYTICS_URL"] = sandbox.url
    env["QUALYTICS_TOKEN"] = sandbox.tokens["admin"]
    env["QUALYTICS_CONFIG_HOME"] = str(home)  # the official CLI's config dir
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "120"
    return env
