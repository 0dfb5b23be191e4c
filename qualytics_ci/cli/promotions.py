"""Promotions as code: the promotions ``promotions.yaml`` declares, previewed by ``plan``
and run by ``promote --input DIR`` (docs/promote.md, "Promotions as code").

This is where the folder's declarations meet the promote operations: the folder
says what to promote (:mod:`qualytics_ci.folder.promotions`), promote does it
(:mod:`qualytics_ci.promote.batch`); neither knows the other. The promote modules are
imported only when promotions are declared, so that a plan of a folder without any
does not load them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from qualytics_ci import secrets
from qualytics_ci.api.client import Client
from qualytics_ci.api.settings import load_env_file, resolve_target
from qualytics_ci.cli.files import check_output_file, write_output
from qualytics_ci.engine.commands import load_folder
from qualytics_ci.errors import EXIT_OK
from qualytics_ci.progress import Progress
from qualytics_ci.results.config import Plan

if TYPE_CHECKING:
    from qualytics_ci.folder.promotions import Promotion
    from qualytics_ci.promote.api import PromoteAPI
    from qualytics_ci.promote.batch import Named
    from qualytics_ci.results.promotions import PromotionsPreview


def named(declared: Sequence[Promotion], timeout: float = 1800.0) -> list[Named]:
    """Each declared promotion as the promote options it stands for."""
    from qualytics_ci.promote.batch import Named
    from qualytics_ci.promote.request import PromoteOptions

    return [Named(p.ref(), PromoteOptions(
        kind=p.type, source=p.source, destination=p.destination, ids=p.ids, tags=p.tags,
        additional_tags=p.additional_tags, active=p.active, mappings=p.mappings,
        timeout=timeout)) for p in declared]


def preview_declared(api: PromoteAPI, declared: Sequence[Promotion], *,
                     ask_permission: bool = False) -> PromotionsPreview | None:
    """Every declared promotion previewed against the target (GETs only); None, with no
    request and none of the promote modules loaded, when none are declared. The token's
    permission is asked only with ``ask_permission`` (``promote --input --dry-run``, whose
    token is the one that would run them; a plan's is not)."""
    if not declared:
        return None
    from qualytics_ci.promote.batch import preview_all

    return preview_all(api, named(declared), ask_permission=ask_permission)


def warn_unpreviewable(previews: PromotionsPreview | None) -> None:
    """One warning on stderr, at its line, per promotion that could not be previewed."""
    for item in previews.items if previews is not None else ():
        if item.error is not None:
            ref = item.promotion
            where = f"{ref.file}:{ref.line}: " if ref.line else f"{ref.file}: "
            print(secrets.redact(f"warning: {where}promotion {ref.name!r} cannot be previewed: "
                                 f"{item.error.text()}"), file=sys.stderr)


def plan_json(plan: Plan, previews: PromotionsPreview | None) -> dict[str, Any]:
    """The plan's JSON with each declared promotion's preview (docs/reports.md)."""
    return {**plan.to_json(), "promotions": previews.to_json() if previews is not None else []}


def _write(path: str | None, data: dict[str, Any]) -> None:
    if path:
        write_output(path, data, "--report")


def run_declared(args: argparse.Namespace) -> int:
    """``promote --input DIR``: every promotion DIR/promotions.yaml declares, in order,
    each waited for (``--dry-run``: previewed); exit 3 when some entities failed. (The
    parser refused ``--type`` and the other options each promotion states.)"""
    from qualytics_ci.folder.promotions import promotions_digest, read_promotions
    from qualytics_ci.promote.batch import batch_exit_code, preview_all, run_all
    from qualytics_ci.render.promotions_terminal import (
        render_promotions_preview,
        render_promotions_report,
    )

    check_output_file(args.report, "--report")
    load_env_file(args.env_file)
    _config, warnings = load_folder(args.input)  # the whole folder must be valid
    for issue in warnings:
        if issue.file and issue.file.startswith("promotions."):
            print(secrets.redact(str(issue)), file=sys.stderr)
    declared, _ = read_promotions(args.input)
    digest = promotions_digest(declared)
    out = sys.stdout
    if not declared:
        out.write(f"No promotions declared in {args.input} (no promotions.yaml, or an empty "
                  "list): nothing to promote.\n")
        _write(args.report, {"promotions_digest": "", "promotions": []} if args.dry_run else {
            "promotions_digest": "", "summary": {"promotions": 0}, "promotions": []})
        return EXIT_OK
    target = resolve_target(args.url, args.token)
    progress = Progress(quiet=args.quiet)
    with Client(target.url, target.token, timeout=args.request_timeout,
                notify=progress.note) as client:
        if args.dry_run:
            previews = preview_all(client, named(declared), ask_permission=True)
            out.write(render_promotions_preview(previews))
            _write(args.report, {"promotions_digest": digest,
                                 "promotions": previews.to_json()})
            return EXIT_OK

        def started(p: Named, op_id: int) -> None:
            if not args.quiet:
                print(f"promotion {p.ref.name!r}: operation {op_id} started; waiting (up to "
                      f"{p.options.timeout:g} s)", file=sys.stderr)

        report = run_all(client, named(declared, float(args.timeout)), progress=progress,
                         on_started=started)
    out.write(render_promotions_report(report))
    _write(args.report, {"promotions_digest": digest, **report.to_json()})
    return batch_exit_code(report)
