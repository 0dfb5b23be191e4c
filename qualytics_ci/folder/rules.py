"""What each quality-check rule type accepts: fields, properties, coverage, filter.

Gathered from the platform's CLI rule contract and its API models; the names are
the API's camelCase rule names. Unknown rule types are rejected by ``validate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldsNeed = Literal["required", "none", "optional"]


@dataclass(frozen=True)
class Rule:
    """Shape constraints of one rule type."""

    fields: FieldsNeed = "required"
    properties: tuple[str, ...] = ()
    coverage: bool = True
    filter: bool = True
    one_of: tuple[tuple[str, ...], ...] = ()


_CONTAINER_LEVEL = Rule(fields="none", coverage=False, filter=False)
_VALUE = Rule(properties=("value",))

RULES: dict[str, Rule] = {
    "notNull": Rule(),
    "anyNotNull": Rule(),
    "unique": Rule(),
    "distinct": Rule(),
    "expectedValues": Rule(properties=("list",)),
    "requiredValues": Rule(properties=("list",)),
    "existsIn": Rule(properties=("field_name",),
                     one_of=(("ref_container_name", "ref_container_id"),)),
    "notExistsIn": Rule(properties=("field_name",),
                        one_of=(("ref_container_name", "ref_container_id"),)),
    "isReplicaOf": Rule(fields="optional",
                        one_of=(("ref_container_name", "ref_container_id"),)),
    "isNotReplicaOf": Rule(fields="optional",
                           one_of=(("ref_container_name", "ref_container_id"),)),
    "dataDiff": Rule(fields="optional",
                     one_of=(("ref_container_name", "ref_container_id"),)),
    "aggregationComparison": Rule(fields="optional", coverage=False,
                                  one_of=(("ref_container_name", "ref_container_id"),)),
    "between": Rule(properties=("min", "max")),
    "betweenTimes": Rule(properties=("min_time", "max_time")),
    "greaterThan": _VALUE,
    "lessThan": _VALUE,
    "equalTo": _VALUE,
    "minValue": _VALUE,
    "maxValue": _VALUE,
    "minLength": _VALUE,
    "maxLength": _VALUE,
    "sum": _VALUE,
    "afterDateTime": Rule(properties=("datetime",)),
    "beforeDateTime": Rule(properties=("datetime",)),
    "equalToField": Rule(properties=("field_name",)),
    "greaterThanField": Rule(properties=("field_name",)),
    "lessThanField": Rule(properties=("field_name",)),
    "matchesPattern": Rule(properties=("pattern",)),
    "satisfiesExpression": Rule(fields="optional", properties=("expression",)),
    "satisfiesEquation": Rule(fields="optional"),
    "distinctCount": Rule(properties=("value",), coverage=False),
    "metric": Rule(properties=("comparison",), coverage=False),
    "isType": Rule(properties=("field_type",)),
    "dataType": Rule(),
    "isCreditCard": Rule(),
    "isAddress": Rule(),
    "containsCreditCard": Rule(),
    "containsEmail": Rule(),
    "containsSocialSecurityNumber": Rule(),
    "containsUrl": Rule(),
    "notFuture": Rule(),
    "notNegative": Rule(),
    "positive": Rule(),
    "predictedBy": Rule(),
    "timeDistributionSize": Rule(),
    "userDefinedFunction": Rule(fields="optional"),
    "entityResolution": Rule(),
    "absoluteChangeLimit": Rule(),
    "relativeChangeLimit": Rule(),
    "volumetric": Rule(fields="none", properties=("comparison",), coverage=False, filter=False),
    "freshness": _CONTAINER_LEVEL,
    "fieldCount": Rule(fields="none", properties=("value",), coverage=False, filter=False),
    "expectedSchema": Rule(fields="none", properties=("list",), coverage=False, filter=False),
    "requiredFields": Rule(fields="none", properties=("list",), coverage=False, filter=False),
    "minPartitionSize": Rule(fields="none", coverage=False),
    "maxPartitionSize": Rule(fields="none", coverage=False),
}

# Rules whose properties point at another container (ids on the API, names in files).
CROSS_REFERENCE = ("existsIn", "notExistsIn", "isReplicaOf", "isNotReplicaOf", "dataDiff",
                   "aggregationComparison")

IS_TYPE_VALUES = ("Integral", "Fractional", "Boolean", "String", "Date", "Timestamp", "Array",
                  "Struct", "MapType", "Unknown")
CHECK_STATUSES = ("Active", "Draft")
