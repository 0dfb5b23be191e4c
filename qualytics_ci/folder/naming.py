"""File and directory names for entity names: readable, safe, never the identity.

An entity's name is whatever the API accepts (``price/unit``, ``..``, a tab, 300
characters); its file says it, and reading takes it from there. The file name is the
name's slug (the platform CLI's layout) when that is a usable file name and no other
name of the same folder claims it; otherwise the slug, cut short, plus 8 hex digits of
the name's SHA-256 (``price_unit_3f0c9a1e``, ``_9b1d4c2a`` for a name with no letter or
digit), which is unique and can be recognised from the name alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable

from qualytics_ci.folder.model import slug

MAX_STEM = 100  # characters (slugs are ASCII): far below the 255 bytes of a file name
HASH_LEN = 8
# names Windows refuses as file names, whatever the extension
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                       *(f"lpt{i}" for i in range(1, 10))})


def digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_LEN]


def plain_stem(name: str) -> str | None:
    """``slug(name)`` when it can be a file name by itself (not empty, not too long, not
    reserved), else None."""
    text = slug(name)
    if not text or len(text) > MAX_STEM or text in _RESERVED:
        return None
    return text


def hashed_stem(name: str) -> str:
    """The slug cut to fit, then ``_`` and 8 hex digits of the name's SHA-256."""
    return f"{slug(name)[:MAX_STEM - HASH_LEN - 1]}_{digest(name)}"


def short_stem(text: str) -> str:
    """``text`` (already a slug, e.g. a check's ``rule__fields``) made to fit."""
    if not text:
        return "check"
    if len(text) <= MAX_STEM:
        return text
    return f"{text[:MAX_STEM - HASH_LEN - 1]}_{digest(text)}"


def assign(names: Iterable[str], *, hashed: Collection[str] = ()) -> dict[str, str]:
    """A distinct stem for each name of one folder. A plain stem goes to the name that is
    exactly it, else to the first name (in sorted order) that slugs to it; the others, and
    the names in ``hashed``, get :func:`hashed_stem`."""
    unique = sorted(set(names))
    out: dict[str, str] = {}
    taken: set[str] = set()
    claims = sorted(unique, key=lambda n: (plain_stem(n) != n, n))
    for name in claims:
        plain = None if name in hashed else plain_stem(name)
        if plain is not None and plain not in taken:
            out[name] = plain
            taken.add(plain)
    for name in unique:
        if name not in out:
            stem, n = hashed_stem(name), 2
            while stem in taken:  # a hash that collides: practically never
                stem, n = f"{hashed_stem(name)}_{n}", n + 1
            out[name] = stem
            taken.add(stem)
    return out


def names_dir(directory: str, name: str) -> bool:
    """Whether ``directory`` can be the folder written for ``name``: its slug, its hashed
    stem, the name itself, or what earlier versions wrote (``_`` for an empty slug, a
    ``_2``, ``_3``... suffix after the slug)."""
    text = slug(name)
    if directory in (name, text, hashed_stem(name)):
        return True
    return re.fullmatch(re.escape(text or "_") + r"(_[2-9]|_[1-9][0-9]+)?", directory) is not None
