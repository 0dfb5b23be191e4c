"""The platform's own CLI (``qualytics-cli``), installed in its own venv.

It lives in ``benchmarks/.venv-qualytics-cli`` (git-ignored) so that its many
dependencies never mix with ours. Installed on first use with pip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

VERSION = "1.2.2"
VENV = Path(__file__).resolve().parent / ".venv-qualytics-cli"


def binary(venv_dir: Path = VENV) -> Path:
    return venv_dir / ("Scripts" if os.name == "nt" else "bin") / "qualytics"


def installed_version(venv_dir: Path = VENV) -> str | None:
    python = venv_dir / "bin" / "python"
    if not binary(venv_dir).exists() or not python.exists():
        return None
    out = subprocess.run(
        [str(python), "-c",
         "import importlib.metadata as m; print(m.version('qualytics-cli'))"],
        capture_output=True, text=True, check=False,
    )
    return out.stdout.strip() or None if out.returncode == 0 else None


def ensure(venv_dir: Path = VENV, *, install: bool = True) -> Path | None:
    """The ``qualytics`` binary, installing ``qualytics-cli`` if allowed; None if
    it is missing and may not be installed (or the install failed)."""
    if installed_version(venv_dir) == VERSION:
        return binary(venv_dir)
    if not install:
        return None
    print(f"installing qualytics-cli {VERSION} into {venv_dir} ...", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    done = subprocess.run(
        [str(venv_dir / "bin" / "python"), "-m", "pip", "install", "--quiet",
         f"qualytics-cli=={VERSION}"],
        check=False,
    )
    if done.returncode != 0 or installed_version(venv_dir) != VERSION:
        print("qualytics-cli could not be installed; running qualytics-ci only",
              file=sys.stderr)
        return None
    return binary(venv_dir)
