"""What the reliability and security tests share: the sandbox as seen from
outside (admin API, request log), and running ``qualytics-ci`` in-process or
as a real subprocess."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

import qualytics_ci
from qualytics_ci import secrets
from qualytics_ci.cli import main

PACKAGE_ROOT = str(Path(qualytics_ci.__file__).resolve().parents[1])
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def process_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The environment for a ``qualytics-ci`` process: this one's, without QUALYTICS_*,
    importing the same ``qualytics_ci`` as the tests do."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALYTICS_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_ROOT, env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


class Target:
    """A running sandbox, driven with its admin token (or another seed token)."""

    def __init__(self, running: Any) -> None:
        self.running = running
        self.url: str = running.url.rstrip("/")
        self.tokens: dict[str, str] = dict(running.tokens)
        self._http = requests.Session()

    def api(self, method: str, path: str, *, token: str | None = None,
            params: Mapping[str, Any] | None = None, json: Any = None,
            ok: Sequence[int] = (200, 201, 204)) -> Any:
        """One call; fails the test unless the status is in ``ok``."""
        resp = self._http.request(
            method, self.url + path, params=params, json=json, timeout=60,
            headers={"Authorization": f"Bearer {token or self.tokens['admin']}"})
        assert resp.status_code in ok, f"{method} {path} -> {resp.status_code}: {resp.text}"
        return resp.json() if resp.content else None

    # -- control ---------------------------------------------------------------
    def reset(self, seed: str) -> None:
        self.api("POST", "/_sandbox/reset", json={"seed": seed})
        self.faults(latency_ms=0, fail_rate=0, rate_limit=0)

    def faults(self, **settings: float) -> None:
        self.api("POST", "/_sandbox/faults", json=settings)

    def mark(self) -> int:
        """The sequence number of the last logged request."""
        stats = self.api("GET", "/_sandbox/stats")
        if "last_seq" in stats:
            return int(stats["last_seq"])
        log = self.api("GET", "/_sandbox/requests")
        return max((int(e["seq"]) for e in log), default=0)

    def log_since(self, seq: int) -> list[dict[str, Any]]:
        return list(self.api("GET", "/_sandbox/requests", params={"since": seq}))

    def writes_since(self, seq: int) -> list[dict[str, Any]]:
        return [e for e in self.log_since(seq) if e["method"] in WRITE_METHODS]

    # -- the data --------------------------------------------------------------
    def all_pages(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            doc = self.api("GET", path, params={**params, "page": page, "size": 100})
            yield from doc["items"]
            if page * 100 >= int(doc["total"]):
                return
            page += 1

    def datastore_id(self, name: str) -> int:
        for ds in self.all_pages("/api/datastores"):
            if ds["name"] == name:
                return int(ds["id"])
        raise AssertionError(f"no datastore {name!r}")

    def checks(self, datastore: str, **params: Any) -> list[dict[str, Any]]:
        return list(self.all_pages("/api/quality-checks",
                                   datastore=self.datastore_id(datastore), **params))

    def archived_checks(self, datastore: str) -> list[dict[str, Any]]:
        return self.checks(datastore, archived="only")

    def uid_counts(self, datastore: str) -> Counter[str]:
        """How many live checks carry each ``_qualytics_check_uid``."""
        return Counter(uid_of(c) for c in self.checks(datastore))

    def containers(self, datastore: str) -> list[dict[str, Any]]:
        return list(self.api("GET", "/api/containers/listing",
                             params={"datastore": self.datastore_id(datastore)}))

    def connections(self) -> list[dict[str, Any]]:
        return list(self.all_pages("/api/connections"))


def uid_of(check: Mapping[str, Any]) -> str:
    meta = check.get("additional_metadata") or {}
    return str(meta.get("_qualytics_check_uid") or f"id:{check['id']}")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + "\n" + self.err

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out[-3000:]}\n--- stderr\n{self.err[-3000:]}"

    __repr__ = __str__


class Runner:
    """Runs ``qualytics-ci`` against one target with one token."""

    def __init__(self, target: Target, capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        self.target = target
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.tmp_path = tmp_path
        self.token = target.tokens["admin"]
        self.env: dict[str, str] = {}

    def _connection_args(self, command: str) -> list[str]:
        if command == "validate":
            return []
        return ["--url", self.target.url, "--token", self.token]

    def __call__(self, command: str, *args: str, token: str | None = None) -> Result:
        """In-process: ``main([command, --url, --token, *args])``."""
        saved = self.token
        if token is not None:
            self.token = token
        try:
            argv = [command, *self._connection_args(command), *args]
            for key, value in self.env.items():
                self.monkeypatch.setenv(key, value)
            self.monkeypatch.chdir(self.tmp_path)
            secrets.clear()
            self.capsys.readouterr()
            code = main(["--quiet", *argv])
            captured = self.capsys.readouterr()
            return Result(code, captured.out, captured.err)
        finally:
            self.token = saved

    def spawn(self, command: str, *args: str, env: Mapping[str, str] | None = None,
              name: str = "run") -> subprocess.Popen[bytes]:
        """A real ``qualytics-ci`` process (for SIGKILL and a clean secrets registry).
        Its output goes to ``<name>.out`` / ``<name>.err`` in the test's directory (files,
        not pipes, so that a long plan never blocks on a full pipe)."""
        full_env = process_env({**self.env, **(env or {})})
        full_env["QUALYTICS_URL"] = self.target.url
        full_env.setdefault("QUALYTICS_TOKEN", self.token)
        argv = [sys.executable, "-c", "from qualytics_ci.cli import run; run()",
                "--quiet", command, *args]
        with (self.tmp_path / f"{name}.out").open("wb") as out, \
                (self.tmp_path / f"{name}.err").open("wb") as err:
            return subprocess.Popen(argv, env=full_env, cwd=self.tmp_path, stdout=out,
                                    stderr=err, stdin=subprocess.DEVNULL)

    def output_of(self, name: str = "run") -> tuple[str, str]:
        return tuple(  # type: ignore[return-value]
            (self.tmp_path / f"{name}.{kind}").read_text(encoding="utf-8", errors="replace")
            for kind in ("out", "err"))

    def run_process(self, command: str, *args: str, env: Mapping[str, str] | None = None,
                    timeout: float = 60, name: str = "run") -> Result:
        proc = self.spawn(command, *args, env=env, name=name)
        proc.wait(timeout=timeout)
        out, err = self.output_of(name)
        return Result(proc.returncode, out, err)


# -- folders ------------------------------------------------------------------------
def placeholders(root: Path) -> set[str]:
    found: set[str] = set()
    for path in root.rglob("*.yaml"):
        if path.is_file() and not path.is_symlink():
            found.update(PLACEHOLDER.findall(path.read_text(encoding="utf-8",
                                                            errors="replace")))
    return found


def overlay(src: Path, dst: Path) -> None:
    """Copy the files under ``src`` onto ``dst`` (same relative paths)."""
    for path in src.rglob("*"):
        if path.is_file():
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def copy_folder(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def check_files(root: Path, datastore: str, *, status: str | None = None) -> list[Path]:
    """The datastore's check files (only those with ``status: <status>`` if given)."""
    files = sorted((root / "datastores" / slug(datastore) / "checks").rglob("*.yaml"))
    if status is not None:
        files = [f for f in files if f"\nstatus: {status}\n" in f.read_text(encoding="utf-8")]
    return files


def retarget(root: Path, source: str, target: str) -> None:
    """Make the folder describe datastore ``target`` instead of ``source``."""
    src_dir = root / "datastores" / slug(source)
    dst_dir = root / "datastores" / slug(target)
    src_dir.rename(dst_dir)
    meta = dst_dir / "_datastore.yaml"
    text = re.sub(r"^name:.*$", f"name: {target}", meta.read_text(encoding="utf-8"),
                  count=1, flags=re.M)
    meta.write_text(text, encoding="utf-8")


def set_description(path: Path, text: str) -> None:
    """Replace a check file's one-line ``description:``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out, skipping = [], False
    for line in lines:
        if skipping and line.startswith((" ", "\t")):
            continue
        skipping = False
        if line.startswith("description:"):
            out.append(f"description: {text}\n")
            skipping = True
            continue
        out.append(line)
    path.write_text("".join(out), encoding="utf-8")


@contextmanager
def before_request(monkeypatch: pytest.MonkeyPatch,
                   when: Callable[[str, str], bool],
                   action: Callable[[str, str, Any], None]) -> Iterator[list[str]]:
    """Run ``action(method, path, json)`` once, just before the first API call for
    which ``when(method, path)`` holds: a change someone else makes to the target
    between the plan and the write. Yields the list of calls it fired on."""
    from qualytics_ci.api.client import Client

    fired: list[str] = []
    original = Client.request

    def request(self: Client, method: str, path: str, **kw: Any) -> Any:
        if not fired and when(method.upper(), path):
            fired.append(f"{method.upper()} {path}")
            action(method.upper(), path, kw.get("json"))
        return original(self, method, path, **kw)

    monkeypatch.setattr(Client, "request", request)
    yield fired


def not_null_check(uid: str, *, description: str = "new check", field: str = "order_id") -> str:
    """A check file's text: notNull on ``orders.<field>`` with the given uid."""
    return (f"rule_type: notNull\ndescription: {description}\ncontainer: orders\nfields:\n"
            f"- {field}\ncoverage: 1.0\nfilter: null\nanomaly_message_field: null\n"
            f"properties: {{}}\ntags: []\nstatus: Active\nadditional_metadata:\n"
            f"  _qualytics_check_uid: {uid}\n")
