"""Fit a markdown document into a size budget by dropping whole rows and sections.

A document is a list of :class:`Section` objects. When everything fits it is
joined as is. Otherwise sections are kept in order; the section that crosses
the budget keeps as many of its items (table rows, ``<details>`` blocks) as fit
and says how many it left out, and the sections after it are dropped; a
closing note points at where the full text is. Nothing is cut mid-row, so
tables and fences stay well-formed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Size = Callable[[str], int]


def chars(text: str) -> int:
    """Size in characters (GitHub's comment limit counts characters)."""
    return len(text)


def utf8_bytes(text: str) -> int:
    """Size in UTF-8 bytes (the step summary limit counts bytes)."""
    return len(text.encode("utf-8"))


@dataclass
class Section:
    """A heading and its items; ``essential`` sections are always kept whole."""

    heading: str
    items: list[str] = field(default_factory=list)
    footer: str = ""
    essential: bool = False
    what: str = "entries"

    def text(self, items: Sequence[str] | None = None, omitted: int = 0) -> str:
        rows = self.items if items is None else items
        parts = [self.heading, *rows]
        if omitted:
            parts.append(more_note(omitted, self.what))
        if self.footer:
            parts.append(self.footer)
        return "".join(parts)


def more_note(omitted: int, what: str) -> str:
    return f"\n_… {omitted} more {what} not shown here._\n"


@dataclass(frozen=True)
class Fitted:
    """The fitted text and whether anything was left out."""

    text: str
    truncated: bool
    omitted_items: int = 0
    omitted_sections: int = 0


def fit(sections: Sequence[Section], *, budget: int, size: Size = chars,
        cut_note: Callable[[int, int], str] = lambda items, sections: "") -> Fitted:
    """Join ``sections`` within ``budget`` (measured with ``size``).

    ``cut_note(omitted_items, omitted_sections)`` is appended when anything is
    dropped; its size is reserved up front.
    """
    full = "".join(s.text() for s in sections)
    if size(full) <= budget:
        return Fitted(full, False)
    reserve = size(cut_note(10**9, 10**6)) + 2
    room = budget - reserve
    out: list[str] = []
    used = 0
    omitted_items = 0
    omitted_sections = 0
    stopped = False
    for section in sections:
        if stopped:
            omitted_sections += 1
            omitted_items += len(section.items)
            continue
        whole = section.text()
        if section.essential or used + size(whole) <= room:
            out.append(whole)
            used += size(whole)
            continue
        kept, dropped = _fill(section, room - used, size)
        stopped = True
        if kept is None:
            omitted_sections += 1
            omitted_items += len(section.items)
            continue
        out.append(kept)
        used += size(kept)
        omitted_items += dropped
    out.append(cut_note(omitted_items, omitted_sections))
    return Fitted("".join(out), True, omitted_items, omitted_sections)


def _fill(section: Section, room: int, size: Size) -> tuple[str | None, int]:
    """As many of the section's items as fit in ``room`` (None if not even one)."""
    fixed = size(section.text([], omitted=len(section.items)))
    if fixed >= room:
        return None, len(section.items)
    used = fixed
    kept: list[str] = []
    for item in section.items:
        n = size(item)
        if used + n > room:
            break
        kept.append(item)
        used += n
    if not kept:
        return None, len(section.items)
    dropped = len(section.items) - len(kept)
    return section.text(kept, omitted=dropped), dropped
