"""Placeholders in connection files: the syntax, its errors with their lines, defaults,
the escape, and which values become secrets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualytics_ci import secrets
from qualytics_ci.api.settings import load_env_file
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import variables
from qualytics_ci.folder.model import Config, Connection
from qualytics_ci.folder.validate import validate_config
from qualytics_ci.folder.variables import Placeholder, parse, resolve


def connection(**body: object) -> Connection:
    lines = {key: n for n, key in enumerate(body, start=3)}
    return Connection("db", {"name": "db", "type": "postgresql", **body},
                      file="connections/db.yaml", lines=lines)


@pytest.mark.parametrize(("text", "parts"), [
    ("${PW}", [Placeholder("PW")]),
    ("pa${PW}ss", ["pa", Placeholder("PW"), "ss"]),
    ("${_X1}${Y}", [Placeholder("_X1"), Placeholder("Y")]),
    ("${HOST:-db.internal}:5432", [Placeholder("HOST", "db.internal"), ":5432"]),
    ("${EMPTY:-}", [Placeholder("EMPTY", "")]),
    ("$${PW}", ["${PW}"]),
    ("a$$b", ["a$b"]),
    ("cost$5 and svc$ and $ alone and $-x", ["cost$5 and svc$ and $ alone and $-x"]),
    ("caf$é", ["caf$é"]),
    ("", []),
])
def test_the_syntax(text: str, parts: list[object]) -> None:
    assert parse(text) == parts


@pytest.mark.parametrize(("text", "message"), [
    ("${PW", "${ at character 1 is never closed: write ${NAME}, or $${ for the literal text"),
    ("pass${PW", "${ at character 5 is never closed"),
    ("${}", "empty placeholder ${}: write ${NAME}"),
    ("${1X}", "${1X}: a variable name starts with a letter or _"),
    ("$PW", "$PW is not a placeholder: write ${PW}, or $$PW for the literal text"),
    ("pa$_word", "$_word is not a placeholder"),
    ("${PW-x}", "${PW-x} is not a placeholder: only ${NAME} and ${NAME:-default} are"),
    ("${PW:?required}", "${PW:?required} is not a placeholder"),
    ("${#PW}", "${#PW} is not a placeholder"),
    ("${A B}", "${A B} is not a placeholder"),
    ("${A:-${B}}", "${A:-${B}: a default cannot contain $ (placeholders do not nest)"),
])
def test_every_malformed_placeholder_is_an_error(text: str, message: str) -> None:
    with pytest.raises(QualyticsCIError) as caught:
        parse(text)
    assert caught.value.message.startswith(message), caught.value.message


def test_validate_names_the_file_line_and_key_of_a_malformed_placeholder() -> None:
    conn = connection(host="db", password="${DB_PASSWORD", parameters={"role": "$ROLE"})
    issues = validate_config(Config.of([conn]), {"DB_PASSWORD": "x"})
    found = sorted((i.level, i.file, i.line, i.message) for i in issues)
    assert found == [
        ("error", "connections/db.yaml", 4, "password: ${ at character 1 is never closed: "
                                            "write ${NAME}, or $${ for the literal text"),
        ("error", "connections/db.yaml", 5, "parameters.role: $ROLE is not a placeholder: "
                                            "write ${ROLE}, or $$ROLE for the literal text"),
    ]
    # a syntax error is not an unset variable: plan and import refuse it too
    assert {i.code for i in issues} == {"invalid"}


def test_an_unset_variable_names_the_line_of_its_first_use() -> None:
    conn = connection(host="${DB_HOST}", password="${DB_PASSWORD}")
    (issue,) = validate_config(Config.of([conn]), {})
    assert issue.message == ("variables DB_HOST, DB_PASSWORD not set: needed at import "
                             "(environment or .env)")
    assert (issue.level, issue.file, issue.line, issue.code) == (
        "warning", "connections/db.yaml", 3, "unset_variable")


def test_a_default_is_used_when_the_variable_is_unset_or_empty() -> None:
    conn = connection(host="${DB_HOST:-db.internal}", port="${DB_PORT:-5432}",
                      username="${DB_USER:-reader}")
    resolved, unset = resolve(Config.of([conn]), {"DB_PORT": "", "DB_USER": "svc_qualytics"})
    assert unset == frozenset()
    body = resolved[conn.key]
    assert (body["host"], body["port"], body["username"]) == ("db.internal", "5432",
                                                              "svc_qualytics")


def test_values_from_the_environment_are_secrets_and_defaults_are_not() -> None:
    conn = connection(password="${DB_PASSWORD:-changeme-default}",
                      passphrase="${DB_PASSPHRASE:-unused-default}")
    resolved, unset = resolve(Config.of([conn]), {"DB_PASSPHRASE": "from-the-env"})
    assert unset == frozenset()
    assert resolved[conn.key]["password"] == "changeme-default"
    assert resolved[conn.key]["passphrase"] == "from-the-env"
    shown = secrets.redact("password changeme-default, passphrase from-the-env")
    assert shown == "password changeme-default, passphrase ***"


def test_the_escape_reads_back_as_literal_text() -> None:
    conn = connection(username="svc$$reader", parameters={"note": "$${NOT_A_VARIABLE}"})
    resolved, unset = resolve(Config.of([conn]), {})
    assert unset == frozenset()
    assert resolved[conn.key]["username"] == "svc$reader"
    assert resolved[conn.key]["parameters"] == {"note": "${NOT_A_VARIABLE}"}


@given(st.text(max_size=40))
def test_any_text_escaped_reads_back_as_itself(text: str) -> None:
    assert "".join(str(p) for p in parse(variables.escape(text))) == text


def test_escape_leaves_a_dollar_that_cannot_be_read_as_syntax_alone() -> None:
    assert variables.escape("DOMAIN\\svc$ costs $5") == "DOMAIN\\svc$ costs $5"
    assert variables.escape("svc$reader ${X} $$") == "svc$$reader $${X} $$$"


def test_a_variable_name_never_starts_with_a_digit() -> None:
    assert variables.variable_name("warehouse_dev_db", "password") == "WAREHOUSE_DEV_DB_PASSWORD"
    assert variables.variable_name("1st_db", "password") == "_1ST_DB_PASSWORD"
    assert variables.variable_name("", "secret_key") == "_SECRET_KEY"


def test_env_file_values_are_taken_as_written(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """python-dotenv would expand ${HOME} inside the value; a password means what it says."""
    env_file = tmp_path / "ci.env"
    env_file.write_text("QCI_TEST_PASSWORD=pa${HOME}ss\nQCI_TEST_OTHER='x$USER'\n")
    for name in ("QCI_TEST_PASSWORD", "QCI_TEST_OTHER"):
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)  # restored (unset) after the test
    load_env_file(str(env_file))
    assert os.environ["QCI_TEST_PASSWORD"] == "pa${HOME}ss"
    assert os.environ["QCI_TEST_OTHER"] == "x$USER"


def test_a_connections_name_is_its_identity_and_taken_as_written() -> None:
    conn = Connection("$db ${X", {"name": "$db ${X", "type": "postgresql",
                                  "password": "${PW}"}, file="connections/db.yaml")
    assert validate_config(Config.of([conn]), {"PW": "pw"}) == []
    resolved, unset = resolve(Config.of([conn]), {"PW": "secret-pw"})
    assert unset == frozenset() and resolved[conn.key]["name"] == "$db ${X"
