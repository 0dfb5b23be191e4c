"""Global tags and teams: created on first use, as the platform does."""

from __future__ import annotations

from typing import Any

from qualytics_ci.sandbox.problems import invalid
from qualytics_ci.sandbox.store import Store, now_iso


def tag_names(body: dict[str, Any], key: str = "tags") -> list[str]:
    """Tag names from a body: strings, or objects with ``name`` (422 otherwise)."""
    raw = body.get(key) or []
    if not isinstance(raw, list):
        raise invalid(["body", key], "Input should be a valid list", "list_type")
    names: list[str] = []
    for i, item in enumerate(raw):
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name:
            raise invalid(["body", key, i], "Input should be a tag name", "string_type")
        if name not in names:
            names.append(name)
    return names


def ensure_tags(store: Store, names: list[str]) -> None:
    """Create global tags that do not exist yet (the platform creates them on use)."""
    tags = store.data["global_tags"]
    for name in names:
        if name not in tags:
            tags[name] = {"name": name, "color": None, "description": None,
                          "category": None, "created": now_iso()}
            store.touch("global_tags")  # a check or container naming it shows it now


def ensure_teams(store: Store, names: list[str]) -> None:
    """Create teams that do not exist yet."""
    known = {t["name"] for t in store.table("teams").values()}
    for name in names:
        if name not in known:
            store.insert("teams", {"name": name, "description": None, "permission": "Reporter"})
