"""The JSON Schema of ``promotions.yaml``, generated from the table validate reads
(:data:`qualytics_ci.folder.promotions.PROMOTION_FIELDS`) and the Promote API's type rules.

What a schema cannot see (references to the folder, whether a datastore is JDBC or DFS,
duplicate names) stays validate's.
"""

from __future__ import annotations

from typing import Any

from qualytics_ci.folder.promotions import PROMOTION_FIELDS, REQUIRED, FieldSpec

Schema = dict[str, Any]


def _field(spec: FieldSpec) -> Schema:
    out: Schema = {"type": spec.type}
    if spec.type == "string" and spec.required:
        out["minLength"] = 1
    if spec.enum:
        out["enum"] = list(spec.enum)
    if spec.type == "array" and spec.items:
        out["items"] = {"type": spec.items}
    if spec.type == "object" and spec.items:
        out["additionalProperties"] = {"type": spec.items}
    if spec.doc:
        out["description"] = spec.doc
    return out


def _only_for(key: str, kinds: tuple[str, ...]) -> Schema:
    """``key`` may appear only on promotions of ``kinds``."""
    return {"if": {"required": ["type"], "properties": {"type": {"not": {"enum": list(kinds)}}}},
            "then": {"not": {"required": [key]}}}


def promotion_schema() -> Schema:
    """The schema of the whole file: a list of promotions."""
    rules: list[Schema] = [_only_for(key, spec.kinds)
                           for key, spec in PROMOTION_FIELDS.items() if spec.kinds]
    rules.append({"not": {"required": ["tags", "ids"]}})
    rules.append({"if": {"required": ["type"], "properties": {"type": {"const": "files"}}},
                  "then": {"required": ["mappings"]}})
    item: Schema = {"type": "object", "required": list(REQUIRED),
                    "properties": {k: _field(s) for k, s in PROMOTION_FIELDS.items()},
                    "additionalProperties": False, "allOf": rules}
    return {"type": "array", "items": item}
