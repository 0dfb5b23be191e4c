"""qualytics-ci.yaml: read offline with file:line errors, flags over the file, and the
digest parts that tell a reviewed plan from another."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.settings import (
    Settings,
    load_options,
    read_settings,
    resolve_options,
)
from qualytics_ci.folder.validate import validate_folder
from qualytics_ci.results import from_json
from qualytics_ci.results.config import Change, FieldChange, Plan
from qualytics_ci.results.digest import OPTION_NAMES, DigestParts, PlanOptions, differences


def folder(tmp_path: Path, settings: str) -> Path:
    (tmp_path / "connections").mkdir()
    (tmp_path / "connections" / "db.yaml").write_text("name: db\ntype: postgresql\n")
    (tmp_path / "qualytics-ci.yaml").write_text(settings)
    return tmp_path


def messages(tmp_path: Path, settings: str) -> list[str]:
    return [str(i) for i in read_settings(folder(tmp_path, settings))[1]]


def test_a_full_file_reads_back_and_no_file_means_defaults(tmp_path: Path) -> None:
    (tmp_path / "overrides" / "prod").mkdir(parents=True)
    root = folder(tmp_path, "prune: true\ninclude: checks, computed_fields\n"
                            "datastores: [warehouse-prod, lake-prod]\nenvironment: prod\n"
                            "environments: [prod]\nallow_mass_archive: false\n")
    settings, issues = read_settings(root)
    assert issues == []
    assert (settings.prune, settings.include, settings.datastores, settings.environment,
            settings.allow_mass_archive) == (True, "checks,computed_fields",
                                             ("warehouse-prod", "lake-prod"), "prod", False)
    (root / "qualytics-ci.yaml").unlink()
    assert read_settings(root) == (Settings(), [])


@pytest.mark.parametrize(("text", "expected"), [
    ("prnue: true\n", "error: qualytics-ci.yaml:1: unknown setting 'prnue'; did you mean "
                      "'prune'?"),
    ("prune: true\nenv: prod\n", "error: qualytics-ci.yaml:2: unknown setting 'env'; did you "
                                 "mean 'environment'?"),
    ("allow-mass-archive: true\n", "error: qualytics-ci.yaml:1: unknown setting "
                                   "'allow-mass-archive'; did you mean 'allow_mass_archive'?"),
    ("colour: blue\n", "error: qualytics-ci.yaml:1: unknown setting 'colour' (known: prune, "
                       "include, datastores, environment, environments, allow_mass_archive)"),
    ("prune: maybe\n", "error: qualytics-ci.yaml:1: 'prune' must be true or false, not "
                       "'maybe'"),
    ("include: [check]\n", "error: qualytics-ci.yaml:1: unknown kind 'check' in 'include'; "
                           "did you mean 'checks'?"),
    ("datastores: 3\n", "error: qualytics-ci.yaml:1: 'datastores' must be a list of names"),
    ("environments: [qa]\n", "error: qualytics-ci.yaml:1: environment 'qa' has no folder "
                             "overrides/qa/"),
    ("- prune\n", "error: qualytics-ci.yaml:1: expected a mapping of settings, e.g. "
                  "'prune: true'"),
    ("prune: [\n", "error: qualytics-ci.yaml:2: invalid YAML"),
])
def test_a_bad_settings_file_is_an_error_at_its_line(tmp_path: Path, text: str,
                                                     expected: str) -> None:
    found = messages(tmp_path, text)
    assert any(m.startswith(expected) for m in found), found


def test_an_environment_must_be_one_listed(tmp_path: Path) -> None:
    (tmp_path / "overrides" / "prod").mkdir(parents=True)
    root = folder(tmp_path, "environments: [prod]\nenvironment: prd\n")
    assert [str(i) for i in read_settings(root)[1]] == [
        "error: qualytics-ci.yaml:1: environment 'prd' is not one of qualytics-ci.yaml's "
        "environments; did you mean 'prod'?"]
    (root / "qualytics-ci.yaml").write_text("environments: [prod]\n")
    with pytest.raises(QualyticsCIError, match="environment 'staging' is not one of"):
        load_options(root, environment="staging")
    assert load_options(root, environment="prod").environment == "prod"
    _, issues = validate_folder(root, {}, "staging")  # validate reports it like any file
    assert [i.file for i in issues if i.level == "error"] == ["qualytics-ci.yaml"]


def test_flags_override_the_file_and_options_are_normalised() -> None:
    settings = Settings(prune=True, include="checks", datastores=("b", "a"),
                        environment="prod", allow_mass_archive=True)
    from_file = resolve_options(settings)
    assert from_file == PlanOptions(prune=True, include=("check",), datastores=("a", "b"),
                                    environment="prod", allow_mass_archive=True)
    flagged = resolve_options(settings, prune=False, include="fields,checks",
                              datastores=["c", "c"], environment="dev",
                              allow_mass_archive=False)
    assert flagged == PlanOptions(prune=False, include=("computed_field", "check"),
                                  datastores=("c",), environment="dev")
    every_kind = "connections,datastores,containers,computed_fields,checks"
    assert resolve_options(Settings(), include=every_kind) == PlanOptions()


def test_each_option_has_its_own_part_of_the_digest() -> None:
    base = PlanOptions()
    toggled = {"prune": PlanOptions(prune=True), "include": PlanOptions(include=("check",)),
               "datastores": PlanOptions(datastores=("lake",)),
               "environment": PlanOptions(environment="prod"),
               "allow_mass_archive": PlanOptions(allow_mass_archive=True)}
    assert list(toggled) == list(OPTION_NAMES)
    change = (Change("check", "a", "archive", "ds", "t", "a"),)
    made = Plan(change, base, "https://acme.qualytics.io/api", "0" * 8)
    for name, options in toggled.items():
        other = Plan(change, options, made.target, made.folder_digest)
        reviewed = DigestParts.parse(made.digest)
        assert reviewed is not None
        assert differences(reviewed, other.parts, options, other.target) == [
            f"options differ: {name} (this run has {name}={options.shown(name)})"]


def test_the_parts_say_what_differs_and_survive_the_json() -> None:
    change = Change("check", "a", "update", "ds", "t", "a",
                    fields=(FieldChange("properties.max", 1, 2),))
    plan = Plan((change,), PlanOptions(prune=True), "https://acme.qualytics.io/api", "1" * 8)
    assert from_json.plan_from_json(plan.to_json()).digest == plan.digest
    parts = plan.parts
    assert plan.digest == f"{parts.options}-{parts.target}-{parts.folder}-{parts.changes}"
    assert DigestParts.parse(plan.digest.upper()) == parts
    assert DigestParts.parse("3f9c1a0b2d4e5f60") is None  # a bare hash names no part
    other_target = Plan((change,), plan.options, "https://other.qualytics.io/api", "1" * 8)
    assert differences(parts, other_target.parts, plan.options, other_target.target) == [
        "target differs: this run is against https://other.qualytics.io/api, the plan was "
        "made against another"]
    other_folder = Plan((change,), plan.options, plan.target, "2" * 8)
    assert differences(parts, other_folder.parts, plan.options, plan.target) == [
        "folder differs: the folder's entities in scope or its declared promotions changed "
        "since the plan"]
    moved = Plan((Change("check", "a", "unchanged", "ds", "t", "a"),), plan.options,
                 plan.target, "1" * 8)
    assert differences(parts, moved.parts, plan.options, plan.target) == [
        "the target changed since the plan: the same folder and options now plan other "
        "changes"]


def test_one_target_however_its_url_is_spelled() -> None:
    from qualytics_ci.api.url import normalize_url
    from qualytics_ci.engine.binding import target_url

    spellings = ["acme.qualytics.io", "https://Acme.Qualytics.IO:443/", "HTTPS://acme.qualytics.io/api/"]
    assert {target_url(normalize_url(u)) for u in spellings} == {"https://acme.qualytics.io/api"}
    assert target_url(normalize_url("http://127.0.0.1:8765")) == "http://127.0.0.1:8765/api"
