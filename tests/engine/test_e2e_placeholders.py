"""Placeholders end to end: what the sandbox receives for ``${VAR}``, a default, the
``$$`` escape and a ``.env`` value, and a malformed placeholder refused before any
request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .e2e import DEV, Cli, Counting

CONN = "connections/warehouse_dev_db.yaml"


def stored_connection(cli: Cli, name: str) -> dict[str, Any]:
    (record,) = cli.sandbox.store.where("connections", name=name)
    return dict(record)


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / CONN
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))


def test_the_sandbox_receives_what_the_placeholders_say(cli: Cli,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cli.run("export", *DEV)
    # the username becomes svc$reader (escaped in the file), the host comes from a
    # default, the password from .env, taken as written
    edit(cli.folder, "username: qualytics_reader", "username: svc$$reader")
    edit(cli.folder, "host: dev-db.acme.internal", "host: ${QCI_E2E_DB_HOST:-db.example.net}")
    edit(cli.folder, "password: ${WAREHOUSE_DEV_DB_PASSWORD}\n",
         "password: ${WAREHOUSE_DEV_DB_PASSWORD}\npassphrase: $${TEXT_NOT_A_VARIABLE}\n")
    monkeypatch.delenv("WAREHOUSE_DEV_DB_PASSWORD")  # unset again after the test
    Path(".env").write_text("WAREHOUSE_DEV_DB_PASSWORD=pa${HOME}ss\n")

    result = cli.run("import", *DEV)
    assert result.code == 0, result.err
    record = stored_connection(cli, "warehouse-dev-db")
    assert record["username"] == "svc$reader"
    assert record["host"] == "db.example.net"
    assert record["_secrets"]["password"] == "pa${HOME}ss"
    assert record["_secrets"]["passphrase"] == "${TEXT_NOT_A_VARIABLE}"

    # what export writes back reads as the same values: no change
    cli.run("export", *DEV)
    text = (cli.folder / CONN).read_text()
    assert "username: svc$$reader\n" in text and "host: db.example.net\n" in text
    again = cli.run("plan", *DEV, "--detailed-exitcode")
    assert again.code == 0, again.out + again.err


@pytest.mark.parametrize(("value", "message"), [
    ("${WAREHOUSE_DEV_DB_PASSWORD", "6: password: ${ at character 1 is never closed"),
    ("$WAREHOUSE_DEV_DB_PASSWORD", "6: password: $WAREHOUSE_DEV_DB_PASSWORD is not a "
                                   "placeholder: write ${WAREHOUSE_DEV_DB_PASSWORD}"),
    ("${UNSET_PW:?required}", "6: password: ${UNSET_PW:?required} is not a placeholder"),
])
def test_a_malformed_placeholder_is_refused_before_any_request(cli: Cli, value: str,
                                                               message: str) -> None:
    cli.run("export", *DEV)
    edit(cli.folder, "${WAREHOUSE_DEV_DB_PASSWORD}", value)
    with Counting(cli) as sent:
        result = cli.run("import", *DEV)
    assert result.code == 1
    assert f"{CONN}:{message}" in result.err, result.err
    assert sent.by_template == {}
    offline = cli.run("validate", target=False)
    assert offline.code == 1 and f"{CONN}:{message}" in offline.out
