"""Plans and reports as JSON files (the schemas in docs/reports.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qualytics_ci import secrets


def write_json(path: str | Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON, secrets redacted, trailing newline."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(secrets.redact(text) + "\n", encoding="utf-8")
