"""docs/format.md's table of rule types is the rule table itself (folder/rules.py),
rendered: the two cannot disagree."""

from __future__ import annotations

from pathlib import Path

from qualytics_ci.folder.rules import RULES, Prop, Rule

DOC = Path(__file__).resolve().parents[2] / "docs" / "format.md"
BEGIN = "<!-- rule table: generated from qualytics_ci/folder/rules.py -->"
END = "<!-- end of rule table -->"


def spelled(prop: Prop) -> str:
    if prop.type == "enum":
        return " \\| ".join(f"`{v}`" for v in prop.values)
    if prop.type == "list":
        return "list of text" if prop.items == "string" else "list of text/numbers/booleans"
    return {"number": "number", "integer": "whole number", "string": "text",
            "boolean": "true/false"}[prop.type]


def row(name: str, rule: Rule) -> str:
    fields = {"required": "1+", "none": "none", "optional": "optional"}[rule.fields]
    required = set(rule.properties) | {group[0] for group in rule.one_of}
    props = ", ".join(f"{'**' + p + '**' if p in required else p}: {spelled(t)}"
                      for p, t in rule.types.items())
    takes = [w for w, ok in (("coverage", rule.coverage), ("filter", rule.filter)) if not ok]
    return (f"| `{name}` | {fields} | {props or '—'} | "
            f"{'no ' + ', no '.join(takes) if takes else ''} |")


def table() -> str:
    lines = ["| rule type | fields | properties (**required**) | |", "|---|---|---|---|"]
    lines += [row(name, rule) for name, rule in sorted(RULES.items())]
    return "\n".join(lines)


def test_the_documented_rule_table_is_the_rule_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert documented == table(), "regenerate docs/format.md's rule table:\n" + table()
