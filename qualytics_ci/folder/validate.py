"""Offline validation: rule shapes, computed-container shapes, references, variables.

References the folder alone can decide are checked here; those that may be
satisfied by the target (a connection created out of band, a catalog table)
are warnings here and errors at plan time when the target lacks them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from qualytics_ci.folder import variables
from qualytics_ci.folder.model import Check, Config, Container
from qualytics_ci.folder.promotions_refs import promotion_issues
from qualytics_ci.folder.reader import read_folder
from qualytics_ci.folder.rules import CHECK_STATUSES, IS_TYPE_VALUES, RULES
from qualytics_ci.folder.schema import Issue
from qualytics_ci.progress import SILENT, Progress

CONTAINER_REQUIRES = {
    "computed_table": ("query",),
    "computed_file": ("source_container_name", "select_clause"),
    "computed_join": ("left_container_name", "right_container_name", "left_join_field_name",
                      "right_join_field_name", "select_clause"),
}


def check_issues(check: Check) -> list[Issue]:
    """Problems with one check's rule type, fields, properties, coverage and filter."""
    file, body = check.file, check.body
    rule = RULES.get(check.rule_type)
    if rule is None:
        return [Issue("error", f"unknown rule type {check.rule_type!r}", file,
                      check.line("rule_type"))]
    out: list[Issue] = []
    fields = check.fields
    if rule.fields == "required" and not fields:
        out.append(Issue("error", f"rule {check.rule_type} needs at least one field", file,
                         check.line("fields")))
    if rule.fields == "none" and fields:
        out.append(Issue("error", f"rule {check.rule_type} takes no fields", file,
                         check.line("fields")))
    props = body.get("properties") or {}
    for name in rule.properties:
        if props.get(name) is None:
            out.append(Issue("error", f"rule {check.rule_type} needs property {name!r}", file,
                             check.line("properties")))
    for group in rule.one_of:
        if not any(props.get(name) is not None for name in group):
            out.append(Issue("error", f"rule {check.rule_type} needs property {group[0]!r}",
                             file))
    if check.rule_type == "isType" and props.get("field_type") not in (None, *IS_TYPE_VALUES):
        out.append(Issue("error", f"isType field_type must be one of {', '.join(IS_TYPE_VALUES)}",
                         file))
    coverage = body.get("coverage")
    if coverage is not None and not rule.coverage and coverage != 1:
        out.append(Issue("error", f"rule {check.rule_type} does not take a coverage", file,
                         check.line("coverage")))
    if isinstance(coverage, int | float) and not 0 < coverage <= 1:
        out.append(Issue("error", "coverage must be greater than 0 and at most 1", file))
    if body.get("filter") and not rule.filter:
        out.append(Issue("error", f"rule {check.rule_type} does not take a filter", file,
                         check.line("filter")))
    status = body.get("status")
    if status is not None and status not in CHECK_STATUSES:
        out.append(Issue("error", f"status must be Active or Draft, not {status!r}", file))
    return out


def container_issues(container: Container) -> list[Issue]:
    """A computed container has the keys its type needs."""
    ctype = container.container_type
    if ctype not in CONTAINER_REQUIRES:
        return [Issue("error", f"container_type must be one of {', '.join(CONTAINER_REQUIRES)}, "
                               f"not {ctype!r}", container.file)]
    needs = CONTAINER_REQUIRES[ctype]
    if ctype == "computed_join" and container.body.get("sources"):
        needs = ("query",)
    return [Issue("error", f"{ctype} needs {key!r}", container.file)
            for key in needs if not container.body.get(key)]


def reference_issues(config: Config) -> list[Issue]:
    """References the folder decides; the others are warnings to be settled at plan time."""
    out: list[Issue] = []
    connections = {c.name for c in config.connections}
    for ds in config.datastores:
        name = ds.connection_name
        if name is not None and name not in connections:
            out.append(Issue("warning", f"connection {name!r} is not in the folder; "
                                        "it must already exist on the target", ds.file))
        if name is None and "connection_id" not in ds.body:
            out.append(Issue("error", "datastore needs 'connection_name'", ds.file))
    datastores = set(config.datastore_names())
    for check in config.checks:
        ref_ds = (check.body.get("properties") or {}).get("ref_datastore_name")
        if isinstance(ref_ds, str) and ref_ds not in datastores:
            out.append(Issue("warning", f"datastore {ref_ds!r} is not in the folder; "
                                        "it must exist on the target", check.file))
    return out


def validate_config(config: Config, env: Mapping[str, str]) -> list[Issue]:
    """Every semantic problem of a parsed folder (schema problems come from reading)."""
    issues: list[Issue] = []
    for container in config.containers:
        issues.extend(container_issues(container))
    for check in config.checks:
        issues.extend(check_issues(check))
    issues.extend(reference_issues(config))
    issues.extend(variables.missing(config, env))
    return issues


def validate_folder(root: str | Path, env: Mapping[str, str], environment: str | None = None,
                    *, progress: Progress = SILENT) -> tuple[Config, list[Issue]]:
    """Read and validate a folder: the config and every issue (errors and warnings)."""
    config, issues = read_folder(root, environment, progress=progress)
    return config, [*issues, *validate_config(config, env), *promotion_issues(root, config)]


def describe(issues: list[Issue]) -> str:
    """Issues as lines, errors first."""
    ordered = sorted(issues, key=lambda i: (i.level != "error", i.file or "", i.line or 0))
    return "\n".join(str(i) for i in ordered)
