"""Text made safe inside markdown: table cells and inline code."""

from __future__ import annotations

from typing import Any


def cell(value: Any) -> str:
    """A value made safe for a table cell (no pipes, newlines or raw HTML)."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def code(value: Any) -> str:
    """Inline code whose fence cannot be closed by the value itself."""
    text = cell(value)
    if not text:
        return ""
    ticks = "`" * (longest_backtick_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def longest_backtick_run(text: str) -> int:
    """The longest run of backticks in ``text`` (a fence must be longer)."""
    best = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        best = max(best, run)
    return best
