"""Property: whatever a pull request puts in the folder, ``validate`` and ``plan`` answer
with a result or a one-line error: never a traceback, never a hang.

Generated YAML (data dumped as YAML, hostile fragments spliced together, valid files with
characters changed) and generated names are dropped into an exported folder at a place
of the layout; both commands run in-process, ``plan`` against the sandbox. The time bound
is a hang detector (an alarm, far above what any example needs), not a benchmark."""

from __future__ import annotations

import contextlib
import io
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import requests
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qualytics_ci import secrets
from qualytics_ci.cli import main
from qualytics_ci.folder import yamlio
from qualytics_ci.folder.naming import assign
from qualytics_ci.folder.rules import RULES, Prop
from qualytics_ci.sandbox.server import RunningSandbox

BOUND_SECONDS = 30
DS = "datastores/warehouse_dev"
BETWEEN = f"{DS}/checks/orders/between__total_amount.yaml"
PLACES = [
    "connections/fuzz.yaml",
    "connections/warehouse_dev_db.yaml",
    f"{DS}/_datastore.yaml",
    f"{DS}/containers/fuzz/_container.yaml",
    f"{DS}/containers/orders/computed_fields/fuzz.yaml",
    f"{DS}/checks/orders/fuzz.yaml",
    BETWEEN,
    f"overrides/dev/{BETWEEN}",
]
FRAGMENTS = [
    "a: &a [x, x, x]", "b: [*a, *a, *a]", "<<: *a", "<<: {x: 1}", "c: !!binary aGk=",
    "d: !!python/object:os.system echo", "e: !!set {a, b}", "? [k]\n: v", "? {k: 1}\n: v",
    "123: x", "on: x", "~: x", "yes: no", "1.5: x", "'quoted': 1", "min: .nan", "max: .inf",
    "max: lots", "min: [1, 2]", "properties: {min: 0, max: -.inf}", "properties: [1]",
    "password: ${UNCLOSED", "password: ${}", "password: ${1X}", "password: $BARE",
    "password: $${ESCAPED}", "host: ${H:-db}", "password: ${A:-${B}}", "fields: notalist",
    "fields: [a, {b: c}]", "name: ../../x", "name: \"a\\0b\"", "name: \"\\t\\e[2J\"",
    "container: ordrs", "container: ../../../up", "rule_type: isPurple", "rule_type: 7",
    "status: Archived", "coverage: 2", "coverage: .nan", "tags: [[nested]]", "_delete: true",
    "additional_metadata: {_qualytics_check_uid: [1]}", "---", "...", "%YAML 1.1\n---",
    "\t: tab", "key: 'unclosed", "key: [unclosed", "{a: 1", "- item", "just text",
    "a: " + "[" * 120 + "]" * 120, "\ufeffname: bom", "x" * 3000 + ": long",
]
CHECK_KEYS = ["rule_type", "container", "fields", "properties", "coverage", "filter", "status",
              "name", "type", "password", "host", "query", "container_type", "transformation",
              "additional_metadata", "tags", "on", "123", "min", "max", "value", "list"]

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
keys = st.one_of(st.sampled_from(CHECK_KEYS), text, st.integers(-5, 5), st.booleans(),
                 st.none())
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text,
                    st.sampled_from(["${X}", "${X", "$X", "orders", "between", "notNull"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=16)


@st.composite
def placed(draw: st.DrawFn) -> tuple[str, str]:
    """Where in the layout, and the YAML text: generated data dumped, a check of generated
    values (in a check's place), fragments spliced, or a real file mutated."""
    kind = draw(st.sampled_from(["data", "check", "fragments", "mutated"]))
    if kind == "check":
        place = draw(st.sampled_from([p for p in PLACES if "/checks/" in p]))
    else:
        place = draw(st.sampled_from(PLACES))
    return place, draw(documents(kind))


@st.composite
def documents(draw: st.DrawFn, kind: str) -> str:
    if kind == "check":
        return str(yaml.safe_dump(draw(nearly_valid_check()), allow_unicode=True))
    if kind == "data":
        data = draw(st.dictionaries(keys, values, max_size=8))
        return str(yaml.safe_dump(data, allow_unicode=draw(st.booleans()),
                                  default_flow_style=draw(st.sampled_from([False, None]))))
    if kind == "fragments":
        return "\n".join(draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8)))
    base = yamlio.dump({"rule_type": "between", "container": "orders", "fields": ["total"],
                        "properties": {"min": 0, "max": 10}, "status": "Active"})
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(base)))
        piece = draw(st.sampled_from(["&", "*", "!", "{", "[", ":", "\n", " ", "'", '"', "$",
                                      "${", "\t", "-", "?", "#", "|", ">", "%", "@", "\x00"]))
        cut = draw(st.integers(0, 2))
        base = base[:at] + piece + base[at + cut:]
    return base


@st.composite
def named_entities(draw: st.DrawFn) -> dict[str, str]:
    """Valid files for entities with generated names: a computed table, a computed field,
    a check on a container of that name (in its directory), a connection."""
    name = draw(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300))
    stem = assign([name])[name]
    return {
        f"{DS}/containers/{stem}/_container.yaml": yamlio.dump(
            {"container_type": "computed_table", "name": name, "query": "select 1"}),
        f"{DS}/containers/orders/computed_fields/{stem}.yaml": yamlio.dump(
            {"name": name, "transformation": "cleanedEntityName", "source_fields": ["status"]}),
        f"{DS}/checks/{stem}/notnull__x.yaml": yamlio.dump(
            {"rule_type": "notNull", "container": name, "fields": ["x"],
             "additional_metadata": {"_qualytics_check_uid": "fuzz__" + stem}}),
        f"connections/{stem}.yaml": yamlio.dump(
            {"name": name, "type": "postgresql", "host": "db", "username": "u",
             "password": "${WAREHOUSE_DEV_DB_PASSWORD}"}),
    }


def of_type(prop: Prop) -> st.SearchStrategy[Any]:
    finite = st.floats(allow_nan=False, allow_infinity=False)
    if prop.type == "enum":
        return st.sampled_from(prop.values)
    if prop.type == "list":
        item = text if prop.items == "string" else st.one_of(text, st.integers(), finite)
        return st.lists(item, max_size=3)
    return {"number": st.one_of(st.integers(), finite), "integer": st.integers(),
            "string": text, "boolean": st.booleans()}[prop.type]


@st.composite
def nearly_valid_check(draw: st.DrawFn) -> dict[str, Any]:
    """A check on orders of any rule type, its properties of the right types, then (half
    the time) one value replaced by anything."""
    rule_type = draw(st.sampled_from(sorted(RULES)))
    rule = RULES[rule_type]
    props = {name: draw(of_type(prop)) for name, prop in rule.types.items()
             if name in rule.properties or draw(st.booleans())}
    for group in rule.one_of:
        props.setdefault(group[0], "customers")
    fields = [] if rule.fields == "none" else draw(st.lists(
        st.sampled_from(["total_amount", "status", "order_id"]), min_size=1, max_size=2,
        unique=True))
    check = {"rule_type": rule_type, "container": "orders", "fields": fields,
             "properties": props, "status": draw(st.sampled_from(["Active", "Draft"])),
             "additional_metadata": {"_qualytics_check_uid": "fuzz__" + rule_type}}
    if draw(st.booleans()):
        where = draw(st.sampled_from([*props, "coverage", "filter", "fields", "tags"]))
        target = props if where in props else check
        target[where] = draw(values)
    return check


class Hang(Exception):
    pass


@contextlib.contextmanager
def bounded(seconds: int) -> Iterator[None]:
    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["-q", *argv])
    secrets.clear()
    return code, out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def base(_sandbox_server: RunningSandbox,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """warehouse-dev exported from a freshly seeded sandbox, and the plan's target flags."""
    server = _sandbox_server
    requests.post(f"{server.url}/_sandbox/reset", json={"seed": "demo"},
                  headers=server.headers("admin"), timeout=30).raise_for_status()
    target = ["--url", server.url, "--token", server.tokens["admin"]]
    folder = tmp_path_factory.mktemp("hostile") / "base"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WAREHOUSE_DEV_DB_PASSWORD", "fuzz-password")
        code, output = cli("export", *target, "--output", str(folder),
                           "--datastore", "warehouse-dev")
        assert code == 0, output
        (folder / "overrides/dev").mkdir(parents=True)
        yield folder, target


def answer_both(base: tuple[Path, list[str]], files: dict[str, str], env: bool) -> None:
    """validate and plan of the base folder with ``files`` laid on top."""
    folder, target = base
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "config"
        shutil.copytree(folder, work)
        for rel, content in files.items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (work / rel).write_text(content, encoding="utf-8")
        extra = ["--env", "dev"] if env else []
        with bounded(BOUND_SECONDS):
            for argv in (["validate", "--input", str(work), *extra],
                         ["plan", *target, "--input", str(work), "--datastore",
                          "warehouse-dev", *extra]):
                code, output = cli(*argv)
                event(f"{argv[0]} exits {code}")
                assert "Traceback" not in output and "internal error" not in output, output
                assert code in (0, 1), (code, output)
                if code == 1:
                    assert "error" in output, output


PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


@PROPERTY
@given(file=placed())
def test_any_yaml_anywhere_gets_an_answer(base: tuple[Path, list[str]], file: tuple[str, str],
                                          monkeypatch: Any) -> None:
    monkeypatch.setenv("WAREHOUSE_DEV_DB_PASSWORD", "fuzz-password")
    place, document = file
    answer_both(base, {place: document}, env=place.startswith("overrides/"))


@PROPERTY
@given(files=named_entities())
def test_any_name_gets_an_answer(base: tuple[Path, list[str]], files: dict[str, str],
                                 monkeypatch: Any) -> None:
    monkeypatch.setenv("WAREHOUSE_DEV_DB_PASSWORD", "fuzz-password")
    answer_both(base, files, env=False)
