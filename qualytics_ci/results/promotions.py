"""Declared promotions (``promotions.yaml``) previewed or run, one result per promotion.

A :class:`PromotionsPreview` is what ``plan`` (and ``promote --input DIR --dry-run``)
expects each declared promotion to do; a :class:`PromotionsReport` is what
``promote --input DIR`` did. Either holds, per promotion, the ordinary promote
preview or report, or the error that stopped it. Their JSON forms are in
``docs/promote.md`` ("Promotions as code").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qualytics_ci.results import from_json
from qualytics_ci.results.promote import (
    PreviewAction,
    PromoteEntityResult,
    PromotePreview,
    PromoteReport,
)

PREVIEW_COUNTS: tuple[PreviewAction, ...] = ("create", "update", "skip", "fail", "excluded")
REPORT_COUNTS: tuple[PromoteEntityResult, ...] = ("created", "updated", "skipped", "failed")


@dataclass(frozen=True)
class PromotionRef:
    """A declared promotion as results name it: name, type, from, to, where declared."""

    name: str
    type: str
    source: str
    destination: str
    file: str | None = None
    line: int | None = None

    def label(self) -> str:
        return f"{self.name} ({self.type}: {self.source} -> {self.destination})"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "from": self.source,
                "to": self.destination, "file": self.file, "line": self.line}


@dataclass(frozen=True)
class PromotionError:
    """Why a promotion was not previewed or not run (what it says to do, in ``hint``)."""

    message: str
    hint: str | None = None

    def text(self) -> str:
        return self.message + (f" (hint: {self.hint})" if self.hint else "")

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message, "hint": self.hint}


@dataclass(frozen=True)
class PromotionPreview:
    """One declared promotion's preview, or why it could not be made."""

    promotion: PromotionRef
    preview: PromotePreview | None = None
    error: PromotionError | None = None

    def to_json(self) -> dict[str, Any]:
        return {**self.promotion.to_json(),
                "preview": self.preview.to_json() if self.preview else None,
                "error": self.error.to_json() if self.error else None}


@dataclass(frozen=True)
class PromotionsPreview:
    """Every declared promotion's preview, in declaration order."""

    items: tuple[PromotionPreview, ...] = ()

    def count(self, action: PreviewAction) -> int:
        return sum(p.preview.count(action) for p in self.items if p.preview is not None)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.items if p.error is not None)

    def headline(self) -> str:
        c = {a: self.count(a) for a in PREVIEW_COUNTS}
        text = (f"Promotions preview ({len(self.items)} declared): {c['create']} to create, "
                f"{c['update']} to update, {c['skip']} to skip, {c['fail']} expected to fail")
        return text + (f", {self.errors} cannot be previewed." if self.errors else ".")

    def to_json(self) -> list[dict[str, Any]]:
        return [p.to_json() for p in self.items]


@dataclass(frozen=True)
class PromotionResult:
    """One declared promotion's report, or why it did not run (or did not finish)."""

    promotion: PromotionRef
    report: PromoteReport | None = None
    error: PromotionError | None = None

    def to_json(self) -> dict[str, Any]:
        return {**self.promotion.to_json(),
                "report": self.report.to_json() if self.report else None,
                "error": self.error.to_json() if self.error else None}


@dataclass(frozen=True)
class PromotionsReport:
    """What running every declared promotion did, in the order they ran."""

    items: tuple[PromotionResult, ...] = ()

    def count(self, result: PromoteEntityResult) -> int:
        return sum(r.report.count(result) for r in self.items if r.report is not None)

    @property
    def errors(self) -> int:
        return sum(1 for r in self.items if r.error is not None)

    @property
    def operation_ids(self) -> list[int]:
        return [r.report.operation_id for r in self.items
                if r.report is not None and r.report.operation_id]

    @property
    def summary(self) -> dict[str, int]:
        return {"promotions": len(self.items), **{r: self.count(r) for r in REPORT_COUNTS},
                "errors": self.errors}

    def headline(self) -> str:
        c = self.summary
        text = (f"Promotions ({c['promotions']} declared): {c['created']} created, "
                f"{c['updated']} updated, {c['skipped']} skipped, {c['failed']} failed")
        return text + (f"; {c['errors']} did not run or finish." if c["errors"] else ".")

    def to_json(self) -> dict[str, Any]:
        return {"summary": self.summary, "promotions": [r.to_json() for r in self.items]}


def _ref(data: Mapping[str, Any]) -> PromotionRef:
    line = data.get("line")
    return PromotionRef(str(data.get("name") or ""), str(data.get("type") or ""),
                        str(data.get("from") or ""), str(data.get("to") or ""),
                        data.get("file"), int(line) if isinstance(line, int) else None)


def _error(data: Any) -> PromotionError | None:
    if not isinstance(data, Mapping):
        return None
    return PromotionError(str(data.get("message") or ""), data.get("hint"))


def promotions_preview_from_json(rows: Any) -> PromotionsPreview:
    """The inverse of :meth:`PromotionsPreview.to_json` (a list; anything else is empty)."""
    items = []
    for row in rows if isinstance(rows, list) else ():
        preview = row.get("preview")
        items.append(PromotionPreview(
            _ref(row), from_json.promote_preview_from_json(preview)
            if isinstance(preview, Mapping) else None, _error(row.get("error"))))
    return PromotionsPreview(tuple(items))


def promotions_report_from_json(data: Mapping[str, Any]) -> PromotionsReport:
    """The inverse of :meth:`PromotionsReport.to_json`."""
    items = []
    for row in data.get("promotions") or ():
        report = row.get("report")
        items.append(PromotionResult(
            _ref(row), from_json.promote_report_from_json(report)
            if isinstance(report, Mapping) else None, _error(row.get("error"))))
    return PromotionsReport(tuple(items))
