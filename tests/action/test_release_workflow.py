"""The release workflow: a version tag builds the image for two platforms, pushes it to
ghcr.io, and moves the tag to a commit whose action.yml runs that image by digest (main's
action.yml keeps building the Dockerfile; test_action_metadata checks that)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RELEASE = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
DIGEST = "sha256:" + "ab" * 32


def steps(job: str) -> list[dict[str, Any]]:
    return list(RELEASE["jobs"][job]["steps"])


def uses(job: str) -> list[str]:
    return [s["uses"] for s in steps(job) if "uses" in s]


def test_a_version_tag_builds_both_platforms_and_pushes_to_ghcr() -> None:
    assert RELEASE[True] == {"push": {"tags": ["v*"]}}  # PyYAML reads `on` as True
    assert uses("image") == ["actions/checkout@v4", "docker/setup-qemu-action@v3",
                             "docker/setup-buildx-action@v3", "docker/login-action@v3",
                             "docker/build-push-action@v6"]
    build = steps("image")[-1]["with"]
    assert build["platforms"] == "linux/amd64,linux/arm64" and build["push"] is True
    assert build["tags"] == "${{ steps.name.outputs.image }}:${{ steps.name.outputs.version }}"
    login = steps("image")[4]["with"]
    assert login["registry"] == "ghcr.io"
    # least privilege: only the image job writes packages, only the action job contents
    assert RELEASE["permissions"] == {"contents": "read"}
    assert RELEASE["jobs"]["image"]["permissions"] == {"contents": "read", "packages": "write"}
    assert RELEASE["jobs"]["action"]["permissions"] == {"contents": "write"}
    assert RELEASE["jobs"]["action"]["needs"] == "image"


def _rewrite(tmp_path: Path, digest: str) -> subprocess.CompletedProcess[str]:
    step = next(s for s in steps("action")
                if s.get("name") == "Point action.yml at the pushed image")
    shutil.copy(ROOT / "action.yml", tmp_path / "action.yml")
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "IMAGE": "ghcr.io/acme/qualytics-ci",
                               "DIGEST": digest})


def test_the_released_action_runs_the_pushed_image_by_digest(tmp_path: Path) -> None:
    proc = _rewrite(tmp_path, DIGEST)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    released = yaml.safe_load((tmp_path / "action.yml").read_text())
    main = yaml.safe_load((ROOT / "action.yml").read_text())
    assert released["runs"] == {"using": "docker",
                                "image": f"docker://ghcr.io/acme/qualytics-ci@{DIGEST}"}
    assert {**released, "runs": main["runs"]} == main  # nothing else changes
    beside = Path(sys.executable).parent / "check-jsonschema"
    tool = str(beside) if beside.exists() else shutil.which("check-jsonschema")
    if tool is None:
        pytest.skip("check-jsonschema is not installed")
    check = subprocess.run([tool, "--builtin-schema", "vendor.github-actions",
                            str(tmp_path / "action.yml")], capture_output=True, text=True,
                           timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr


def test_without_a_digest_nothing_is_released(tmp_path: Path) -> None:
    proc = _rewrite(tmp_path, "")
    assert proc.returncode != 0
    assert (tmp_path / "action.yml").read_bytes() == (ROOT / "action.yml").read_bytes()
