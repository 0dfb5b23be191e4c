"""Plans and reports as JSON files (the schemas in docs/reports.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qualytics_ci import secrets


def json_text(data: Any) -> str:
    """``data`` as indented JSON, secrets redacted, with a trailing newline."""
    return secrets.redact(json.dumps(data, indent=2, ensure_ascii=False, default=str)) + "\n"


def write_json(path: str | Path, data: Any) -> None:
    """Write ``data`` to ``path`` as :func:`json_text`, in UTF-8."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json_text(data), encoding="utf-8")
