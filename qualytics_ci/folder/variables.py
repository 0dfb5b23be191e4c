"""``${VAR}`` placeholders in connection files, resolved from the environment.

Resolved values are registered as secrets at once, so nothing printed later can
carry them; plans keep showing the placeholder text instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from qualytics_ci import secrets
from qualytics_ci.folder.model import Config, Key
from qualytics_ci.folder.schema import Issue

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


def substitute(value: Any, env: Mapping[str, str]) -> Any:
    """``value`` with every ``${VAR}`` replaced (all variables must be set)."""
    if isinstance(value, str):
        return VARIABLE.sub(lambda m: env[m.group(1)], value)
    if isinstance(value, Mapping):
        return {k: substitute(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, env) for v in value]
    return value


def missing(config: Config, env: Mapping[str, str]) -> list[Issue]:
    """An error per connection file referencing an unset variable."""
    issues = []
    for conn in config.connections:
        unset = sorted({n for n in names_in(conn.body) if n not in env})
        if unset:
            listed = ", ".join(unset)
            noun = "variable" if len(unset) == 1 else "variables"
            issues.append(Issue("error", f"{noun} {listed} not set (environment or .env)",
                                conn.file, code="unset_variable"))
    return issues


def resolve(config: Config, env: Mapping[str, str]) -> tuple[dict[Key, dict[str, Any]],
                                                             list[Issue]]:
    """Connection bodies with variables resolved (secrets registered), and the errors."""
    issues = missing(config, env)
    resolved: dict[Key, dict[str, Any]] = {}
    if issues:
        return resolved, issues
    for conn in config.connections:
        for name in set(names_in(conn.body)):
            secrets.register(env[name])
        resolved[conn.key] = substitute(conn.body, env)
    return resolved, issues
