"""Text made safe for GitHub-flavoured markdown, one helper per context.

A name such as ``sales/*/2024/*.parquet`` or ``orders<v2>`` must read as
written wherever it lands:

- :func:`text`: markdown inline text (a paragraph, a list item, a table cell):
  every character markdown would act on is backslash-escaped, ``|`` included,
  line breaks become spaces.
- :func:`code`: an inline code span (its content is literal: only ``|`` needs
  its escape, which GFM tables honour inside code spans too).
- :func:`html`: text inside raw HTML, such as ``<summary>`` (markdown is not
  parsed there, so only ``& < > "`` are escaped); :func:`html_code` wraps it
  in ``<code>``.
- :func:`lines`: several lines kept apart in one table cell (``<br>``).
"""

from __future__ import annotations

import re
from typing import Any

# ASCII punctuation that can start or end markdown inline syntax (emphasis, code,
# links, autolinks and raw HTML, entities, strikethrough, table cells).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&!#])")
_BREAKS = re.compile(r"\r\n|[\r\n\u0085\u2028\u2029]")


def _flat(value: Any) -> str:
    return _BREAKS.sub(" ", "" if value is None else str(value))


def text(value: Any) -> str:
    """``value`` as literal markdown text on one line (safe in a table cell)."""
    return _SPECIAL.sub(r"\\\1", _flat(value))


def cell(value: Any) -> str:
    """A table cell's text (the same as :func:`text`)."""
    return text(value)


def code(value: Any, *, table: bool = True) -> str:
    """Inline code whose fence cannot be closed by the value itself (``table``: it
    sits in a table cell, where a ``|`` needs its backslash even in code)."""
    body = _flat(value)
    if table:
        body = body.replace("|", "\\|")
    if not body:
        return ""
    ticks = "`" * (longest_backtick_run(body) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or body.strip() == "" else ""
    return f"{ticks}{pad}{body}{pad}{ticks}"


def html(value: Any) -> str:
    """``value`` as literal text inside raw HTML (``<summary>``, ``<code>``)."""
    return (_flat(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def html_code(value: Any) -> str:
    """``<code>value</code>`` inside raw HTML."""
    return f"<code>{html(value)}</code>"


def prose(value: Any) -> str:
    """Text whose `backticked` parts are code (a hint naming an option), the rest
    literal."""
    parts = _flat(value).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: all literal
        return text(value)
    return "".join(code(p) if i % 2 else text(p) for i, p in enumerate(parts))


def lines(value: Any) -> str:
    """Several lines in one table cell: each escaped, joined by ``<br>``."""
    parts = _BREAKS.split("" if value is None else str(value))
    return "<br>".join(text(p) for p in parts if p.strip())


def link(label: str, url: str | None) -> str:
    """``[label](url)`` (``label`` already escaped), or ``label`` without a url."""
    if not url:
        return label
    safe = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C") \
        .replace(">", "%3E")
    return f"[{label}]({safe})"


def longest_backtick_run(text: str) -> int:
    """The longest run of backticks in ``text`` (a fence must be longer)."""
    best = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        best = max(best, run)
    return best


def fence(body: str, info: str = "") -> str:
    """``body`` in a fenced code block whose fence the body cannot close."""
    ticks = "`" * max(3, longest_backtick_run(body) + 1)
    return f"{ticks}{info}\n{body}\n{ticks}\n"
