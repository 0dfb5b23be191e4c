"""`qualytics-ci demo`: every command, end to end, on an embedded sandbox.

Starts the emulator on a free port with the demo seed, then walks through
export -> edit -> plan -> import -> drift -> promote (one-off, then promotions
declared in the folder), printing each step and
the command a user would type for it. Needs nothing but the sandbox extra.
"""

from __future__ import annotations

import argparse
import os
import shlex
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.variables import REFERENCE

TARGET = "warehouse-staging"


def _step(title: str) -> None:
    print(f"\n\033[1m== {title}\033[0m" if os.isatty(1) else f"\n== {title}", flush=True)


def _cli(argv: Sequence[str]) -> int:
    from qualytics_ci import cli

    print("$ qualytics-ci " + " ".join(shlex.quote(a) for a in argv), flush=True)
    code = cli.main(["--quiet", *argv])
    print(f"(exit {code})", flush=True)
    return code


def _edit_one_check(folder: Path) -> str:
    """Double the first numeric property found, else reword the first description."""
    import yaml

    files = sorted(folder.glob("datastores/*/checks/*/*.yaml"))
    if not files:
        raise QualyticsCIError("the demo found no check to edit")
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        props = doc.get("properties") or {}
        key = next((k for k in ("max", "value", "min") if _is_number(props.get(k))), None)
        if key is not None:
            before = props[key]
            props[key] = before * 2 if before else 10
            _write(path, doc)
            return f"{path.relative_to(folder)}: properties.{key} {before} -> {props[key]}"
    path = files[0]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    before, doc["description"] = doc.get("description"), "Reviewed in a pull request"
    _write(path, doc)
    return f"{path.relative_to(folder)}: description {before!r} -> {doc['description']!r}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _write(path: Path, doc: dict[str, Any]) -> None:
    import yaml

    text = yaml.safe_dump(doc, default_flow_style=False, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")


def _set_secrets(folder: Path) -> None:
    """Give every `${VAR}` of the exported connections a value, as CI secrets would."""
    for path in sorted(folder.glob("connections/*.yaml")):
        for name in sorted(set(REFERENCE.findall(path.read_text(encoding="utf-8")))):
            os.environ.setdefault(name, "sandbox-accepts-any-secret")
            print(f"export {name}=...    # placeholder in {path.relative_to(folder)}")


def _change_on_target(url: str, token: str) -> str:
    """Edit one check's description directly through the API (as a UI user would)."""
    from qualytics_ci.api.client import Client

    client = Client(url, token)
    datastore = next(d for d in client.list_datastores() if d["name"] == TARGET)
    check = next(iter(client.list_quality_checks(datastore["id"])))
    body: dict[str, Any] = {
        "description": "Edited in the UI",
        "fields": [f["name"] for f in check.get("fields", [])],
        "coverage": check.get("coverage"),
        "filter": check.get("filter"),
        "properties": check.get("properties"),
        "tags": [t["name"] for t in check.get("global_tags", [])],
        "additional_metadata": check.get("additional_metadata"),
        "status": check.get("status", "Active"),
    }
    client.update_quality_check(check["id"], body)
    return f"check {check['id']} ({check.get('rule_type')}) description -> 'Edited in the UI'"


def run(args: argparse.Namespace) -> int:
    """Run the demo; returns 0 when every step behaved as expected."""
    try:
        from qualytics_ci.sandbox.server import start_sandbox
    except ImportError as exc:
        raise QualyticsCIError(
            "the demo needs the sandbox extra",
            hint="pip install 'qualytics-ci[sandbox]'",
        ) from exc

    with start_sandbox(seed="demo") as sandbox, tempfile.TemporaryDirectory() as tmp:
        url, token = sandbox.url, sandbox.tokens["admin"]
        os.environ["QUALYTICS_URL"], os.environ["QUALYTICS_TOKEN"] = url, token
        folder = Path(tmp) / "qualytics-config"
        _step(f"Sandbox running at {url} (demo seed)")
        _step(f"Export {TARGET} to a folder (commit it to Git)")
        if _cli(["export", "--output", str(folder), "--datastore", TARGET]) != 0:
            return 1
        _step("Secrets stay ${VAR} placeholders; CI provides them")
        _set_secrets(folder)
        _step("Validate the folder offline")
        if _cli(["validate", "--input", str(folder)]) != 0:
            return 1
        _step("Edit one check (what a pull request does)")
        print(_edit_one_check(folder))
        for title, argv, expected in (
            (f"Plan against {TARGET} (the pull-request comment)",
             ["plan", "--input", str(folder), "--detailed-exitcode"], 2),
            (f"Import into {TARGET} (merge to main)",
             ["import", "--input", str(folder)], 0),
            ("Plan again: nothing left to do",
             ["plan", "--input", str(folder), "--detailed-exitcode"], 0),
        ):
            _step(title)
            if _cli(argv) != expected:
                return 1

        _step("Someone edits a check in the UI")
        print(_change_on_target(url, token))
        _step("Drift detection (the nightly job)")
        if _cli(["drift", "--input", str(folder)]) != 2:
            return 1

        _step("Preview a one-off promote of checks dev -> prod")
        if _cli(["promote", "--type", "checks", "--from", "warehouse-dev/orders",
                 "--to", "warehouse-prod/orders", "--dry-run"]) != 0:
            return 1
        if not _promotions_as_code(folder):
            return 1
        _step("Done: every command ran against the sandbox; nothing left your machine.")
    return 0


PROMOTIONS = """\
# Promotions as code: previewed by plan on the pull request, run on merge.
- name: orders-checks
  type: checks
  from: warehouse-dev/orders
  to: warehouse-prod/orders
- name: customer-fields
  type: fields
  from: warehouse-dev/customers
  to: warehouse-prod/customers
"""


def _promotions_as_code(folder: Path) -> bool:
    """Declare promotions in the folder, preview them with plan, run them, run them again."""
    _step("Declare promotions in the folder (a pull request adds promotions.yaml)")
    (folder / "promotions.yaml").write_text(PROMOTIONS, encoding="utf-8")
    print(PROMOTIONS, end="")
    for title, argv, codes in (
        ("Plan previews every declared promotion (the pull-request comment)",
         ["plan", "--input", str(folder)], (0,)),
        ("Merge: run every declared promotion, one after another",
         ["promote", "--input", str(folder)], (0, 3)),
        ("The next merge runs them again: identical copies are skipped",
         ["promote", "--input", str(folder)], (0,)),
    ):
        _step(title)
        if _cli(argv) not in codes:
            return False
    return True
