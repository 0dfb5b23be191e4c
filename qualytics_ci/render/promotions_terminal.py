"""Declared promotions (``promotions.yaml``) as terminal text: previewed by ``plan`` and
``promote --input DIR --dry-run``, reported by ``promote --input DIR``."""

from __future__ import annotations

from qualytics_ci import secrets
from qualytics_ci.render.promote_terminal import MAX_ROWS, preview_table, render_promote_report
from qualytics_ci.results.promote import PromotePreview
from qualytics_ci.results.promotions import PromotionRef, PromotionsPreview, PromotionsReport

INDENT = "    "


def _title(ref: PromotionRef) -> str:
    return f"  {ref.name}: {ref.type} {ref.source} -> {ref.destination}"


def _preview_rows(preview: PromotePreview, max_rows: int) -> list[str]:
    return preview_table(preview, max_rows, INDENT)


def render_promotions_preview(previews: PromotionsPreview, *, max_rows: int = MAX_ROWS) -> str:
    """Each declared promotion's expected outcome, then what is certain and what is
    estimated (once per promote type)."""
    lines = [f"Promotions ({len(previews.items)} declared in promotions.yaml; a preview, "
             "nothing is promoted until they run):"]
    estimates: dict[str, None] = {}  # each sentence once, in order
    for item in previews.items:
        lines += ["", _title(item.promotion)]
        if item.error is not None:
            lines.append(f"{INDENT}! cannot be previewed: {item.error.text()}")
            continue
        assert item.preview is not None
        lines += _preview_rows(item.preview, max_rows)
        lines.append(INDENT + item.preview.headline())
        estimates.update(dict.fromkeys(item.preview.estimates))
    lines += ["", previews.headline()]
    if estimates:
        lines.append("Certain: which entities are selected, and the request; estimated:")
        lines += [f"  - {text}" for text in estimates]
        lines.append("  - the source is read as it is now: what an import of this folder "
                     "changes on it is not in the preview")
    return secrets.redact("\n".join(lines)) + "\n"


def render_promotions_report(report: PromotionsReport) -> str:
    """Each promotion's per-entity report (failures first), in the order they ran."""
    lines = [f"Promotions ({len(report.items)} declared in promotions.yaml):"]
    for item in report.items:
        lines += ["", f"== {item.promotion.label()}"]
        if item.error is not None:
            lines.append(f"! {item.error.text()}")
            continue
        assert item.report is not None
        lines.append(render_promote_report(item.report).rstrip("\n"))
    lines += ["", report.headline()]
    return secrets.redact("\n".join(lines)) + "\n"
