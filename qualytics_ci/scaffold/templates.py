"""The files ``init`` writes, besides the folder: where they go and what they say.

The workflows are docs/workflows' own files (``workflows/`` links there), so a new
repository starts with exactly the documented ones. The editor settings map each
kind's files to its JSON Schema, ``.qualytics/schemas/<kind>.json``, which init writes
too (the bytes of ``qualytics-ci schema --output .qualytics/schemas``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from qualytics_ci import __version__

CONFIG_DIR = "qualytics-config"  # the folder docs/workflows work on
WORKFLOWS = ("pr-plan.yml", "deploy-on-merge.yml", "nightly-drift.yml")
WORKFLOWS_DIR = ".github/workflows"
PRE_COMMIT_FILE = ".pre-commit-config.yaml"
VSCODE_FILE = ".vscode/settings.json"
README_FILE = "README.md"
README_MARKER = "<!-- qualytics-ci init -->"
HOOK_REPO = "https://github.com/qualytics/qualytics-ci"

SCHEMA_DIR = ".qualytics/schemas"
SCHEMA_COMMAND = f"qualytics-ci schema --output {SCHEMA_DIR}"
# kind -> the folder's files of that kind (globs relative to the repository root)
SCHEMA_FILES: dict[str, tuple[str, ...]] = {
    "connection": ("connections/*",),
    "datastore": ("datastores/*/_datastore",),
    "container": ("datastores/*/containers/*/_container",),
    "computed_field": ("datastores/*/containers/*/computed_fields/*",),
    "check": ("datastores/*/checks/*/*",),
    "promotion": ("promotions",),
}
_REFERENCE = re.compile(r"\$\{\{\s*(vars|secrets)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def schema_path(kind: str) -> str:
    """Where the JSON Schema of ``kind`` lives, relative to the repository root."""
    return f"{SCHEMA_DIR}/{kind}.json"


def vscode_settings() -> str:
    """``.vscode/settings.json``: each kind's files validated against its schema."""
    schemas = {f"./{schema_path(kind)}": [f"{CONFIG_DIR}/{glob}.{ext}" for glob in globs
                                          for ext in ("yaml", "yml")]
               for kind, globs in SCHEMA_FILES.items()}
    return json.dumps({"yaml.schemas": schemas}, indent=2) + "\n"


def pre_commit_config() -> str:
    """``.pre-commit-config.yaml`` running the offline validation on every commit."""
    return (
        "# Validate the Qualytics config folder offline before every commit:\n"
        "#   pip install pre-commit && pre-commit install\n"
        "repos:\n"
        f"  - repo: {HOOK_REPO}\n"
        f"    rev: v{__version__}\n"
        "    hooks:\n"
        "      - id: qualytics-ci-validate\n"
    )


def references(workflow_texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """The repository variables and secrets the workflows read (sorted, distinct)."""
    found: dict[str, set[str]] = {"vars": set(), "secrets": set()}
    for text in workflow_texts:
        for kind, name in _REFERENCE.findall(text):
            found[kind].add(name)
    return sorted(found["vars"]), sorted(found["secrets"] - {"GITHUB_TOKEN"})


def readme_section(variables: list[str], secrets: list[str], folder_secrets: list[str]) -> str:
    """The README section that says what the repository holds and what to set up once."""
    def names(items: list[str]) -> str:
        return ", ".join(f"`{n}`" for n in items) or "none"

    return f"""{README_MARKER}
## Qualytics configuration

`{CONFIG_DIR}/` holds the data-quality configuration of a Qualytics deployment (connections,
datastores, computed tables and fields, quality checks) as YAML files, in the layout of
`qualytics config export`. [qualytics-ci]({HOOK_REPO}) plans and applies it:

- every pull request that changes `{CONFIG_DIR}/` gets its plan as a comment
  (`{WORKFLOWS_DIR}/pr-plan.yml`);
- a merge to main imports it into the deployment (`{WORKFLOWS_DIR}/deploy-on-merge.yml`);
- every night, a drift check keeps an issue open while the deployment differs from main
  (`{WORKFLOWS_DIR}/nightly-drift.yml`).

`{VSCODE_FILE}` maps the folder's files to their JSON Schemas in `{SCHEMA_DIR}/`, so VS Code
(with the YAML extension) shows errors as you type. Another editor using yaml-language-server
takes a first line `# yaml-language-server: $schema=<path to {SCHEMA_DIR}/check.json>` in a
file (the path relative to that file). After upgrading qualytics-ci, refresh the schemas:
`{SCHEMA_COMMAND}`.

Set up once:

- repository variables: {names(variables)}; repository secrets: {names(secrets)};
- the `${{VAR}}` references of the connection files: {names(folder_secrets)}; keep them as
  repository secrets and pass them to the Action's steps as environment variables (`env:`);
- `pip install pre-commit && pre-commit install`: every commit validates the folder offline
  (`{PRE_COMMIT_FILE}`).

On your machine:

```bash
qualytics-ci validate --input {CONFIG_DIR}         # offline
qualytics-ci plan --input {CONFIG_DIR}             # with QUALYTICS_URL, QUALYTICS_TOKEN set
qualytics-ci drift --input {CONFIG_DIR} --adopt    # changes made in the UI, into the folder
```
"""
