"""The two tools under test, as command lines for each scenario."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from benchmarks.sandbox import ours_command

OURS = "qualytics-ci"
OTHER = "qualytics-cli"


@dataclass(frozen=True)
class Tool:
    """How one tool is invoked. ``ok_codes`` are exit codes that mean success."""

    name: str
    base: tuple[str, ...]

    def export(self, folder: Path, datastore: str, datastore_id: int) -> list[str]:
        if self.name == OURS:
            return [*self.base, "--quiet", "export", "--output", str(folder),
                    "--datastore", datastore]
        return [*self.base, "config", "export", "--datastore-id", str(datastore_id),
                "--output", str(folder)]

    def plan(self, folder: Path) -> list[str]:
        if self.name == OURS:
            return [*self.base, "--quiet", "plan", "--input", str(folder)]
        return [*self.base, "config", "import", "--input", str(folder), "--dry-run"]

    def apply(self, folder: Path, concurrency: int | None = None) -> list[str]:
        """Import ``folder``; with ``concurrency``, that many requests in flight at most
        (qualytics-ci only: qualytics-cli sends one at a time and has no such option)."""
        if self.name == OURS:
            window = [] if concurrency is None else ["--concurrency", str(concurrency)]
            return [*self.base, "--quiet", "import", "--input", str(folder), *window]
        if concurrency is not None:
            raise ValueError(f"{self.name} has no concurrency option")
        return [*self.base, "config", "import", "--input", str(folder)]

    def promote(self, source: str, destination: str) -> list[str]:
        if self.name != OURS:
            raise ValueError(f"{self.name} has no promote command")
        return [*self.base, "--quiet", "promote", "--type", "checks",
                "--from", source, "--to", destination]


def ours() -> Tool:
    return Tool(OURS, tuple(ours_command()))


def other(binary: Path) -> Tool:
    return Tool(OTHER, (str(binary),))
