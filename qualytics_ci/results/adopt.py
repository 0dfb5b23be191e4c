"""What ``drift --adopt`` wrote into the folder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Adoption:
    """The folder's files ``drift --adopt`` wrote and removed (paths relative to it)."""

    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    # "connection warehouse-dev-db: host": values the folder takes from a ${VAR}, never
    # written into it (the target's may be a secret)
    kept: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)

    def headline(self) -> str:
        if self.changed:
            text = f"Adopted: {len(self.written)} file(s) written, {len(self.removed)} removed."
        elif self.kept:
            text = "Adopted nothing."
        else:
            return "Adopted nothing: the folder already says what the target has."
        if self.kept:
            text += (f" Not adopted, the folder takes them from a variable: "
                     f"{'; '.join(self.kept)} (set the variable to the target's value, or "
                     "import to put the folder's back).")
        return text

    def to_json(self) -> dict[str, Any]:
        return {"written": list(self.written), "removed": list(self.removed),
                "kept": list(self.kept)}
