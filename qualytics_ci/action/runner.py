"""The GitHub Actions runner's side: workflow commands, outputs, step summary, event.

Everything here talks to the runner through stdout workflow commands or the
files whose paths the runner puts in the environment (``GITHUB_OUTPUT``,
``GITHUB_STEP_SUMMARY``). The REST side (PR comment, drift issue) lives in
:mod:`qualytics_ci.action.github`.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from qualytics_ci import secrets

SUMMARY_LIMIT_BYTES = 1024 * 1024
# Headroom below the runner's 1 MiB: past the limit the whole step summary is dropped.
SUMMARY_BUDGET_BYTES = SUMMARY_LIMIT_BYTES - 16 * 1024
SUMMARY_CUT_NOTE = "\n\n> Summary cut here: it reached GitHub's 1 MiB limit. See the JSON report.\n"


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: the message's escapes plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class Runner:
    """Workflow commands written to one stream (stdout on a runner)."""

    def __init__(self, stream: TextIO | None = None, *, workspace: str | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.workspace = workspace if workspace is not None else os.environ.get(
            "GITHUB_WORKSPACE", "")
        self.annotations: dict[str, int] = {}
        self._in_group = False
        self._stopped: str | None = None
        self._lock = threading.Lock()

    def command(self, name: str, message: str = "", **props: str | int | None) -> None:
        """Write ``::name prop=value,...::message`` (values escaped)."""
        text = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items()
                        if v is not None and v != "")
        head = f"::{name} {text}" if text else f"::{name}"
        self.stream.write(f"{head}::{escape_data(message)}\n")
        self.stream.flush()

    def mask(self, value: str) -> None:
        """Ask the runner to mask ``value`` (one command per line of it)."""
        with self._lock:
            self._mask(value)

    def _mask(self, value: str) -> None:
        stopped = self._stopped
        if stopped:  # resume processing just for the masks, then stop again
            sys.stderr.flush()
            self.stream.write(f"::{stopped}::\n")
        for line in value.splitlines():
            if line.strip():
                self.command("add-mask", line)
        if stopped:
            self._stopped = self._new_token()
            self.command("stop-commands", self._stopped)

    def relative(self, path: str | None) -> str | None:
        """``path`` relative to the workspace, as annotations want it."""
        if not path:
            return None
        p = Path(path)
        root = Path(self.workspace) if self.workspace else Path.cwd()
        if p.is_absolute():
            try:
                return p.relative_to(root).as_posix()
            except ValueError:
                try:
                    return p.resolve().relative_to(root.resolve()).as_posix()
                except ValueError:
                    return p.as_posix()
        return p.as_posix()

    def annotate(self, level: str, message: str, *, file: str | None = None,
                 line: int | None = None, title: str | None = None) -> None:
        """An ``error``/``warning``/``notice`` annotation; the message is redacted."""
        self.annotations[level] = self.annotations.get(level, 0) + 1
        self.command(level, secrets.redact(message), file=self.relative(file), line=line,
                     title=title)

    def error(self, message: str, **where: Any) -> None:
        self.annotate("error", message, **where)

    def warning(self, message: str, **where: Any) -> None:
        self.annotate("warning", message, **where)

    def notice(self, message: str, **where: Any) -> None:
        self.annotate("notice", message, **where)

    def log(self, text: str) -> None:
        """A plain log line, redacted."""
        self.stream.write(secrets.redact(text) + "\n")
        self.stream.flush()

    @contextmanager
    def stop_commands(self) -> Iterator[None]:
        """Stop workflow-command processing while untrusted text is printed.

        Config values and API messages could contain ``::``; masks registered
        meanwhile briefly resume processing (see :meth:`mask`).
        """
        token = self._new_token()
        self.command("stop-commands", token)
        self._stopped = token
        try:
            yield
        finally:
            sys.stderr.flush()
            self._stopped = None
            self.stream.write(f"::{token}::\n")
            self.stream.flush()

    def _new_token(self) -> str:
        return uuid.uuid4().hex + uuid.uuid4().hex

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        """A collapsible log section; groups do not nest, so an inner one is flat."""
        if self._in_group:
            yield
            return
        self.command("group", title)
        self._in_group = True
        try:
            yield
        finally:
            self._in_group = False
            self.stream.flush()
            sys.stderr.flush()
            self.command("endgroup")


def write_output(name: str, value: str, path: str | None = None) -> None:
    """Append ``name`` (and its underscore twin) to ``GITHUB_OUTPUT``, multi-line safe."""
    path = path or os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    value = secrets.redact(value)
    names = [name] + ([name.replace("-", "_")] if "-" in name else [])
    with open(path, "a", encoding="utf-8") as fh:
        for n in names:
            fh.write(_output_entry(n, value))


def _output_entry(name: str, value: str) -> str:
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
    while delimiter in value:  # pragma: no cover - astronomically unlikely
        delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def parse_output_file(text: str) -> dict[str, str]:
    """Read a ``GITHUB_OUTPUT`` file back as the runner does (tests and tools)."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body: list[str] = []
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise ValueError(f"matching delimiter not found for output {name}")
            i += 1
            out[name] = "\n".join(body)
        else:
            name, _, value = line.partition("=")
            out[name] = value
    return out


def append_summary(markdown: str, path: str | None = None) -> int:
    """Append ``markdown`` to the step summary, never past the runner's limit.

    Returns the number of bytes written (0 when there is no summary file).
    """
    path = path or os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return 0
    existing = Path(path).stat().st_size if Path(path).exists() else 0
    data = secrets.redact(markdown)
    if not data.endswith("\n"):
        data += "\n"
    encoded = data.encode("utf-8")
    room = SUMMARY_BUDGET_BYTES - existing
    if len(encoded) > room:
        note = SUMMARY_CUT_NOTE.encode("utf-8")
        cut = max(0, room - len(note))
        encoded = encoded[:cut].decode("utf-8", errors="ignore").encode("utf-8") + note
        if len(encoded) > max(0, SUMMARY_LIMIT_BYTES - existing):
            return 0
    with open(path, "ab") as fh:
        fh.write(encoded)
    return len(encoded)


def load_event(path: str | None = None) -> dict[str, Any]:
    """The triggering event's payload (empty when there is none)."""
    path = path or os.environ.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def pull_request_number(event: Mapping[str, Any]) -> int | None:
    """The PR number of a pull_request(_target) or PR issue_comment event."""
    pr = event.get("pull_request")
    if isinstance(pr, dict) and isinstance(pr.get("number"), int):
        return int(pr["number"])
    issue = event.get("issue")
    if isinstance(issue, dict) and "pull_request" in issue and isinstance(
            issue.get("number"), int):
        return int(issue["number"])
    return None


def is_fork_pull_request(event: Mapping[str, Any], repository: str) -> bool:
    """True when the PR's head lives in another repository (read-only token)."""
    pr = event.get("pull_request")
    if not isinstance(pr, dict):
        return False
    head = pr.get("head") or {}
    full_name = (head.get("repo") or {}).get("full_name") if isinstance(head, dict) else None
    return bool(full_name) and full_name != repository


def run_url(env: Mapping[str, str] | None = None) -> str | None:
    """Link to this workflow run, for comments that point at the full summary."""
    env = os.environ if env is None else env
    server, repo, run_id = (env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY"),
                            env.get("GITHUB_RUN_ID"))
    if not (server and repo and run_id):
        return None
    return f"{server}/{repo}/actions/runs/{run_id}"


def commit_sha(env: Mapping[str, str], event: Mapping[str, Any]) -> str | None:
    """The commit the run looked at: a pull request's head (``GITHUB_SHA`` is then the
    test merge commit, which nobody can open), else ``GITHUB_SHA``."""
    pr = event.get("pull_request")
    head = pr.get("head") if isinstance(pr, dict) else None
    sha = head.get("sha") if isinstance(head, dict) else None
    if isinstance(sha, str) and sha:
        return sha
    return env.get("GITHUB_SHA") or None


def repository_url(env: Mapping[str, str]) -> str | None:
    """``https://github.com/owner/repo`` (GitHub Enterprise: its own server)."""
    server, repo = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY")
    return f"{server.rstrip('/')}/{repo}" if server and repo else None
