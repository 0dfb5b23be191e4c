"""A registered secret is masked in whatever spelling it reaches text: as it is,
JSON-escaped, inside a Python repr, percent-encoded, or one escape inside another."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import pytest
import requests_mock as rm

from qualytics_ci import secrets
from qualytics_ci.api.client import Client
from qualytics_ci.api.errors import APIError
from qualytics_ci.render.json import write_json

BASE = "https://q.example.com/api"
# A rotated password as a password generator makes them: a backslash, both quotes,
# a slash, an ampersand, a plus, a space and a non-ASCII letter.
PASSWORD = 'Pa\\ss"w\'0rd/&+ é'
CORE = "0rd"  # a fragment every spelling of it keeps


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    secrets.clear()
    yield
    secrets.clear()


def spellings(value: str) -> dict[str, str]:
    """Every way the tests have seen a value reach text."""
    dumped = json.dumps(value)[1:-1]
    return {
        "as is": value,
        "json": dumped,
        "json, non-ASCII kept": json.dumps(value, ensure_ascii=False)[1:-1],
        "json, slash escaped": dumped.replace("/", "\\/"),
        "repr": repr(value),
        "repr inside a dict repr": repr({"password": value}),
        "json inside json": json.dumps(json.dumps({"password": value})),
        "repr inside json": json.dumps(repr({"password": value})),
        "percent-encoded": quote(value, safe=""),
        "percent-encoded, / kept": quote(value),
        "form-encoded (+ for space)": urlencode({"password": value}),
        "form-encoded, lower-case hex": re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(),
                                               quote_plus(value)),
    }


@pytest.mark.parametrize("label", list(spellings(PASSWORD)))
def test_every_spelling_of_a_secret_is_masked(label: str) -> None:
    secrets.register(PASSWORD)
    text = f"the server said: {spellings(PASSWORD)[label]} (end)"
    redacted = secrets.redact(text)
    assert "w'0rd" not in redacted and "w%270rd" not in redacted.lower()
    assert CORE not in redacted, redacted
    assert redacted.startswith("the server said: ") and redacted.endswith(" (end)")
    assert "***" in redacted


def test_a_secret_without_special_characters_has_one_spelling() -> None:
    assert secrets.forms("eyJhbGciOiJIUzI1NiJ9.e30.sig-_x") == ("eyJhbGciOiJIUzI1NiJ9.e30.sig-_x",)


def test_ordinary_text_is_left_alone() -> None:
    secrets.register(PASSWORD)
    secrets.register("abc")  # too short to mask: it would mangle ordinary words
    text = 'Plan: 1 to update; host "db.example.com"; path a\\b; 50% done; abc'
    assert secrets.redact(text) == text


def test_the_runner_is_asked_to_mask_every_spelling_value_first() -> None:
    seen: list[str] = []
    secrets.register(PASSWORD)
    secrets.on_register(seen.append)
    later: list[str] = []
    secrets.on_register(later.append)
    secrets.register("second-secret/with slash")
    assert seen[0] == PASSWORD
    assert json.dumps(PASSWORD)[1:-1] in seen and quote(PASSWORD, safe="") in seen
    assert later[0] == PASSWORD and "second-secret/with slash" in later
    assert "second-secret%2Fwith%20slash" in later


def test_a_422_that_echoes_a_password_with_a_backslash_leaks_nowhere(
        requests_mock: rm.Mocker, tmp_path: Path) -> None:
    """The platform answers a rejected connection with its own reading of the body; the
    error message, and a JSON report carrying it, must not show the password."""
    secrets.register(PASSWORD)
    client = Client(BASE, "tok-" + "x" * 20, sleep=lambda s: None)
    bodies = [
        {"json": {"detail": {"msg": "invalid connection", "input": {"password": PASSWORD}}}},
        {"text": json.dumps({"detail": f"cannot log in with {PASSWORD!r}"}) + " trailing",
         "headers": {"Content-Type": "text/plain"}},
        {"json": {"detail": [{"loc": ["body", "password"], "msg": f"bad value {PASSWORD}",
                              "input": PASSWORD}]}},
    ]
    for n, body in enumerate(bodies):
        requests_mock.put(f"{BASE}/connections/{n}", status_code=422, **body)  # type: ignore[arg-type]
        with pytest.raises(APIError) as exc:
            client.update_connection(n, {"password": PASSWORD})
        err = exc.value
        seen = "\n".join([str(err), err.message, repr(err), json.dumps(err.detail)])
        assert CORE not in secrets.redact(seen) and CORE not in str(err), seen
        report = tmp_path / f"report-{n}.json"
        write_json(report, {"message": err.message, "detail": err.detail})
        assert CORE not in report.read_text(encoding="utf-8")
