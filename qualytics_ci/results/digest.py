"""What binds a plan to what it was made from: its options, its target, its folder.

A plan's digest is four parts joined by ``-``, each from the SHA-256 of canonical
JSON: the options (two hex digits per option, in :data:`OPTION_NAMES` order), the
target (8: its normalised URL), the folder (8: the entities in scope as read, and the
promotions ``promotions.yaml`` declares) and the changes (16). Equal plans made the
same way have equal digests; when an import's digest differs from the reviewed one,
comparing the parts says what differs, from the digest string alone (see
docs/reports.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qualytics_ci import jsonio

OPTION_NAMES = ("prune", "include", "datastores", "environment", "allow_mass_archive")
OPTION_DIGITS = 2
TARGET_DIGITS = 8
FOLDER_DIGITS = 8
CHANGES_DIGITS = 16
DIGEST = re.compile(rf"^([0-9a-f]{{{OPTION_DIGITS * len(OPTION_NAMES)}}})-"
                    rf"([0-9a-f]{{{TARGET_DIGITS}}})-([0-9a-f]{{{FOLDER_DIGITS}}})-"
                    rf"([0-9a-f]{{{CHANGES_DIGITS}}})$")


def code(value: Any, digits: int) -> str:
    """The first ``digits`` hex digits of the SHA-256 of ``value`` as canonical JSON."""
    return hashlib.sha256(jsonio.canonical(value)).hexdigest()[:digits]


@dataclass(frozen=True)
class PlanOptions:
    """The options that change a plan, as the plan was made with them (after the settings
    file and the flags): part of its digest, so import must use the same ones."""

    prune: bool = False
    include: tuple[str, ...] | None = None  # kinds, in dependency order; None: every kind
    datastores: tuple[str, ...] = ()  # sorted; (): every datastore of the folder
    environment: str | None = None
    allow_mass_archive: bool = False

    def value(self, name: str) -> Any:
        """One option as JSON (lists for tuples)."""
        v = getattr(self, name)
        return list(v) if isinstance(v, tuple) else v

    def to_json(self) -> dict[str, Any]:
        return {name: self.value(name) for name in OPTION_NAMES}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> PlanOptions:
        d = data or {}
        include = d.get("include")
        return cls(prune=bool(d.get("prune")),
                   include=tuple(str(k) for k in include) if include is not None else None,
                   datastores=tuple(str(x) for x in d.get("datastores") or ()),
                   environment=d.get("environment") or None,
                   allow_mass_archive=bool(d.get("allow_mass_archive")))

    def shown(self, name: str) -> str:
        """``true``, ``all``, ``warehouse-prod,lake-prod``, ``none``."""
        v = getattr(self, name)
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None or v == ():
            return "all" if name in ("include", "datastores") else "none"
        if name == "include":  # as --include spells the kinds: checks, computed_fields
            return ",".join(f"{k}s" for k in v)
        return ",".join(v) if isinstance(v, tuple) else str(v)

    def line(self) -> str:
        """``prune=true include=all datastores=warehouse-prod environment=none ...``."""
        return " ".join(f"{name}={self.shown(name)}" for name in OPTION_NAMES)

    def codes(self) -> str:
        return "".join(code([name, self.value(name)], OPTION_DIGITS) for name in OPTION_NAMES)


@dataclass(frozen=True)
class DigestParts:
    """The four parts of a plan digest."""

    options: str
    target: str
    folder: str
    changes: str

    @property
    def text(self) -> str:
        return f"{self.options}-{self.target}-{self.folder}-{self.changes}"

    def to_json(self) -> dict[str, str]:
        return {"options": self.options, "target": self.target, "folder": self.folder,
                "changes": self.changes}

    @classmethod
    def parse(cls, text: str) -> DigestParts | None:
        """The parts of a digest string; None when it is not one."""
        m = DIGEST.match(text.strip().lower())
        return cls(*m.groups()) if m else None


def parts_of(options: PlanOptions, target: str, folder: str,
             changes: Any) -> DigestParts:
    """The digest parts of a plan made with ``options`` against ``target`` (normalised
    URL) from a folder whose part is ``folder`` (its own code; empty: none known), with
    ``changes`` (their canonical JSON form)."""
    return DigestParts(options.codes(), code(target, TARGET_DIGITS),
                       folder or code(None, FOLDER_DIGITS), code(changes, CHANGES_DIGITS))


def differences(expected: DigestParts, actual: DigestParts, options: PlanOptions,
                target: str) -> list[str]:
    """What differs between the reviewed plan (``expected``) and this one, in words."""
    out = []
    names = [name for i, name in enumerate(OPTION_NAMES)
             if expected.options[i * OPTION_DIGITS:(i + 1) * OPTION_DIGITS]
             != actual.options[i * OPTION_DIGITS:(i + 1) * OPTION_DIGITS]]
    if names:
        now = ", ".join(f"{n}={options.shown(n)}" for n in names)
        out.append(f"options differ: {', '.join(names)} (this run has {now})")
    if expected.target != actual.target:
        out.append(f"target differs: this run is against {target or 'another deployment'}, "
                   "the plan was made against another")
    if expected.folder != actual.folder:
        out.append("folder differs: the folder's entities in scope or its declared promotions "
                   "changed since the plan")
    if not out and expected.changes != actual.changes:
        out.append("the target changed since the plan: the same folder and options now "
                   "plan other changes")
    return out
