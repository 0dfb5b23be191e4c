"""Offline validation: rule shapes, computed-container shapes, references, variables.

References the folder alone can decide are checked here; those that may be
satisfied by the target (a connection created out of band, a catalog table)
are warnings here and errors at plan time when the target lacks them too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qualytics_ci.errors import QualyticsCIError, did_you_mean
from qualytics_ci.folder import variables
from qualytics_ci.folder.files import Files, has_root_file
from qualytics_ci.folder.layout import (
    HINT,
    NOT_A_CONFIG_FOLDER,
    PROMOTIONS_FILE,
    require_config_folder,
)
from qualytics_ci.folder.model import Check, Config, Container
from qualytics_ci.folder.naming import hashed_stem, names_dir, plain_stem
from qualytics_ci.folder.reader import read_folder
from qualytics_ci.folder.rules import CHECK_STATUSES, RULES, Prop
from qualytics_ci.folder.schema import Issue
from qualytics_ci.folder.settings import environment_issues, read_settings
from qualytics_ci.progress import SILENT, Progress

CONTAINER_REQUIRES = {
    "computed_table": ("query",),
    "computed_file": ("source_container_name", "select_clause"),
    "computed_join": ("left_container_name", "right_container_name", "left_join_field_name",
                      "right_join_field_name", "select_clause"),
}
# what a computed join needs instead when it lists its `sources`
JOIN_WITH_SOURCES_REQUIRES = ("query",)


def check_issues(check: Check) -> list[Issue]:
    """Problems with one check's rule type, fields, properties, coverage and filter."""
    file, body = check.file, check.body
    rule = RULES.get(check.rule_type)
    if rule is None:
        near = did_you_mean(str(check.rule_type), RULES)
        return [Issue("error", f"unknown rule type {check.rule_type!r}"
                      + (f" ({near})" if near else ""), file, check.line("rule_type"))]
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
    if isinstance(props, dict):
        for name, prop in rule.types.items():
            wrong = type_problem(prop, props.get(name))
            if wrong:
                out.append(Issue("error", f"property {name!r} of rule {check.rule_type} {wrong}",
                                 file, check.line(f"properties.{name}")))
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
    out.extend(folder_issues(check))
    return out


def folder_issues(check: Check) -> list[Issue]:
    """A check file under ``checks/<dir>/`` whose ``container`` is not the one ``<dir>``
    was written for: one of the two is a mistake, and only the file is read."""
    parts = [p for p in (check.file or "").split("/") if p]
    if len(parts) < 3 or parts[-3] != "checks" or names_dir(parts[-2], check.container):
        return []
    directory, container = parts[-2], check.container
    expected = plain_stem(container) or hashed_stem(container)
    return [Issue("error", f"the folder checks/{directory}/ says container {directory!r}, the "
                           f"file says {container!r}: correct `container`, or move the file "
                           f"to checks/{expected}/", check.file, check.line("container"))]


def type_problem(prop: Prop, value: Any) -> str | None:
    """What is wrong with ``value`` as a property of type ``prop`` (None: nothing; an
    absent or null property is the business of the required ones)."""
    if value is None:
        return None
    if prop.type == "enum":
        if isinstance(value, str) and value in prop.values:
            return None
        return f"must be one of {', '.join(prop.values)}, not {_shown(value)}"
    if prop.type == "list":
        if not isinstance(value, list):
            return f"must be a list, not {_shown(value)}"
        for i, item in enumerate(value, start=1):
            if not _is(item, "string" if prop.items == "string" else "scalar"):
                what = "text" if prop.items == "string" else "text, numbers or booleans"
                return f"must be a list of {what}; item {i} is {_shown(item)}"
        return None
    if _is(value, prop.type):
        return None
    wanted = {"number": "a number", "integer": "a whole number", "string": "text",
              "boolean": "true or false"}[prop.type]
    return f"must be {wanted}, not {_shown(value)}"


def _is(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "scalar":
        return isinstance(value, str | bool) or _is(value, "number")
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if not isinstance(value, float) or not math.isfinite(value):
        return False
    return kind == "number" or value.is_integer()


def _shown(value: Any) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {text!r}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def container_issues(container: Container) -> list[Issue]:
    """A computed container has the keys its type needs."""
    ctype = container.container_type
    if ctype not in CONTAINER_REQUIRES:
        return [Issue("error", f"container_type must be one of {', '.join(CONTAINER_REQUIRES)}, "
                               f"not {ctype!r}", container.file)]
    needs = CONTAINER_REQUIRES[ctype]
    if ctype == "computed_join" and container.body.get("sources"):
        needs = JOIN_WITH_SOURCES_REQUIRES
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
    issues.extend(variables.syntax_issues(config))
    issues.extend(variables.missing(config, env))
    return issues


def validate_folder(root: str | Path, env: Mapping[str, str], environment: str | None = None,
                    *, progress: Progress = SILENT,
                    files: Files | None = None) -> tuple[Config, list[Issue]]:
    """Read and validate a folder: the config and every issue (errors and warnings), those
    of its settings file first, those of its ``promotions.yaml`` last. ``environment``
    None: the settings file's, if any. ``files``: the folder's files as they were read
    already (:func:`~qualytics_ci.folder.files.snapshot`).

    A folder without the layout's root, or one holding no entity at all, raises."""
    require_config_folder(root)
    settings, setting_issues = read_settings(root, files)
    if environment and environment != settings.environment:
        setting_issues.extend(environment_issues(settings, environment))
    if any(i.level == "error" for i in setting_issues):
        return Config(), setting_issues
    config, issues = read_folder(root, environment or settings.environment, progress=progress,
                                 files=files)
    issues = [*setting_issues, *issues]
    if not any(True for _ in config.entities()) and not any(i.level == "error"
                                                             for i in issues):
        raise QualyticsCIError(f"{Path(root).as_posix()} holds no connection, datastore, "
                               "container or check file", hint=HINT,
                               code=NOT_A_CONFIG_FOLDER)
    issues.extend(validate_config(config, env))
    if has_root_file(root, PROMOTIONS_FILE, files):  # its modules load only for such a folder
        from qualytics_ci.folder.promotions_refs import promotion_issues

        issues.extend(promotion_issues(root, config, files))
    return config, issues


def describe(issues: list[Issue]) -> str:
    """Issues as lines, errors first."""
    ordered = sorted(issues, key=lambda i: (i.level != "error", i.file or "", i.line or 0))
    return "\n".join(str(i) for i in ordered)
