"""`qualytics-ci demo`: every command, end to end, on an embedded sandbox.

Starts the emulator on a free port with the demo seed, then walks through
export -> edit -> plan -> import -> drift -> promote, printing each step and
the command a user would type for it. Needs nothing but the sandbox extra.
"""

from __future__ import annotations

import argparse
import os
import shlex
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import QualyticsCIError

SOURCE = "warehouse-dev"
TARGET = "warehouse-staging"


def _step(title: str) -> None:
    print(f"\n\033[1m== {title}\033[0m" if os.isatty(1) else f"\n== {title}", flush=True)


def _cli(argv: Sequence[str]) -> int:
    from . import cli

    print("$ qualytics-ci " + " ".join(shlex.quote(a) for a in argv), flush=True)
    code = cli.main(["--quiet", *argv])
    print(f"(exit {code})", flush=True)
    return code


def _edit_one_check(folder: Path) -> str:
    """Raise the first `between`/`maxValue`-style numeric property found."""
    import yaml

    for path in sorted(folder.glob("datastores/*/checks/*/*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        props = doc.get("properties") or {}
        for key in ("max", "value"):
            if isinstance(props.get(key), int | float) and not isinstance(props[key], bool):
                before = props[key]
                props[key] = before * 2 if before else 10
                path.write_text(
                    yaml.safe_dump(doc, default_flow_style=False, sort_keys=False,
                                   allow_unicode=True),
                    encoding="utf-8",
                )
                return f"{path.relative_to(folder)}: properties.{key} {before} -> {props[key]}"
    raise QualyticsCIError("the demo found no numeric check property to edit")


def _retarget(folder: Path, source: str, target: str) -> None:
    """Point an exported datastore folder at another datastore of the same shape."""
    import yaml

    src = folder / "datastores" / source
    dst = folder / "datastores" / target
    src.rename(dst)
    meta = dst / "_datastore.yaml"
    doc: dict[str, Any] = yaml.safe_load(meta.read_text(encoding="utf-8"))
    doc["name"] = target
    meta.write_text(yaml.safe_dump(doc, default_flow_style=False, sort_keys=False),
                    encoding="utf-8")


def _change_on_target(url: str, token: str) -> str:
    """Edit one check's description directly through the API (as a UI user would)."""
    from .client import Client

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
        from .sandbox.server import start_sandbox
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
        steps: list[tuple[str, Callable[[], int], set[int]]] = [
            (f"Export {SOURCE} to a folder",
             lambda: _cli(["export", "--output", str(folder), "--datastore", SOURCE]), {0}),
            ("Validate the folder offline",
             lambda: _cli(["validate", "--input", str(folder)]), {0}),
        ]
        for title, action, ok in steps:
            _step(title)
            if action() not in ok:
                return 1

        _step(f"Point the folder at {TARGET} and edit one check (what a pull request does)")
        _retarget(folder, SOURCE, TARGET)
        print(_edit_one_check(folder))
        for title, argv, ok in (
            (f"Plan against {TARGET} (the pull-request comment)",
             ["plan", "--input", str(folder), "--detailed-exitcode"], {2}),
            (f"Import into {TARGET} (merge to main)",
             ["import", "--input", str(folder)], {0}),
            ("Plan again: nothing left to do",
             ["plan", "--input", str(folder), "--detailed-exitcode"], {0}),
        ):
            _step(title)
            if _cli(argv) not in ok:
                return 1

        _step("Someone edits a check in the UI")
        print(_change_on_target(url, token))
        _step("Drift detection (the nightly job)")
        if _cli(["drift", "--input", str(folder)]) != 2:
            return 1

        for title, extra in (("Preview a promote of checks dev -> prod", ["--dry-run"]),
                             ("Promote checks dev -> prod", [])):
            _step(title)
            code = _cli(["promote", "--type", "checks", "--from", "warehouse-dev/orders",
                         "--to", "warehouse-prod/orders", *extra])
            if code not in (0, 3):
                return 1
        _step("Done: every command ran against the sandbox; nothing left your machine.")
    return 0
