"""What each quality-check rule type accepts: fields, properties and their types,
coverage, filter.

Gathered from the platform's CLI rule contract (qualytics-cli 1.2.2: services/rules.py,
the property builders of services/dbt.py and services/migrate.py) and its API models;
the names are the API's camelCase rule names. Unknown rule types are rejected by
``validate``, which checks every property listed here against its type. This table is
data, the one place the rules are described (docs and schemas are derived from it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

FieldsNeed = Literal["required", "none", "optional"]
PropType = Literal["number", "integer", "string", "boolean", "list", "enum"]
ItemType = Literal["string", "scalar"]


@dataclass(frozen=True)
class Prop:
    """The type of one property, in JSON Schema's terms: ``number`` (an integer or a
    decimal), ``integer`` (a number without a fraction: ``20`` or ``20.0``), ``string``,
    ``boolean``, ``list`` of ``items`` (``string``; ``scalar``: text, numbers or
    booleans), ``enum`` (one of ``values``, text)."""

    type: PropType
    items: ItemType | None = None
    values: tuple[str, ...] = ()


NUMBER = Prop("number")
INTEGER = Prop("integer")
STRING = Prop("string")
BOOLEAN = Prop("boolean")
STRINGS = Prop("list", items="string")
SCALARS = Prop("list", items="scalar")


def enum(*values: str) -> Prop:
    return Prop("enum", values=values)


@dataclass(frozen=True)
class Rule:
    """Shape constraints of one rule type: its fields, its required ``properties``, the
    type of every property it is known to take (``types``; a property not listed there
    is kept and sent unchecked), coverage and filter."""

    fields: FieldsNeed = "required"
    properties: tuple[str, ...] = ()
    coverage: bool = True
    filter: bool = True
    one_of: tuple[tuple[str, ...], ...] = ()
    types: Mapping[str, Prop] = field(default_factory=dict)


IS_TYPE_VALUES = ("Integral", "Fractional", "Boolean", "String", "Date", "Timestamp", "Array",
                  "Struct", "MapType", "Unknown")
# The API's ComparisonType, by name and as the platform displays it (distinctCount,
# aggregationComparison); volumetric and metric take their own three.
COMPARISONS = ("lt", "lte", "eq", "gte", "gt", "less than", "less than or equal to", "equal to",
               "greater than or equal to", "greater than")
CHANGE_COMPARISONS = ("Absolute Value", "Absolute Change", "Percentage Change")

_REF = {"ref_container_name": STRING, "ref_datastore_name": STRING,
        "ref_container_id": INTEGER, "ref_datastore_id": INTEGER, "ref_filter": STRING}
_REF_NEEDED = (("ref_container_name", "ref_container_id"),)
_BOUNDS = {"min": NUMBER, "max": NUMBER, "inclusive_min": BOOLEAN, "inclusive_max": BOOLEAN}
_COMPARED = {"value": NUMBER, "inclusive": BOOLEAN}
_FIELD_TYPE = {"field_type": enum(*IS_TYPE_VALUES)}
_CONTAINER_LEVEL = Rule(fields="none", coverage=False, filter=False,
                        types={"value": NUMBER})
_VALUE = Rule(properties=("value",), types={"value": NUMBER})
_LENGTH = Rule(properties=("value",), types={"value": INTEGER})
_REF_FIELD = Rule(properties=("field_name",), one_of=_REF_NEEDED,
                  types={"field_name": STRING, **_REF})
_REPLICA = Rule(fields="optional", one_of=_REF_NEEDED, types=_REF)
_OTHER_FIELD = Rule(properties=("field_name",), types={"field_name": STRING, "inclusive": BOOLEAN})
_CHANGE = {"comparison": enum(*CHANGE_COMPARISONS), "min": NUMBER, "max": NUMBER}

RULES: dict[str, Rule] = {
    "notNull": Rule(),
    "anyNotNull": Rule(),
    "unique": Rule(),
    "distinct": Rule(),
    "expectedValues": Rule(properties=("list",), types={"list": SCALARS}),
    "requiredValues": Rule(properties=("list",), types={"list": SCALARS}),
    "existsIn": _REF_FIELD,
    "notExistsIn": _REF_FIELD,
    "isReplicaOf": _REPLICA,
    "isNotReplicaOf": _REPLICA,
    "dataDiff": _REPLICA,
    "aggregationComparison": Rule(fields="optional", coverage=False, one_of=_REF_NEEDED,
                                  types={"comparison": enum(*COMPARISONS),
                                         "expression": STRING, "ref_expression": STRING,
                                         **_REF}),
    "between": Rule(properties=("min", "max"), types=_BOUNDS),
    "betweenTimes": Rule(properties=("min_time", "max_time"),
                         types={"min_time": STRING, "max_time": STRING,
                                "inclusive_min": BOOLEAN, "inclusive_max": BOOLEAN}),
    "greaterThan": Rule(properties=("value",), types=_COMPARED),
    "lessThan": Rule(properties=("value",), types=_COMPARED),
    "equalTo": Rule(properties=("value",), types=_COMPARED),
    "minValue": _VALUE,
    "maxValue": _VALUE,
    "minLength": _LENGTH,
    "maxLength": _LENGTH,
    "sum": _VALUE,
    "afterDateTime": Rule(properties=("datetime",), types={"datetime": STRING}),
    "beforeDateTime": Rule(properties=("datetime",), types={"datetime": STRING}),
    "equalToField": _OTHER_FIELD,
    "greaterThanField": _OTHER_FIELD,
    "lessThanField": _OTHER_FIELD,
    "matchesPattern": Rule(properties=("pattern",), types={"pattern": STRING}),
    "satisfiesExpression": Rule(fields="optional", properties=("expression",),
                                types={"expression": STRING}),
    "satisfiesEquation": Rule(fields="optional"),
    "distinctCount": Rule(properties=("value",), coverage=False,
                          types={"comparison": enum(*COMPARISONS), "value": INTEGER}),
    "metric": Rule(properties=("comparison",), coverage=False, types=_CHANGE),
    "isType": Rule(properties=("field_type",), types=_FIELD_TYPE),
    "dataType": Rule(types=_FIELD_TYPE),
    "isCreditCard": Rule(),
    "isAddress": Rule(),
    "containsCreditCard": Rule(),
    "containsEmail": Rule(),
    "containsSocialSecurityNumber": Rule(),
    "containsUrl": Rule(),
    "notFuture": Rule(),
    "notNegative": Rule(),
    "positive": Rule(),
    "predictedBy": Rule(types={"expression": STRING}),
    "timeDistributionSize": Rule(),
    "userDefinedFunction": Rule(fields="optional", types={"function": STRING}),
    "entityResolution": Rule(types={"distinction_field_names": STRINGS}),
    "absoluteChangeLimit": _VALUE,
    "relativeChangeLimit": _VALUE,
    "volumetric": Rule(fields="none", properties=("comparison",), coverage=False, filter=False,
                       types={**_CHANGE, "window_size": INTEGER}),
    "freshness": _CONTAINER_LEVEL,
    "fieldCount": Rule(fields="none", properties=("value",), coverage=False, filter=False,
                       types={"value": INTEGER}),
    "expectedSchema": Rule(fields="none", properties=("list",), coverage=False, filter=False,
                           types={"list": STRINGS, "allow_other_fields": BOOLEAN}),
    "requiredFields": Rule(fields="none", properties=("list",), coverage=False, filter=False,
                           types={"list": STRINGS}),
    "minPartitionSize": Rule(fields="none", coverage=False, types={"value": NUMBER}),
    "maxPartitionSize": Rule(fields="none", coverage=False, types={"value": NUMBER}),
}

# Rules whose properties point at another container (ids on the API, names in files).
CHECK_STATUSES = ("Active", "Draft")
