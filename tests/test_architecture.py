"""The package's layers, read from its import statements (docs/architecture.md).

Every ``import`` counts, also those inside functions and under ``TYPE_CHECKING``:
a lazy import hides a dependency, it does not remove it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "qualytics_ci"
BASE = frozenset({"__init__", "errors", "secrets", "progress", "jsonio", "affinity"})
CORE = frozenset({"results", "api", "folder", "engine", "promote", "render"})

# unit -> the other units it may import (its own modules are always allowed)
ALLOWED: Mapping[str, frozenset[str]] = {
    "__init__": frozenset(),
    "errors": frozenset(),
    "secrets": frozenset(),
    "progress": frozenset(),
    "jsonio": frozenset(),
    "affinity": frozenset(),
    "results": BASE,
    "api": BASE,
    "folder": BASE | {"results"},
    "engine": BASE | {"results", "folder", "api"},
    "promote": BASE | {"results", "api"},
    "render": BASE | {"results"},
    "scaffold": BASE | {"results", "folder", "api", "engine"},
    "cli": BASE | CORE | {"scaffold"},
    "action": BASE | CORE | {"cli"},
    "demo": BASE | {"api", "cli", "folder", "sandbox"},
    "__main__": BASE | {"cli"},
    "sandbox": frozenset({"__init__", "errors"}),
}
MAX_LINES = 350
MAX_FLAT = 10


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The package's modules that ``path`` imports (absolute or relative)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "qualytics_ci")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != "qualytics_ci":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    found.discard(name)
    return found


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def unit_of(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def graph() -> dict[str, set[str]]:
    return {name: imports_of(path) for name, path in MODULES.items()}


def find_cycle(edges: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One import cycle, as the list of modules around it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def layer_violations(edges: Mapping[str, Iterable[str]]) -> list[str]:
    bad = []
    for module, targets in sorted(edges.items()):
        unit = unit_of(module)
        for target in sorted(targets):
            other = unit_of(target)
            if other != unit and other not in ALLOWED[unit]:
                bad.append(f"{module} imports {target} ({unit} may not use {other})")
    return bad


def test_the_checker_finds_a_cycle_and_a_layer_breach() -> None:
    cycle = {"qualytics_ci.folder.a": {"qualytics_ci.folder.b"},
             "qualytics_ci.folder.b": {"qualytics_ci.folder.a"}}
    assert find_cycle(cycle) == ["qualytics_ci.folder.a", "qualytics_ci.folder.b",
                                 "qualytics_ci.folder.a"]
    upward = {"qualytics_ci.folder.a": {"qualytics_ci.engine.plan"},
              "qualytics_ci.engine.plan": {"qualytics_ci.render.markdown"},
              "qualytics_ci.cli.main": {"qualytics_ci.sandbox.server"}}
    assert len(layer_violations(upward)) == 3


def test_the_package_has_no_import_cycle() -> None:
    assert find_cycle(graph()) is None


def test_no_layer_imports_one_above_it_and_only_demo_imports_the_sandbox() -> None:
    assert layer_violations(graph()) == []


def test_every_module_belongs_to_a_known_layer() -> None:
    assert {unit_of(m) for m in MODULES} <= set(ALLOWED)


def test_few_modules_stay_flat_and_every_package_says_what_it_owns() -> None:
    flat = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert len(flat) <= MAX_FLAT, flat
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert " uses " in doc or " imports " in doc, f"{init}: say what it may import"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_small_enough_to_read_in_one_sitting(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name}: {lines} lines"
