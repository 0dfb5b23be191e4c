"""Promote reports and previews as terminal text (stdout)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from qualytics_ci.results.promote import PromotePreview, PromoteReport

MAX_ROWS = 200
RESULT_MARK = {"failed": "!", "created": "+", "updated": "~", "skipped": "="}
ACTION_MARK = {"fail": "!", "create": "+", "update": "~", "skip": "=", "excluded": "x"}


def _short(value: object, width: int = 40) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def change_text(path: str, before: object, after: object, width: int = 40) -> str:
    """``path: before -> after``, long strings cut to the part where they differ."""
    if isinstance(before, str) and isinstance(after, str):
        common = 0
        while common < min(len(before), len(after)) and before[common] == after[common]:
            common += 1
        if common > 12:
            start = common - 8
            return (f"{path}: …{_short(before[start:], width)[1:]} -> "
                    f"…{_short(after[start:], width)[1:]}")
    return f"{path}: {_short(before, width)} -> {_short(after, width)}"


def table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Rows as left-aligned columns (the last column is not padded)."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [indent + "  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)),
                                r[-1]]).rstrip() for r in rows]


def render_promote_report(report: PromoteReport, *, max_rows: int = MAX_ROWS) -> str:
    """The per-entity report, failures first, then a headline."""
    lines = [f"Promote operation #{report.operation_id} ({report.type}): "
             f"{report.source} -> {report.destination}"]
    entities = report.failures_first()
    rows = [("RESULT", "SOURCE", "SOURCE ID", "DEST ID", "MESSAGE")]
    for e in entities[:max_rows]:
        rows.append((f"{RESULT_MARK.get(e.result, '?')} {e.result}", e.source_name,
                     str(e.source_entity_id),
                     "-" if e.destination_entity_id is None else str(e.destination_entity_id),
                     e.message or ""))
    if len(rows) > 1:
        lines.append("")
        lines.extend(table(rows))
    if len(entities) > max_rows:
        lines.append(f"  ... and {len(entities) - max_rows} more (all of them in --report FILE)")
    lines.append("")
    lines.append(report.headline())
    if report.result == "aborted":
        lines.append("The operation was aborted: entities processed before the abort keep "
                     "their result; the rest were not promoted.")
    return "\n".join(lines) + "\n"


def preview_table(preview: PromotePreview, max_rows: int = MAX_ROWS,
                  indent: str = "  ") -> list[str]:
    """Every selected entity's expected outcome, failures first, at most ``max_rows``."""
    entities = preview.failures_first()
    rows = [("ACTION", "SOURCE", "SOURCE ID", "DEST ID", "DETAIL")]
    for e in entities[:max_rows]:
        detail = e.reason or ""
        if e.fields:
            detail = "; ".join(change_text(f.path, f.before, f.after) for f in e.fields)
        rows.append((f"{ACTION_MARK[e.action]} {e.action}", e.source_name,
                     str(e.source_entity_id),
                     "-" if e.destination_entity_id is None else str(e.destination_entity_id),
                     detail))
    lines = table(rows, indent) if len(rows) > 1 else [indent + "(nothing selected on the source)"]
    if len(entities) > max_rows:
        lines.append(f"{indent}... and {len(entities) - max_rows} more")
    return lines


def render_promote_preview(preview: PromotePreview, *, max_rows: int = MAX_ROWS) -> str:
    """The dry run: request, expected per-entity outcome, what is certain and what
    is estimated."""
    lines = [f"Promote preview ({preview.type}): {preview.source} -> {preview.destination}",
             "Request that would be sent: POST /api/operations/run "
             + json.dumps(preview.request, sort_keys=True), ""]
    lines += preview_table(preview, max_rows)
    lines += ["", preview.headline(), "", "Certain:"]
    lines += [f"  - {text}" for text in preview.certain]
    lines.append("Estimated:")
    lines += [f"  - {text}" for text in preview.estimates]
    lines.append("Nothing was changed (dry run).")
    return "\n".join(lines) + "\n"
