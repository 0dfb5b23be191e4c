"""What ``drift --adopt`` wrote into the folder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Adoption:
    """The folder's files ``drift --adopt`` wrote and removed (paths relative to it)."""

    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)

    def headline(self) -> str:
        if not self.changed:
            return "Adopted nothing: the folder already says what the target has."
        return f"Adopted: {len(self.written)} file(s) written, {len(self.removed)} removed."

    def to_json(self) -> dict[str, Any]:
        return {"written": list(self.written), "removed": list(self.removed)}
