"""JSON Schemas (draft 2020-12) of the folder's files, for editors, derived from the tables
``validate`` uses, so the two say the same:

- the keys of each kind and their types (:data:`~qualytics_ci.folder.schema.KEYS`): a key
  of the wrong type fails; an unknown key is allowed (validate warns and keeps it: the
  platform may add keys); ``null`` is allowed for every optional key, a required one needs a
  value (text: not empty);
- a quality check: per rule type of :data:`~qualytics_ci.folder.rules.RULES`, an
  ``if rule_type is X then ...`` with its fields (required or none), its required
  properties, the type of every property it is known to take, no coverage, no filter; an
  unknown rule type fails ``rule_type``'s enum;
- a computed container: the keys its ``container_type`` needs
  (:data:`~qualytics_ci.folder.validate.CONTAINER_REQUIRES`);
- a datastore: a ``connection_name`` (or a ``connection_id``);
- a connection: every text value but ``name`` in the placeholder syntax of
  :mod:`~qualytics_ci.folder.variables`.

Only keywords draft-07 also has are used, and a ``$ref`` has no sibling keywords (draft-07
ignores them), so editors whose YAML support stops at draft-07 apply every rule. The
result is plain data, the same bytes for the same tables.
"""

from __future__ import annotations

import json
from typing import Any

from qualytics_ci.folder import variables
from qualytics_ci.folder.layout import SCHEMA_KINDS, SchemaKind
from qualytics_ci.folder.promotions_schema import promotion_schema
from qualytics_ci.folder.rules import CHECK_STATUSES, RULES, Prop, Rule
from qualytics_ci.folder.schema import ANY, BOOL, INT, KEYS, LIST, MAP, NAME_LISTS, NUM, STR
from qualytics_ci.folder.validate import CONTAINER_REQUIRES, JOIN_WITH_SOURCES_REQUIRES
from qualytics_ci.results.kinds import Kind

Schema = dict[str, Any]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# promotions.yaml is not an entity kind, but a file of the folder with a schema too
KINDS: tuple[SchemaKind, ...] = SCHEMA_KINDS
_JSON_TYPE = {STR: "string", INT: "integer", NUM: "number", BOOL: "boolean", LIST: "array",
              MAP: "object"}
_TITLES: dict[Kind, str] = {
    "connection": "a connection (connections/*.yaml)",
    "datastore": "a datastore (datastores/*/_datastore.yaml)",
    "container": "a computed table, file or join (datastores/*/containers/*/_container.yaml)",
    "computed_field": "a computed field (datastores/*/containers/*/computed_fields/*.yaml)",
    "check": "a quality check (datastores/*/checks/*/*.yaml)",
}
VALUE_REF = {"$ref": "#/$defs/value"}
PLACEHOLDER_HELP = ("placeholders are ${NAME} or ${NAME:-default} (a default without $ or }); "
                    "$$ is one $; write ${NAME}, not $NAME, and close every ${")


def placeholder_pattern() -> str:
    """The text values :func:`~qualytics_ci.folder.variables.parse` accepts, as a regular
    expression (ECMA-262 and Python alike): literal text, ``$$``, ``${NAME}``,
    ``${NAME:-default}`` and a ``$`` before anything but ``{``, ``$``, a letter or ``_``."""
    name = variables.NAME.pattern
    return r"^(?:[^$]|\$\$|\$\{" + name + r"(?::-[^$}]*)?\}|\$(?![{$A-Za-z_]))*$"


def _key(kind: Kind, key: str, expected: str, required: bool) -> Schema:
    """One key of a file of ``kind``: its type; null unless required."""
    placeholders = kind == "connection" and key != variables.IDENTITY
    if expected == ANY:
        return dict(VALUE_REF) if placeholders else {}
    json_type = _JSON_TYPE[expected]
    out: Schema = {"type": json_type if required else [json_type, "null"]}
    if required and expected == STR:
        out["minLength"] = 1
    if expected == LIST and key in NAME_LISTS:
        out["items"] = {"type": "string"}
    if placeholders:
        if expected == STR:
            out["pattern"] = placeholder_pattern()
            out["patternErrorMessage"] = PLACEHOLDER_HELP
        elif expected == LIST and "items" not in out:
            out["items"] = dict(VALUE_REF)
        elif expected == MAP:
            out["additionalProperties"] = dict(VALUE_REF)
    return out


def _keys(kind: Kind) -> Schema:
    table = KEYS[kind]
    out: Schema = {"type": "object",
                   "required": [key for key, (_, required) in table.items() if required],
                   "properties": {key: _key(kind, key, expected, required)
                                  for key, (expected, required) in table.items()}}
    if kind == "connection":
        out["additionalProperties"] = dict(VALUE_REF)
    return out


def _value() -> Schema:
    """Any value of a connection file: its text, at any depth, in the placeholder syntax."""
    return {"description": "text values may hold ${VAR} placeholders",
            "pattern": placeholder_pattern(), "patternErrorMessage": PLACEHOLDER_HELP,
            "items": dict(VALUE_REF), "additionalProperties": dict(VALUE_REF)}


def _when(key: str, value: str, then: Schema) -> Schema:
    return {"if": {"properties": {key: {"const": value}}, "required": [key]}, "then": then}


def property_schema(prop: Prop, required: bool) -> Schema:
    """A rule's property of type ``prop`` (rules.Prop): null unless required."""
    if prop.type == "enum":
        return {"enum": [*prop.values, *([] if required else [None])]}
    if prop.type == "list":
        items = ["string", "number", "boolean"] if prop.items == "scalar" else "string"
        return {"type": "array" if required else ["array", "null"], "items": {"type": items}}
    return {"type": prop.type if required else [prop.type, "null"]}


_NOT_NULL: Schema = {"not": {"type": "null"}}


def rule_schema(rule: Rule) -> Schema:
    """What a check of one rule type must be, beyond the keys every check has."""
    keys: Schema = {}
    required: list[str] = []
    if rule.fields == "required":
        keys["fields"] = {"type": "array", "minItems": 1}
        required.append("fields")
    elif rule.fields == "none":
        keys["fields"] = {"maxItems": 0}
    props: Schema = {}
    if rule.properties or rule.one_of:
        required.append("properties")
        props["type"] = "object"
        if rule.properties:
            props["required"] = list(rule.properties)
    known = {name: property_schema(prop, name in rule.properties)
             for name, prop in rule.types.items()}
    known.update({name: dict(_NOT_NULL) for name in rule.properties if name not in known})
    if known:
        props["properties"] = known
    groups = [{"anyOf": [{"required": [name], "properties": {name: dict(_NOT_NULL)}}
                         for name in group]} for group in rule.one_of]
    if len(groups) == 1:
        props.update(groups[0])
    elif groups:
        props["allOf"] = groups
    if props:
        keys["properties"] = props
    if not rule.coverage:
        keys["coverage"] = {"enum": [None, 1]}
    if not rule.filter:
        keys["filter"] = {"enum": [None, ""]}
    out: Schema = {}
    if required:
        out["required"] = required
    if keys:
        out["properties"] = keys
    return out


def _check(doc: Schema) -> None:
    keys = doc["properties"]
    keys["rule_type"] = {"description": "the rule type (docs/format.md, Validation)",
                         "enum": sorted(RULES)}
    keys["coverage"].update(exclusiveMinimum=0, maximum=1)
    keys["status"] = {"enum": [*CHECK_STATUSES, None]}
    doc["allOf"] = [_when("rule_type", name, rule_schema(rule))
                    for name, rule in sorted(RULES.items())]


def _needs(keys: tuple[str, ...]) -> Schema:
    table = KEYS["container"]
    return {"required": list(keys),
            "properties": {key: _key("container", key, table[key][0], True) for key in keys}}


def _container(doc: Schema) -> None:
    doc["properties"]["container_type"]["enum"] = list(CONTAINER_REQUIRES)
    rules = []
    for ctype, needs in CONTAINER_REQUIRES.items():
        then = _needs(needs)
        if ctype == "computed_join":
            listed = {"properties": {"sources": {"type": "array", "minItems": 1}},
                      "required": ["sources"]}
            then = {"if": listed, "then": _needs(JOIN_WITH_SOURCES_REQUIRES), "else": then}
        rules.append(_when("container_type", ctype, then))
    doc["allOf"] = rules


def _datastore(doc: Schema) -> None:
    doc["anyOf"] = [{"required": ["connection_name"],
                     "properties": {"connection_name": {"type": "string"}}},
                    {"required": ["connection_id"]}]


def schema(kind: SchemaKind) -> Schema:
    """The JSON Schema of a file of ``kind`` (or, for ``promotion``, of promotions.yaml)."""
    if kind == "promotion":
        return {"$schema": DIALECT, "title": "qualytics-ci: promotions.yaml",
                "$comment": "written by `qualytics-ci schema --kind promotion`; regenerate "
                            "it rather than edit it", **promotion_schema()}
    doc: Schema = {"$schema": DIALECT, "title": f"qualytics-ci: {_TITLES[kind]}",
                   "$comment": f"written by `qualytics-ci schema --kind {kind}`; "
                               "regenerate it rather than edit it",
                   **_keys(kind)}
    {"check": _check, "container": _container, "datastore": _datastore}.get(
        kind, lambda _doc: None)(doc)
    if kind == "connection":
        doc["$defs"] = {"value": _value()}
    return doc


def schema_text(kind: SchemaKind) -> str:
    """:func:`schema` as the text written: JSON indented by two, a list of plain values on
    one line, one trailing newline."""
    return _dump(schema(kind), "") + "\n"


def _dump(value: Any, indent: str) -> str:
    inner = indent + "  "
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k)}: {_dump(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return "[\n" + ",\n".join(inner + _dump(v, inner) for v in value) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


def file_name(kind: SchemaKind) -> str:
    return f"{kind}.json"
