"""Plans, import reports and drift as terminal text, in terraform's vocabulary.

``+ create``, ``~ update`` (with one ``~ path: before -> after`` line per
changed field), ``- archive``, ``- duplicate`` (a copy of a check, archived by
import); unchanged entities are counted, not listed.
Secret values never reach here: a field from a ``${VAR}`` reads ``(sensitive)``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from qualytics_ci import secrets
from qualytics_ci.render import diffs
from qualytics_ci.render.actions import archive_warning, style
from qualytics_ci.results.config import Change, DriftReport, ImportReport, Plan

MAX_VALUE = 120
RESOLVE = ("To resolve: import the folder to put the target back, or adopt the target's "
           "change into the folder (edit the file, or export).")


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
    text = f"{change.kind.replace('_', ' ')} {printable(where)}"
    if change.action == "duplicate":
        text += f" (id {change.target_id}, a copy of id {change.duplicate_of}, which is kept)"
    return text


def _rule(change: Change) -> str:
    rule = diffs.rule_of(change)
    return f" ({rule})" if rule else ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with every control character written as its escape (``\\t``, ``\\x1b``)."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def change_lines(change: Change, *, show_created: bool = False) -> list[str]:
    """The entity's line, then (for updates, and archives) one line per field; a
    multi-line text is diffed line by line."""
    s = style(change.action)
    lines = [f"  {s.sign} {s.verb} {describe(change)}"
             + (_rule(change) if change.action != "update" else "")]
    if change.action == "update" or (show_created and change.action == "create"):
        lines += [f"      {ln}" for ln in diffs.change_lines(change, arrow="->")]
    if s.archives and change.file:
        what = "file removed" if change.action == "archive" else "file"
        lines.append(f"      {what}: {change.file}")
    return lines


def render_plan(plan: Plan, *, warnings: tuple[str, ...] = (), dry_run: bool = False) -> str:
    """The whole plan: changed entities in order, warnings (archives first), then the
    headline; ``dry_run`` (``import --dry-run``) says that nothing was changed."""
    lines: list[str] = []
    for change in plan.changes:
        if style(change.action).listed:
            lines.extend(change_lines(change))
    if not plan.has_changes:
        lines.append("No changes. The target matches the folder.")
    archived = archive_warning(plan.changes)
    if archived:
        lines.append(f"warning: {archived}")
    lines.extend(f"warning: {w}" for w in warnings)
    lines.append("")
    lines.append(plan.headline())
    if dry_run:
        lines.append("Dry run: nothing was changed.")
    return secrets.redact("\n".join(lines)) + "\n"


def render_report(report: ImportReport) -> str:
    """What an import did: failures and skips with their reasons, then the counts."""
    lines: list[str] = []
    for outcome in report.outcomes:
        change = outcome.change
        if change.action == "unchanged" and outcome.result == "ok":
            continue
        mark = {"ok": "ok", "failed": "FAILED", "skipped": "skipped"}.get(outcome.result,
                                                                           outcome.result)
        s = style(change.action)
        line = f"  {s.sign} {s.verb} {describe(change)}: {mark}"
        message = (outcome.message or "").splitlines()
        if message:
            line += f" ({message[0]}" + (")" if len(message) == 1 else "")
        lines.append(line)
        if len(message) > 1:  # a multi-line message keeps its lines
            lines += [f"      {m}" for m in message[1:-1]] + [f"      {message[-1]})"]
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
        lines.append(f"  {labels[item.state]}: {describe(item.change)}"
                     + (_rule(item.change) if item.state != "changed" else ""))
        if item.state != "changed":
            continue
        for f in item.change.fields:
            if diffs.is_block(f.before) or diffs.is_block(f.after):
                lines.append(f"      ~ {f.path}: (- folder, + target)")
                lines += [f"      {ln}" for ln in diffs.unified(diffs.text_lines(f.before),
                                                                 diffs.text_lines(f.after))]
            else:
                lines.append(f"      ~ {f.path}: folder {value(f.before)}, "
                             f"target {value(f.after)}")
    lines.append("")
    lines.append(drift.headline())
    if drift.drifted:
        lines.append(RESOLVE)
    return secrets.redact("\n".join(lines)) + "\n"
