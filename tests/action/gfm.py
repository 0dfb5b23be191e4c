"""Markdown as GitHub reads it: parse with markdown-it-py (CommonMark plus GFM tables and
strikethrough, raw HTML on) and check what would break a rendered comment."""

from __future__ import annotations

import html as htmllib
import re

from markdown_it import MarkdownIt

COMMENT_LIMIT = 65_536
SUMMARY_LIMIT = 1024 * 1024


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def html_of(markdown: str) -> str:
    return parser().render(markdown)


def text_of(markdown: str) -> str:
    """What a reader sees: the rendered HTML without tags, entities decoded."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html_of(markdown)))


def _cells(row: str) -> int:
    """Cells of a GFM table row: pipes not escaped by a backslash separate them."""
    body = row.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return len(re.split(r"(?<!\\)\|", body))


def problems(markdown: str, *, limit: int | None = None, size: str = "chars") -> list[str]:
    """What is wrong with ``markdown`` as a GitHub comment or summary (empty: nothing)."""
    out: list[str] = []
    if limit is not None:
        n = len(markdown) if size == "chars" else len(markdown.encode("utf-8"))
        if n > limit:
            out.append(f"{n} {size} > {limit}")
    tokens = parser().parse(markdown)
    lines = markdown.split("\n")
    raw_html = []
    tables = 0
    for t in tokens:
        if t.type == "fence" and t.map:
            last = lines[t.map[1] - 1].strip() if t.map[1] - 1 < len(lines) else ""
            if t.map[1] - t.map[0] < 2 or not last.startswith(t.markup) \
                    or last.strip(t.markup[0]):
                out.append(f"fence opened at line {t.map[0] + 1} is not closed")
        if t.type == "html_block":
            raw_html.append(t.content)
        if t.type == "inline":
            raw_html += [c.content for c in t.children or () if c.type == "html_inline"]
        if t.type == "table_open" and t.map:
            tables += 1
            rows = [ln for ln in lines[t.map[0]:t.map[1]] if ln.strip()]
            widths = {_cells(r) for r in rows}
            if len(widths) != 1:
                out.append(f"table at line {t.map[0] + 1} has rows of {sorted(widths)} cells")
    markup = "".join(raw_html)
    for tag in ("details", "summary"):
        opened = len(re.findall(rf"<{tag}[\s>]", markup))
        closed = markup.count(f"</{tag}>")
        if opened != closed:
            out.append(f"<{tag}> opened {opened} times, closed {closed}")
    pipes = sum(1 for ln in lines if ln.startswith("| ") and ln.endswith(" |"))
    if pipes and not tables:
        out.append("table-looking lines that do not parse as a table")
    return out
