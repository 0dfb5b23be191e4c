"""docs/editor.md shows what init writes: its VS Code settings are `.vscode/settings.json`
byte for byte, and each modeline of its table leads from a file of that kind to the kind's
schema."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from qualytics_ci.scaffold import templates

DOC = Path(__file__).resolve().parents[2] / "docs" / "editor.md"
TEXT = DOC.read_text(encoding="utf-8")
MODELINE = re.compile(r"^\| `([^`]+)` \| `# yaml-language-server: \$schema=([^`]+)` \|$", re.M)


def test_the_documented_settings_are_the_ones_init_writes() -> None:
    block = TEXT.split("<!-- vscode settings: written by qualytics-ci init -->\n```json\n", 1)[1]
    assert block.split("```\n<!-- end of vscode settings -->", 1)[0] == \
        templates.vscode_settings()


def test_each_documented_modeline_reaches_its_kinds_schema() -> None:
    rows = MODELINE.findall(TEXT)
    assert len(rows) == len(templates.SCHEMA_FILES)
    for (file, target), (kind, globs) in zip(rows, templates.SCHEMA_FILES.items(), strict=True):
        # the row's file, with each <placeholder> as a name, matches the kind's glob
        path = re.sub(r"<[^>]+>", "x", file)
        glob = re.sub(r"\*", "x", globs[0]) + ".yaml"
        assert path == glob, (file, kind)
        where = posixpath.dirname(f"{templates.CONFIG_DIR}/{path}")
        assert posixpath.normpath(posixpath.join(where, target)) == \
            templates.schema_path(kind), file
