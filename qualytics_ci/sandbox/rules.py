"""Quality check rule types, their required properties and field expectations."""

from __future__ import annotations

from typing import Any

from qualytics_ci.sandbox.problems import ApiError

# rule -> properties that must be present (non-null)
REQUIRED_PROPERTIES: dict[str, tuple[str, ...]] = {
    "notNull": (), "unique": (), "anyNotNull": (), "notNegative": (), "positive": (),
    "notFuture": (), "isCreditCard": (), "isAddress": (), "containsCreditCard": (),
    "containsEmail": (), "containsUrl": (), "containsSocialSecurityNumber": (),
    "between": ("min", "max"), "betweenTimes": ("min_time", "max_time"),
    "greaterThan": ("value",), "lessThan": ("value",), "equalTo": ("value",),
    "minValue": ("value",), "maxValue": ("value",), "minLength": ("value",),
    "maxLength": ("value",), "sum": ("value",), "fieldCount": ("value",),
    "minPartitionSize": ("value",), "maxPartitionSize": ("value",),
    "expectedValues": ("list",), "requiredValues": ("list",), "expectedSchema": ("list",),
    "matchesPattern": ("pattern",), "satisfiesExpression": ("expression",),
    "predictedBy": ("expression",), "userDefinedFunction": ("function",),
    "afterDateTime": ("datetime",), "beforeDateTime": ("datetime",),
    "equalToField": ("field_name",), "greaterThanField": ("field_name",),
    "lessThanField": ("field_name",), "isType": ("field_type",), "dataType": ("field_type",),
    "distinctCount": ("comparison", "value"), "distinct": (),
    "existsIn": ("field_name", "ref_container_id"),
    "notExistsIn": ("field_name", "ref_container_id"),
    "isReplicaOf": ("ref_container_id",), "isNotReplicaOf": ("ref_container_id",),
    "dataDiff": ("ref_container_id",),
    "aggregationComparison": ("comparison", "expression", "ref_expression", "ref_container_id"),
    "metric": ("comparison",), "freshness": ("value",), "volumetric": ("comparison",),
    "absoluteChangeLimit": ("value",), "relativeChangeLimit": ("value",),
    "timeDistributionSize": ("interval",), "entityResolution": ("distinction_field_names",),
}

# rules about the container as a whole: no fields, no filter
CONTAINER_RULES = frozenset({"volumetric", "freshness", "fieldCount", "expectedSchema"})
# rules where fields are optional
OPTIONAL_FIELD_RULES = frozenset({
    "satisfiesExpression", "aggregationComparison", "isReplicaOf", "isNotReplicaOf",
    "dataDiff", "predictedBy", "userDefinedFunction", "entityResolution",
    "minPartitionSize", "maxPartitionSize",
})
FIELD_TYPES = ("Integral", "Fractional", "Boolean", "String", "Date", "Timestamp", "Array",
               "Struct", "MapType", "Unknown")


def _err(loc: list[str | int], msg: str, kind: str = "value_error") -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": kind}


def validate_check(rule: str, fields: list[str], properties: dict[str, Any],
                   filter_: str | None, coverage: Any, known_fields: list[str]) -> None:
    """Raise a 422 listing every problem with a check definition."""
    errors: list[dict[str, Any]] = []
    if rule not in REQUIRED_PROPERTIES:
        raise ApiError(422, [_err(["body", "rule"], f"Input should be a known rule type, "
                                  f"got '{rule}'", "enum")])
    for key in REQUIRED_PROPERTIES[rule]:
        if properties.get(key) is None:
            errors.append(_err(["body", "properties", key],
                               f"Field required for rule {rule}", "missing"))
    if rule in CONTAINER_RULES:
        if fields:
            errors.append(_err(["body", "fields"], f"Rule {rule} does not take fields"))
        if filter_:
            errors.append(_err(["body", "filter"], f"Rule {rule} does not take a filter"))
    elif not fields and rule not in OPTIONAL_FIELD_RULES:
        errors.append(_err(["body", "fields"], f"Rule {rule} needs at least one field"))
    for i, name in enumerate(fields):
        if name not in known_fields:
            errors.append(_err(["body", "fields", i],
                               f"Field '{name}' does not exist on the container"))
    if rule == "between" and _both_numbers(properties.get("min"), properties.get("max")) \
            and properties["min"] > properties["max"]:
        errors.append(_err(["body", "properties", "min"], "min must not exceed max"))
    if rule in ("isType", "dataType") and properties.get("field_type") not in (None, *FIELD_TYPES):
        errors.append(_err(["body", "properties", "field_type"],
                           f"Input should be one of {', '.join(FIELD_TYPES)}", "enum"))
    if coverage is not None and (not isinstance(coverage, int | float)
                                 or isinstance(coverage, bool) or not 0 <= coverage <= 1):
        errors.append(_err(["body", "coverage"], "Coverage must be a number between 0 and 1"))
    if errors:
        raise ApiError(422, errors)


def _both_numbers(a: Any, b: Any) -> bool:
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in (a, b))
