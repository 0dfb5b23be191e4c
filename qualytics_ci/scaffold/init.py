"""``init [DIR]``: scaffold a config repository, never overwriting a file.

It writes the folder (exported from the target when a client is given, else the
packaged example), the plan, deploy and drift workflows of docs/workflows, the
pre-commit configuration, the editor settings and the JSON Schemas they map to, and a
README section. A file that exists is kept as it is (the folder as a whole: any file in
it keeps it); a README without the section gets it appended. The report says what was
written and kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from qualytics_ci.api.client import Client
from qualytics_ci.engine.export import export_with
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder import jsonschema
from qualytics_ci.folder.variables import REFERENCE
from qualytics_ci.progress import SILENT, Progress
from qualytics_ci.scaffold import templates as t


@dataclass
class InitReport:
    """What ``init`` did, paths relative to the repository root."""

    root: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    appended: list[str] = field(default_factory=list)
    folder: str = ""  # how the folder came about, when it was written
    variables: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    folder_secrets: list[str] = field(default_factory=list)


def _package_data(name: str) -> Traversable:
    return resources.files("qualytics_ci.scaffold").joinpath(name)


def _files(node: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            out.extend(_files(child, f"{prefix}{child.name}/"))
        elif child.name.endswith((".yaml", ".yml")):
            out.append((prefix + child.name, child))
    return out


def workflow_text(name: str) -> bytes:
    """A workflow of docs/workflows, as packaged."""
    return _package_data("workflows").joinpath(name).read_bytes()


def _write_new(root: Path, rel: str, data: bytes, report: InitReport) -> None:
    path = root / rel
    if path.exists() or path.is_symlink():
        report.kept.append(rel)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "xb") as handle:
            handle.write(data)
    except OSError as exc:
        raise QualyticsCIError(f"cannot write {rel} ({exc.strerror})", file=str(path)) from None
    report.written.append(rel)


def _folder(root: Path, report: InitReport, client: Client | None, include: str | None,
            datastores: Sequence[str], progress: Progress) -> None:
    folder = root / t.CONFIG_DIR
    label = t.CONFIG_DIR + "/"
    if folder.is_dir() and any(folder.iterdir()):
        report.kept.append(label)
        return
    if folder.exists() and not folder.is_dir():
        raise QualyticsCIError(f"{t.CONFIG_DIR} exists and is not a directory",
                               file=str(folder), hint="move it away, or init another DIR")
    if client is not None:
        result = export_with(client, folder, include=include, datastores=datastores,
                             progress=progress)
        report.folder = f"exported from {client.base_url}: {len(result.written)} files"
    else:
        files = _files(_package_data("example"))
        for rel, node in files:
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(node.read_bytes())
        report.folder = (f"the example, {len(files)} files: datastore warehouse-prod of the "
                         "demo seed of `qualytics-ci sandbox`")
    report.written.append(label)


def _readme(root: Path, report: InitReport) -> None:
    path = root / t.README_FILE
    section = t.readme_section(report.variables, report.secrets, report.folder_secrets)
    if not path.exists():
        _write_new(root, t.README_FILE, f"# {root.resolve().name}\n\n{section}".encode(),
                   report)
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    if t.README_MARKER in text:
        report.kept.append(t.README_FILE)
        return
    gap = "" if not text else "\n" if text.endswith("\n") else "\n\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(gap + section)
    report.appended.append(t.README_FILE)


def _folder_secrets(root: Path) -> list[str]:
    names: set[str] = set()
    for path in (root / t.CONFIG_DIR).glob("connections/*.y*ml"):
        names.update(REFERENCE.findall(path.read_text(encoding="utf-8", errors="replace")))
    return sorted(names)


def run_init(root: str | Path, *, client: Client | None = None, include: str | None = None,
             datastores: Sequence[str] = (), progress: Progress = SILENT) -> InitReport:
    """Scaffold the repository at ``root`` (created if missing)."""
    base = Path(root)
    if base.exists() and not base.is_dir():
        raise QualyticsCIError(f"{base} is not a directory")
    base.mkdir(parents=True, exist_ok=True)
    report = InitReport(base)
    _folder(base, report, client, include, datastores, progress)
    texts = []
    for name in t.WORKFLOWS:
        rel = f"{t.WORKFLOWS_DIR}/{name}"
        _write_new(base, rel, workflow_text(name), report)
        texts.append((base / rel).read_text(encoding="utf-8", errors="replace"))
    _write_new(base, t.PRE_COMMIT_FILE, t.pre_commit_config().encode(), report)
    _write_new(base, t.VSCODE_FILE, t.vscode_settings().encode(), report)
    for kind in jsonschema.KINDS:
        _write_new(base, t.schema_path(kind), jsonschema.schema_text(kind).encode(), report)
    report.variables, report.secrets = t.references(texts)
    report.folder_secrets = _folder_secrets(base)
    _readme(base, report)
    return report
