"""``${VAR}`` placeholders in connection files, resolved from the environment.

Resolved values are registered as secrets at once, so nothing printed later can
carry them; plans keep showing the placeholder text instead. A variable that is
unset (or set to the empty string, which is what a missing CI secret expands to)
is a warning for validate, plan and drift, which never compare secret values,
and an error for import, which must send them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from qualytics_ci import secrets
from qualytics_ci.folder.model import Config, Connection, Key
from qualytics_ci.folder.schema import Issue
from qualytics_ci.results.config import FieldChange

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def names_in(value: Any) -> Iterator[str]:
    """Every variable name referenced anywhere inside ``value``."""
    if isinstance(value, str):
        yield from VARIABLE.findall(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from names_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from names_in(item)


def is_set(name: str, env: Mapping[str, str]) -> bool:
    """A variable counts as set when it has a non-empty value."""
    return bool(env.get(name))


def substitute(value: Any, env: Mapping[str, str]) -> Any:
    """``value`` with every set ``${VAR}`` replaced (unset ones are left as written)."""
    if isinstance(value, str):
        return VARIABLE.sub(lambda m: env[m.group(1)] if is_set(m.group(1), env)
                            else m.group(0), value)
    if isinstance(value, Mapping):
        return {k: substitute(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, env) for v in value]
    return value


def unset_in(conn: Connection, env: Mapping[str, str]) -> list[str]:
    """The variables ``conn`` refers to that are not set, sorted."""
    return sorted({n for n in names_in(conn.body) if not is_set(n, env)})


def _listed(unset: list[str]) -> str:
    noun = "variable" if len(unset) == 1 else "variables"
    return f"{noun} {', '.join(unset)}"


def missing(config: Config, env: Mapping[str, str]) -> list[Issue]:
    """A warning per connection file referencing an unset variable: a plan does not need
    its value (secrets are never compared), an import does."""
    issues = []
    for conn in config.connections:
        unset = unset_in(conn, env)
        if unset:
            issues.append(Issue("warning", f"{_listed(unset)} not set: needed at import "
                                           "(environment or .env)",
                                conn.file, code="unset_variable"))
    return issues


def required(connections: Iterable[Connection], env: Mapping[str, str]) -> list[Issue]:
    """An error per connection file an import would send with an unset variable."""
    issues = []
    for conn in connections:
        unset = unset_in(conn, env)
        if unset:
            issues.append(Issue("error", f"{_listed(unset)} not set (environment or .env); "
                                         "import sends the connection with its value",
                                conn.file, code="unset_variable"))
    return issues


def resolve(config: Config, env: Mapping[str, str]) -> tuple[dict[Key, dict[str, Any]],
                                                             frozenset[str]]:
    """Connection bodies with the set variables resolved (their values registered as
    secrets), and the names of the unset ones, which are left as written."""
    resolved: dict[Key, dict[str, Any]] = {}
    unset: set[str] = set()
    for conn in config.connections:
        for name in set(names_in(conn.body)):
            if is_set(name, env):
                secrets.register(env[name])
            else:
                unset.add(name)
        resolved[conn.key] = substitute(conn.body, env)
    return resolved, frozenset(unset)


def unknown_paths(body: Mapping[str, Any], unset: frozenset[str],
                  prefix: str = "") -> set[str]:
    """Dotted paths of the values in ``body`` written with an unset variable."""
    out: set[str] = set()
    for key, value in body.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out |= unknown_paths(value, unset, path + ".")
        elif set(names_in(value)) & unset:
            out.add(path)
    return out


def known_fields(fields: tuple[FieldChange, ...], body: Mapping[str, Any],
                 unset: frozenset[str]) -> tuple[FieldChange, ...]:
    """The field changes that can be told: a value ``body`` writes with an unset variable
    is not known, so it is not compared (the import, which has the value, compares it)."""
    paths = unknown_paths(body, unset) if unset else set()
    if not paths:
        return fields
    return tuple(f for f in fields
                 if f.path not in paths and not any(f.path.startswith(p + ".") for p in paths))
