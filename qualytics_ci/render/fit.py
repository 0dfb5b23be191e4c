"""Fit a markdown document into a size budget without losing what a reviewer needs.

A :class:`Doc` has a head and a lead that are always kept (title, headline,
warnings, counts), entries (one per entity: a ``<details>`` diff or a table
row), and a tail. When the whole document does not fit, the entries keep their
order and the first ones keep their full form; the rest are listed by name only
(their ``brief`` form) in one list at the end; only when even the names do not
fit are the last entries dropped. The notice that says so goes right under the
head, and counts separately the entries cut to their name and those not shown.
Nothing is cut mid-entry, so tables, fences and ``<details>`` stay well-formed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Size = Callable[[str], int]


def chars(text: str) -> int:
    """Size in characters (GitHub's comment limit counts characters)."""
    return len(text)


def utf8_bytes(text: str) -> int:
    """Size in UTF-8 bytes (the step summary limit counts bytes)."""
    return len(text.encode("utf-8"))


@dataclass(frozen=True)
class Entry:
    """One entity's part of the document.

    ``group`` (a heading or a table's head) is written before the first shown
    entry of a run of entries with the same group, ``group_end`` after the last.
    ``brief`` is the names-only line used when ``full`` is cut (None: the entry
    is dropped instead).
    """

    group: str
    full: str
    brief: str | None = None
    group_end: str = "\n"


@dataclass
class Doc:
    """A document: ``head`` and ``lead`` always kept, the cut notice between them."""

    head: str
    lead: str = ""
    entries: list[Entry] = field(default_factory=list)
    tail: str = ""
    brief_heading: str = "#### Listed by name only\n\n"


@dataclass(frozen=True)
class Cut:
    """What a fitted document left out."""

    briefed: int = 0   # entries shown by name only (their diff or detail cut)
    dropped: int = 0   # entries not shown at all

    def __bool__(self) -> bool:
        return bool(self.briefed or self.dropped)


Notice = Callable[[Cut], str]


@dataclass(frozen=True)
class Fitted:
    """The fitted text and what was left out."""

    text: str
    cut: Cut = Cut()

    @property
    def truncated(self) -> bool:
        return bool(self.cut)


def render(doc: Doc, full: int, briefs: int | None = None, notice: str = "") -> str:
    """The document with entries ``[0, full)`` whole and the next ``briefs`` entries
    that have a brief form listed by name (None: all of them)."""
    parts = [doc.head, notice, doc.lead]
    group: str | None = None
    end = ""
    for entry in doc.entries[:full]:
        if entry.group != group:
            parts.append(end)
            parts.append(entry.group)
            group, end = entry.group, entry.group_end
        parts.append(entry.full)
    parts.append(end)
    rest = [e.brief for e in doc.entries[full:] if e.brief is not None]
    shown = rest if briefs is None else rest[:briefs]
    if shown:
        parts.append(doc.brief_heading)
        parts.extend(shown)
        dropped = len(doc.entries) - full - len(shown)
        if dropped:
            parts.append(f"- _… and {dropped} more, not shown here_\n")
        parts.append("\n")
    parts.append(doc.tail)
    return "".join(parts)


def fit(doc: Doc, *, budget: int, size: Size = chars, notice: Notice = lambda cut: "") -> Fitted:
    """``doc`` within ``budget`` (measured with ``size``)."""
    n = len(doc.entries)
    whole = render(doc, n)
    if size(whole) <= budget:
        return Fitted(whole)
    with_briefs = sum(1 for e in doc.entries if e.brief is not None)

    def attempt(full: int, briefs: int | None) -> tuple[str, Cut]:
        rest = sum(1 for e in doc.entries[full:] if e.brief is not None)
        shown = rest if briefs is None else min(rest, briefs)
        cut = Cut(briefed=shown, dropped=n - full - shown)
        return render(doc, full, briefs, notice(cut)), cut

    def fits(full: int, briefs: int | None) -> bool:
        return size(attempt(full, briefs)[0]) <= budget

    if fits(0, None):
        best = _largest(0, n, lambda k: fits(k, None))
        return Fitted(*attempt(best, None))
    best = _largest(0, with_briefs, lambda m: fits(0, m))
    return Fitted(*attempt(0, best))


def _largest(low: int, high: int, ok: Callable[[int], bool]) -> int:
    """The largest ``k`` in ``[low, high]`` with ``ok(k)`` (``ok`` monotone, ``ok(low)``
    assumed true)."""
    while low < high:
        mid = (low + high + 1) // 2
        if ok(mid):
            low = mid
        else:
            high = mid - 1
    return low
