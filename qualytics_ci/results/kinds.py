"""The kinds of entity a config folder holds, in the order they depend on each other."""

from __future__ import annotations

from typing import Literal

Kind = Literal["connection", "datastore", "container", "computed_field", "check"]

KIND_ORDER: tuple[Kind, ...] = ("connection", "datastore", "container", "computed_field", "check")
