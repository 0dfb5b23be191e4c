"""``promotions.yaml``: the promotions a folder declares, read and checked offline.

The file sits at the folder's root and holds a list of named promotions, each one
``qualytics-ci promote`` written down (docs/promote.md, "Promotions as code")::

    - name: orders-checks
      type: checks
      from: warehouse-dev/orders
      to: warehouse-prod/orders
      tags: [pii]
      additional_tags: [promoted]

Every problem is an :class:`~qualytics_ci.folder.schema.Issue` at its file and line.
The Promote API's own rules (what each type moves between, which selection it takes)
are the ones the command line is held to (:mod:`qualytics_ci.results.promote_kinds`);
references to the folder's datastores and containers are checked in
:mod:`qualytics_ci.folder.promotions_refs`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import libyaml, yamlio
from qualytics_ci.folder.files import Files, root_file
from qualytics_ci.folder.layout import PROMOTIONS_FILE
from qualytics_ci.folder.schema import Issue
from qualytics_ci.results.digest import code
from qualytics_ci.results.promote_kinds import RULES, YAML, request_problems
from qualytics_ci.results.promotions import PromotionRef

SELECTABLE = ("checks", "fields", "tables")


@dataclass(frozen=True)
class FieldSpec:
    """One key of a promotion: its JSON type, whether it is required, the promote types it
    applies to (empty: all) and what it means. The table is the source of the schema."""

    type: str  # JSON Schema type: string | boolean | array | object
    required: bool = False
    items: str | None = None  # arrays: the items' type; objects: the values' type
    kinds: tuple[str, ...] = ()
    enum: tuple[str, ...] = ()
    doc: str = ""


PROMOTION_FIELDS: dict[str, FieldSpec] = {
    "name": FieldSpec("string", True, doc="unique name; the plan, the report and the "
                                          "pull-request comment show it"),
    "type": FieldSpec("string", True, enum=tuple(RULES),
                      doc="what to promote: checks, fields (computed fields), tables "
                          "(computed tables) or files (computed files)"),
    "from": FieldSpec("string", True, doc="the source: DATASTORE/CONTAINER for checks and "
                                          "fields, DATASTORE for tables and files, by name"),
    "to": FieldSpec("string", True, doc="the destination, spelled like from"),
    "description": FieldSpec("string", doc="free text for reviewers; not sent"),
    "tags": FieldSpec("array", items="string", kinds=SELECTABLE,
                      doc="promote only source entities carrying one of these tags "
                          "(not with ids)"),
    "ids": FieldSpec("array", items="integer", kinds=SELECTABLE,
                     doc="promote only these source entity ids (not with tags)"),
    "additional_tags": FieldSpec("array", items="string",
                                 doc="tags added to the copies at the destination"),
    "active": FieldSpec("boolean", kinds=("checks",),
                        doc="create new checks as Active (the platform validates each on the "
                            "destination first) instead of Draft"),
    "mappings": FieldSpec("object", items="string", kinds=("files",),
                          doc="required for files: SOURCE_COMPUTED_FILE: "
                              "DESTINATION_FILE_PATTERN, one entry per file"),
}
REQUIRED = tuple(k for k, spec in PROMOTION_FIELDS.items() if spec.required)


@dataclass(frozen=True)
class Promotion:
    """One declared promotion (names as written; resolved only when it runs)."""

    name: str
    type: str
    source: str
    destination: str
    tags: tuple[str, ...] = ()
    ids: tuple[int, ...] = ()
    additional_tags: tuple[str, ...] = ()
    active: bool = False
    mappings: tuple[tuple[str, str], ...] = ()
    description: str = ""
    file: str = PROMOTIONS_FILE
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line(self, key: str = "") -> int | None:
        """The line of ``key`` (``""``: where the promotion starts)."""
        return self.lines.get(key, self.lines.get(""))

    def ref(self) -> PromotionRef:
        """How results name this promotion."""
        return PromotionRef(self.name, self.type, self.source, self.destination, self.file,
                            self.line())

    def canonical(self) -> dict[str, Any]:
        """What running it does, as data: the digest hashes this (not the description)."""
        return {"name": self.name, "type": self.type, "from": self.source,
                "to": self.destination, "tags": list(self.tags), "ids": list(self.ids),
                "additional_tags": list(self.additional_tags), "active": self.active,
                "mappings": [list(m) for m in self.mappings]}


def promotions_digest(declared: Sequence[Promotion]) -> str:
    """16 hex digits of the SHA-256 of the declarations, in order; ``""`` when none."""
    if not declared:
        return ""
    return code([p.canonical() for p in declared], 16)


def read_promotions(root: str | Path, files: Files | None = None
                    ) -> tuple[tuple[Promotion, ...], list[Issue]]:
    """The promotions ``root/promotions.yaml`` declares (none without the file; ``files``:
    as read already) and every problem in it; a promotion with an error is left out."""
    try:
        text = root_file(root, PROMOTIONS_FILE, files)
        if text is None:
            return (), []
        data, _ = yamlio.load(text, PROMOTIONS_FILE)
    except QualyticsCIError as exc:
        return (), [Issue("error", exc.message, exc.file or PROMOTIONS_FILE, exc.line)]
    return parse_promotions(data, item_lines(text))


def item_lines(text: str) -> list[dict[str, int]]:
    """For each item of a top-level list: ``{"": its first line, key: line,
    "mappings.KEY": line}`` (the loader's key lines stop at lists)."""
    node = yaml.compose(text, Loader=libyaml.Loader)
    if not isinstance(node, yaml.SequenceNode):
        return []
    out = []
    for item in node.value:
        lines = {"": item.start_mark.line + 1}
        if isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                lines[str(key.value)] = key.start_mark.line + 1
                if isinstance(value, yaml.MappingNode):
                    for sub, _ in value.value:
                        lines[f"{key.value}.{sub.value}"] = sub.start_mark.line + 1
        out.append(lines)
    return out


def parse_promotions(data: Any, lines: Sequence[Mapping[str, int]],
                     file: str = PROMOTIONS_FILE) -> tuple[tuple[Promotion, ...], list[Issue]]:
    """Promotions from the parsed file (pure); ``lines[i]`` locates item ``i``."""
    if data is None:
        return (), []
    if not isinstance(data, list):
        return (), [Issue("error", "promotions.yaml must be a list of promotions "
                                   "(- name: ..., type: ..., from: ..., to: ...)", file, 1)]
    found: list[Promotion] = []
    issues: list[Issue] = []
    first: dict[str, int | None] = {}
    for i, item in enumerate(data):
        where = dict(lines[i]) if i < len(lines) else {}
        promotion, problems = parse_one(item, where, file)
        issues.extend(problems)
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name.strip():
            if name.strip() in first:
                issues.append(Issue("error", f"promotion name {name.strip()!r} is used twice "
                                             f"(first at line {first[name.strip()]})", file,
                                    where.get("name")))
                continue
            first[name.strip()] = where.get("name")
        if promotion is not None:
            found.append(promotion)
    return tuple(found), issues


def parse_one(item: Any, lines: Mapping[str, int],
              file: str = PROMOTIONS_FILE) -> tuple[Promotion | None, list[Issue]]:
    """One list item as a :class:`Promotion`, or None and why not."""
    start = lines.get("")
    if not isinstance(item, dict):
        return None, [Issue("error", "each promotion is a mapping (name, type, from, to, ...)",
                            file, start)]
    name = item.get("name")
    label = f"promotion {name!r}" if isinstance(name, str) and name.strip() else (
        "promotion" + (f" at line {start}" if start else ""))
    issues = [Issue("error", f"{label}: {text}", file, lines.get(key, start))
              for key, text in shape_problems(item)]
    if issues:
        return None, issues
    promotion = Promotion(
        name=item["name"].strip(), type=item["type"], source=item["from"],
        destination=item["to"], tags=tuple(item.get("tags") or ()),
        ids=tuple(dict.fromkeys(item.get("ids") or ())),
        additional_tags=tuple(item.get("additional_tags") or ()),
        active=bool(item.get("active")),
        mappings=tuple((str(k), str(v)) for k, v in (item.get("mappings") or {}).items()),
        description=str(item.get("description") or ""), file=file, lines=dict(lines))
    problems = request_problems(promotion.type, promotion.source, promotion.destination,
                                ids=bool(promotion.ids), tags=bool(promotion.tags),
                                mappings=bool(promotion.mappings), active=promotion.active,
                                spell=YAML)
    return (None if problems else promotion), [
        Issue("error", f"{label}: {p.message}" + (f"; {p.hint}" if p.hint else ""), file,
              promotion.line(p.field)) for p in problems]


def shape_problems(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(key, message)`` for unknown keys, missing required keys and values of the wrong
    type, checked against :data:`PROMOTION_FIELDS`."""
    out: list[tuple[str, str]] = []
    for key in item:
        if str(key) not in PROMOTION_FIELDS:
            close = difflib.get_close_matches(str(key), list(PROMOTION_FIELDS), n=1)
            out.append((str(key), f"unknown key {key!r}" + (
                f" (did you mean {close[0]!r}?)" if close else
                "; known keys: " + ", ".join(PROMOTION_FIELDS))))
    for key in REQUIRED:
        if item.get(key) in (None, ""):
            out.append(("", f"missing required key {key!r}"))
    for key, spec in PROMOTION_FIELDS.items():
        value = item.get(key)
        if value is not None and (why := _wrong_type(value, spec)):
            out.append((key, f"{key!r} {why}"))
    return out


def _wrong_type(value: Any, spec: FieldSpec) -> str | None:
    if spec.type == "string":
        return None if isinstance(value, str) and value.strip() else "must be a non-empty string"
    if spec.type == "boolean":
        return None if isinstance(value, bool) else "must be true or false"
    if spec.type == "array":
        if not isinstance(value, list):
            return f"must be a list of {spec.items}s"
        if spec.items == "integer":
            ok = all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
            return None if ok else "must be a list of positive integer ids"
        ok = all(isinstance(v, str) and v.strip() for v in value)
        return None if ok else "must be a list of non-empty names"
    if not isinstance(value, dict) or not value:
        return "must map each source computed file to a destination file pattern"
    plain = all(isinstance(v, str | int) and not isinstance(v, bool) and str(v).strip()
                for pair in value.items() for v in pair)
    return None if plain else "must map names to names"
