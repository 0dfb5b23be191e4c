"""``${VAR}`` placeholders in connection files, resolved from the environment.

The syntax (docs/format.md, Variables), in every text value of a connection file:

- ``${NAME}``: the variable's value (``NAME`` is a letter or ``_``, then letters, digits,
  ``_``);
- ``${NAME:-default}``: the variable's value when it is set and not empty, else
  ``default`` (literal text without ``$`` or ``}``);
- ``$$``: one literal ``$`` (so ``$${NAME}`` is the text ``${NAME}``);
- ``$NAME`` (a ``$`` before a letter or ``_``) and every other ``${...}`` are errors;
- any other ``$`` is itself (``cost$5``, ``svc$``).

The connection's ``name`` is its identity, not a value: it is taken as written.

Values taken from the environment are registered as secrets at once, so nothing printed
later can carry them; plans keep showing the placeholder text instead. A default is text
of the file, not a secret.

A variable that is unset (or set to the empty string, which is what a missing CI secret
expands to) and has no default is a warning for validate, plan and drift, which never
compare secret values, and an error for import, which must send them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualytics_ci import secrets
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.model import Config, Connection, Key
from qualytics_ci.folder.schema import Issue, Level

if TYPE_CHECKING:  # the folder's reading does not load the plan's results
    from qualytics_ci.results.config import FieldChange

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INNER = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^$]*))?")
_NEEDS_ESCAPE = re.compile(r"\$(?=[${A-Za-z_])")
# Every variable a raw text names, ``${NAME}`` or ``${NAME:-default}``, even in a file too
# broken to parse: for masking values up front and listing what to set, where finding too
# many names is harmless and missing one is not.
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^$}]*)?\}")


@dataclass(frozen=True)
class Placeholder:
    """One ``${NAME}`` or ``${NAME:-default}``."""

    name: str
    default: str | None = None


Part = str | Placeholder


def parse(text: str) -> list[Part]:
    """``text`` as literal pieces and placeholders; a malformed one raises
    :class:`QualyticsCIError` saying what is wrong and how to write it."""
    parts: list[Part] = []
    literal: list[str] = []
    i = 0
    while True:
        j = text.find("$", i)
        if j < 0:
            literal.append(text[i:])
            break
        literal.append(text[i:j])
        nxt = text[j + 1:j + 2]
        if nxt == "$":
            literal.append("$")
            i = j + 2
        elif nxt == "{":
            end = text.find("}", j + 2)
            if end < 0:
                raise QualyticsCIError(f"${{ at character {j + 1} is never closed: write "
                                       "${NAME}, or $${ for the literal text")
            parts.append("".join(literal))
            literal = []
            parts.append(_placeholder(text[j + 2:end]))
            i = end + 1
        elif nxt and (nxt.isalpha() or nxt == "_") and nxt.isascii():
            word = NAME.match(text, j + 1)
            shown = word.group(0) if word else nxt
            raise QualyticsCIError(f"${shown} is not a placeholder: write ${{{shown}}}, or "
                                   f"$${shown} for the literal text")
        else:
            literal.append("$")
            i = j + 1
    parts.append("".join(literal))
    return [p for p in parts if p != ""]


def _placeholder(inner: str) -> Placeholder:
    match = _INNER.fullmatch(inner)
    if match:
        return Placeholder(match.group("name"), match.group("default"))
    if inner == "":
        raise QualyticsCIError("empty placeholder ${}: write ${NAME}")
    if inner[0].isdigit():
        raise QualyticsCIError(f"${{{inner}}}: a variable name starts with a letter or _")
    name = NAME.match(inner)
    if name and inner[name.end():].startswith(":-"):
        raise QualyticsCIError(f"${{{inner}}}: a default cannot contain $ (placeholders do "
                               "not nest)")
    raise QualyticsCIError(f"${{{inner}}} is not a placeholder: only ${{NAME}} and "
                           "${NAME:-default} are")


def escape(text: str) -> str:
    """``text`` written so that :func:`parse` reads it back as itself: a ``$`` before
    ``{``, ``$``, a letter or ``_`` is doubled; any other ``$`` stays as it is."""
    return _NEEDS_ESCAPE.sub("$$", text)


def variable_name(prefix: str, key: str) -> str:
    """``<PREFIX>_<KEY>`` upper-cased, with a leading ``_`` when it would start with a
    digit (a name must not)."""
    name = f"{prefix}_{key}".upper()
    return "_" + name if name[0].isdigit() else name


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """``(dotted key path, text)`` of every text value inside ``value`` (an item of a
    list has the list's path)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, path)


IDENTITY = "name"


def values_of(body: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of a connection body that placeholders apply to: all but its name."""
    return {k: v for k, v in body.items() if k != IDENTITY}


def _parsed(conn: Connection) -> Iterator[tuple[str, list[Part]]]:
    for path, text in strings(values_of(conn.body)):
        try:
            yield path, parse(text)
        except QualyticsCIError:
            continue  # reported by syntax_issues


def syntax_issues(config: Config) -> list[Issue]:
    """An error, with its line, per malformed placeholder in a connection file."""
    issues = []
    for conn in config.connections:
        for path, text in strings(values_of(conn.body)):
            try:
                parse(text)
            except QualyticsCIError as exc:
                issues.append(Issue("error", f"{path}: {exc.message}", conn.file,
                                    _line(conn, path)))
    return issues


def _line(conn: Connection, path: str) -> int | None:
    while path:
        line = conn.line(path)
        if line is not None:
            return line
        path = path.rpartition(".")[0]
    return None


def _value(part: Placeholder, env: Mapping[str, str]) -> str | None:
    """The text ``part`` stands for, or None when its variable is unset (no default)."""
    found = env.get(part.name) or None  # empty counts as unset
    if part.default is not None:
        return found or part.default
    return found


def _shown(part: Placeholder, env: Mapping[str, str]) -> str:
    found = _value(part, env)
    return "${" + part.name + "}" if found is None else found


def names_in(value: Any) -> Iterator[str]:
    """Every variable name a placeholder inside ``value`` refers to (malformed text, which
    validate reports, refers to none)."""
    for _, text in strings(value):
        try:
            parts = parse(text)
        except QualyticsCIError:
            continue
        yield from (p.name for p in parts if isinstance(p, Placeholder))


def unset_in(conn: Connection, env: Mapping[str, str]) -> dict[str, str]:
    """The variables ``conn`` needs that are unset (no default), each with the path of
    its first use, sorted by name."""
    unset: dict[str, str] = {}
    for path, parts in _parsed(conn):
        for p in parts:
            if isinstance(p, Placeholder) and _value(p, env) is None:
                unset.setdefault(p.name, path)
    return dict(sorted(unset.items()))


def _unset_issue(conn: Connection, unset: dict[str, str], level: Level, text: str) -> Issue:
    noun = "variable" if len(unset) == 1 else "variables"
    first = min(unset.values(), key=lambda path: _line(conn, path) or 0)
    return Issue(level, f"{noun} {', '.join(unset)} not set{text}",
                 conn.file, _line(conn, first), code="unset_variable")


def substitute(value: Any, env: Mapping[str, str]) -> Any:
    """``value`` with every placeholder of a set variable (or with a default) replaced and
    ``$$`` made ``$``; an unset one is left as written (``${NAME}``)."""
    if isinstance(value, str):
        return "".join(p if isinstance(p, str) else _shown(p, env) for p in parse(value))
    if isinstance(value, Mapping):
        return {k: substitute(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, env) for v in value]
    return value


def missing(config: Config, env: Mapping[str, str]) -> list[Issue]:
    """A warning per connection file referencing an unset variable: a plan does not need
    its value (secrets are never compared), an import does."""
    return [_unset_issue(conn, unset, "warning", ": needed at import (environment or .env)")
            for conn in config.connections if (unset := unset_in(conn, env))]


def required(connections: Iterable[Connection], env: Mapping[str, str]) -> list[Issue]:
    """An error per connection file an import would send with an unset variable."""
    return [_unset_issue(conn, unset, "error", "; import sends the connection with its value")
            for conn in connections if (unset := unset_in(conn, env))]


def resolve(config: Config, env: Mapping[str, str]) -> tuple[dict[Key, dict[str, Any]],
                                                             frozenset[str]]:
    """Connection bodies with the set variables resolved (their values registered as
    secrets), and the names of the unset ones, which are left as written."""
    resolved: dict[Key, dict[str, Any]] = {}
    unset: set[str] = set()
    for conn in config.connections:
        for _, parts in _parsed(conn):
            for p in parts:
                if isinstance(p, Placeholder):
                    if env.get(p.name):
                        secrets.register(env[p.name])
                    elif p.default is None:
                        unset.add(p.name)
        resolved[conn.key] = {k: v if k == IDENTITY else substitute(v, env)
                              for k, v in conn.body.items()}
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
