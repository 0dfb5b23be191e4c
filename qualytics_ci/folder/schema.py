"""The keys each kind of file may carry, their types, and the issues found.

Unknown keys are warnings (the platform may add keys we don't know yet: they
round-trip untouched); a key of the wrong type is an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.results.kinds import Kind

Level = Literal["error", "warning"]
# what kind of problem an issue is, for callers that treat some differently
IssueCode = Literal["invalid", "unset_variable"]


@dataclass(frozen=True)
class Issue:
    """One problem in the folder, with where it is."""

    level: Level
    message: str
    file: str | None = None
    line: int | None = None
    code: IssueCode = "invalid"

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{self.level}: {where}{self.message}"


def raise_if_errors(issues: Iterable[Issue]) -> None:
    """One :class:`QualyticsCIError` listing every error (located at the first)."""
    errors = [i for i in issues if i.level == "error"]
    if not errors:
        return
    first = errors[0]
    text = first.message
    if len(errors) > 1:
        text = f"{len(errors)} errors in the folder:\n" + "\n".join(
            "  " + str(i).removeprefix("error: ") for i in errors)
    codes = {i.code for i in errors}
    # One error per problem, for callers that annotate each (the GitHub Action).
    raise QualyticsCIError(text, file=first.file, line=first.line,
                           code=first.code if len(codes) == 1 else None,
                           errors=tuple(QualyticsCIError(i.message, file=i.file, line=i.line,
                                                         code=i.code) for i in errors))


STR = "string"
INT = "integer"
NUM = "number"
BOOL = "boolean"
LIST = "list"
MAP = "mapping"
ANY = "any"
# keys whose list holds names (text)
NAME_LISTS = ("tags", "teams", "fields", "source_fields")

# key -> (type, required); None values are allowed for every optional key.
KEYS: dict[Kind, dict[str, tuple[str, bool]]] = {
    "connection": {
        "name": (STR, True), "type": (STR, True), "host": (STR, False), "port": (ANY, False),
        "username": (STR, False), "password": (STR, False), "passphrase": (STR, False),
        "secret_key": (STR, False), "access_key": (STR, False),
        "credentials_payload": (ANY, False), "parameters": (MAP, False),
        "jdbc_fetch_size": (INT, False), "max_parallelization": (INT, False),
        "secrets_manager": (ANY, False), "uri": (STR, False), "catalog": (STR, False),
        "catalog_type": (STR, False), "description": (STR, False),
    },
    "datastore": {
        "name": (STR, True), "connection_name": (STR, False), "connection_id": (INT, False),
        "database": (STR, False), "schema": (STR, False), "tags": (LIST, False),
        "teams": (LIST, False), "enrichment_only": (BOOL, False),
        "enrichment_prefix": (STR, False), "enrichment_source_record_limit": (INT, False),
        "enrichment_remediation_strategy": (STR, False),
        "high_count_rollup_threshold": (NUM, False), "enrich_datastore_name": (STR, False),
        "trigger_sync": (BOOL, False), "description": (STR, False), "type": (STR, False),
        "store_type": (STR, False), "root_path": (STR, False),
    },
    "container": {
        "container_type": (STR, True), "name": (STR, True), "datastore_name": (STR, False),
        "query": (STR, False), "source_container_name": (STR, False),
        "select_clause": (STR, False), "where_clause": (STR, False),
        "group_by_clause": (STR, False), "left_container_name": (STR, False),
        "right_container_name": (STR, False), "left_datastore_name": (STR, False),
        "right_datastore_name": (STR, False), "left_join_field_name": (STR, False),
        "right_join_field_name": (STR, False), "join_type": (STR, False),
        "left_prefix": (STR, False), "right_prefix": (STR, False), "sources": (LIST, False),
        "description": (STR, False), "tags": (LIST, False), "additional_metadata": (MAP, False),
        "exclude_fields": (LIST, False), "group_by_fields": (LIST, False),
        "volumetric_tracking_enabled": (BOOL, False), "freshness_tracking_enabled": (BOOL, False),
        "incremental_field_name": (STR, False), "incremental_identifier_type": (STR, False),
    },
    "computed_field": {
        "name": (STR, True), "transformation": (STR, True), "source_fields": (LIST, False),
        "properties": (MAP, False), "additional_metadata": (MAP, False),
        "description": (STR, False), "tags": (LIST, False),
    },
    "check": {
        "rule_type": (STR, True), "description": (STR, False), "container": (STR, True),
        "fields": (LIST, False), "coverage": (NUM, False), "filter": (STR, False),
        "anomaly_message_field": (STR, False), "properties": (MAP, False),
        "tags": (LIST, False), "status": (STR, False), "additional_metadata": (MAP, False),
    },
}


def _type_ok(value: Any, expected: str) -> bool:
    if expected == ANY:
        return True
    if type(value) is bool:  # a bool is an int to isinstance, and only a bool here
        return expected == BOOL
    return isinstance(value, _PYTHON_TYPES[expected])


_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    BOOL: bool, INT: int, NUM: (int, float), STR: str, LIST: list, MAP: dict}


# per kind: each key's Python types and whether a bool is one of them, the required keys
_COMPILED: dict[Kind, tuple[dict[str, tuple[type | tuple[type, ...], bool]], tuple[str, ...]]] = {
    kind: ({key: (_PYTHON_TYPES.get(expected, object), expected in (BOOL, ANY))
            for key, (expected, _) in table.items()},
           tuple(key for key, (_, required) in table.items() if required))
    for kind, table in KEYS.items()}


def _clean(kind: Kind, body: Mapping[str, Any]) -> bool:
    """Whether :func:`check_keys` finds nothing, in one pass over the body: what almost
    every file of a folder is, so that only a file with a problem takes the long way."""
    types, required = _COMPILED[kind]
    for key in required:
        if body.get(key) in (None, ""):
            return False
    for key, value in body.items():
        spec = types.get(key)
        if spec is None:
            if not key.startswith("_"):
                return False
        elif value is not None and not (spec[1] if type(value) is bool
                                        else isinstance(value, spec[0])):
            return False
    for key in NAME_LISTS:
        value = body.get(key)
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            return False
    return True


def check_keys(kind: Kind, body: Mapping[str, Any], file: str,
               lines: Mapping[str, int]) -> list[Issue]:
    """Required keys present, known keys of the right type, unknown keys named."""
    return [] if _clean(kind, body) else key_issues(kind, body, file, lines)


def key_issues(kind: Kind, body: Mapping[str, Any], file: str,
               lines: Mapping[str, int]) -> list[Issue]:
    """:func:`check_keys` the long way: each problem, in the table's order."""
    issues: list[Issue] = []
    table = KEYS[kind]
    for key, (expected, required) in table.items():
        if required and (key not in body or body[key] in (None, "")):
            issues.append(Issue("error", f"missing required key {key!r}", file))
        elif key in body and body[key] is not None and not _type_ok(body[key], expected):
            got = type(body[key]).__name__
            issues.append(Issue("error", f"{key!r} must be a {expected}, not {got}",
                                file, lines.get(key)))
    for key in body:
        if key not in table and not key.startswith("_"):
            issues.append(Issue("warning", f"unknown key {key!r} (kept as is)",
                                file, lines.get(key)))
    for key in NAME_LISTS:
        value = body.get(key)
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            issues.append(Issue("error", f"{key!r} must be a list of names", file,
                                lines.get(key)))
    return issues
