"""Plans, import reports and drift as terminal text, in terraform's vocabulary.

``+ create``, ``~ update`` (with one ``~ path: before -> after`` line per
changed field), ``- archive``; unchanged entities are counted, not listed.
Secret values never reach here: plans carry ``${VAR}`` placeholders.
"""

from __future__ import annotations

import json
import re
from typing import Any

from qualytics_ci import secrets
from qualytics_ci.results.config import Change, DriftReport, ImportReport, Plan

SYMBOLS = {"create": "+", "update": "~", "archive": "-", "unchanged": " "}
MAX_VALUE = 120


def value(v: Any) -> str:
    """A value as one short line (JSON spelling: strings quoted, null, true)."""
    text = json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 3] + "..."


def describe(change: Change) -> str:
    """``check warehouse-dev/orders/orders__between__total`` and the like (control
    characters in a name shown escaped, so a name cannot rewrite the terminal)."""
    if change.kind in ("connection", "datastore"):
        where = change.name
    else:
        parts = [p for p in (change.datastore, change.container, change.name) if p]
        where = "/".join(parts)
    return f"{change.kind.replace('_', ' ')} {printable(where)}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with every control character written as its escape (``\\t``, ``\\x1b``)."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def change_lines(change: Change, *, show_created: bool = False) -> list[str]:
    lines = [f"  {SYMBOLS[change.action]} {change.action} {describe(change)}"]
    if change.action == "update" or (show_created and change.action == "create"):
        for f in change.fields:
            if change.action == "create":
                lines.append(f"      + {f.path}: {value(f.after)}")
            else:
                lines.append(f"      ~ {f.path}: {value(f.before)} -> {value(f.after)}")
    return lines


def render_plan(plan: Plan, *, warnings: tuple[str, ...] = ()) -> str:
    """The whole plan: changed entities in order, then the headline."""
    lines: list[str] = []
    for change in plan.changes:
        if change.action != "unchanged":
            lines.extend(change_lines(change))
    if not plan.has_changes:
        lines.append("No changes. The target matches the folder.")
    lines.extend(f"warning: {w}" for w in warnings)
    lines.append("")
    lines.append(plan.headline())
    return secrets.redact("\n".join(lines)) + "\n"


def render_report(report: ImportReport) -> str:
    """What an import did: failures and skips with their reasons, then the counts."""
    lines: list[str] = []
    for outcome in report.outcomes:
        change = outcome.change
        if change.action == "unchanged" and outcome.result == "ok":
            continue
        mark = {"ok": "ok", "failed": "FAILED", "skipped": "skipped"}[outcome.result]
        line = f"  {SYMBOLS[change.action]} {change.action} {describe(change)}: {mark}"
        if outcome.message:
            line += f" ({outcome.message})"
        lines.append(line)
    lines.append("")
    lines.append(report.headline())
    return secrets.redact("\n".join(lines)) + "\n"


def render_drift(drift: DriftReport) -> str:
    """Where the target differs from the folder."""
    lines: list[str] = []
    labels = {"only_on_target": "only on the target", "only_in_folder": "missing on the target",
              "changed": "changed on the target"}
    for item in drift.items:
        if item.state == "in_sync":
            continue
        lines.append(f"  {labels[item.state]}: {describe(item.change)}")
        for f in item.change.fields:
            lines.append(f"      ~ {f.path}: folder {value(f.before)}, target {value(f.after)}")
    lines.append("")
    lines.append(drift.headline())
    return secrets.redact("\n".join(lines)) + "\n"
