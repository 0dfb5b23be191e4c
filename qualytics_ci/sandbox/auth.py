"""Users, their JWT-shaped tokens, roles and per-datastore team permissions.

A user record: ``{"id", "name", "email", "role": Member|Manager|Admin,
"default_permission": <team permission on every datastore or None>,
"permissions": {"<datastore id>": <team permission>}, "_token": "..."}``.
Admins bypass team permissions.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from qualytics_ci.sandbox.problems import ApiError, forbidden
from qualytics_ci.sandbox.store import Record, Store

ROLES = ("Member", "Manager", "Admin")
PERMISSIONS = ("Reporter", "Viewer", "Drafter", "Author", "Editor")
SEED_USERS: tuple[tuple[str, str, str | None], ...] = (
    # key, role, team permission on every datastore
    ("admin", "Admin", None),
    ("manager", "Manager", "Editor"),
    ("editor", "Member", "Editor"),
    ("reporter", "Member", "Reporter"),
)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def make_token(key: str, role: str) -> str:
    """A fixed JWT-shaped token (HS256 header, no ``exp``, deterministic signature)."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"sub": f"{key}@sandbox.qualytics.local", "role": role, "iss": "qualytics-sandbox"}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = _b64(hashlib.sha256(f"{header}.{payload}.sandbox".encode()).digest())
    return f"{header}.{payload}.{signature}"


def seed_users(store: Store) -> None:
    """Create the four seed users with their fixed tokens."""
    for key, role, perm in SEED_USERS:
        store.insert("users", {
            "name": key.capitalize() + " User", "email": f"{key}@sandbox.qualytics.local",
            "username": key, "role": role, "default_permission": perm, "permissions": {},
            "_token": make_token(key, role), "created": "2025-01-01T00:00:00.000Z",
        })


def tokens(store: Store) -> dict[str, str]:
    """The seed users' tokens by key (admin, manager, editor, reporter)."""
    return {u["username"]: u["_token"] for u in store.table("users").values()}


def replace_tokens(store: Store, new: dict[str, str]) -> None:
    """Give seed users the tokens in ``new`` (key -> token), e.g. from ``--token``."""
    with store.lock:
        for user in store.table("users").values():
            if user["username"] in new:
                user["_token"] = new[user["username"]]
        store.touch("users")


def user_for_token(store: Store, header: str | None) -> Record:
    """The user for an ``Authorization: Bearer`` header value, or 401."""
    if not header or not header.lower().startswith("bearer "):
        raise ApiError(401, "Not authenticated", {"WWW-Authenticate": "Bearer"})
    token = header[7:].strip()
    for user in store.table("users").values():
        if user["_token"] == token:
            return user
    raise ApiError(401, "Invalid or expired token", {"WWW-Authenticate": "Bearer"})


def permission_on(user: Record, datastore_id: int) -> str | None:
    """The user's team permission on a datastore (Admins: Editor), or None."""
    if user["role"] == "Admin":
        return "Editor"
    perm: str | None = user["permissions"].get(str(datastore_id), user["default_permission"])
    return perm


def has_permission(user: Record, datastore_id: int, needed: str) -> bool:
    """Whether the user holds ``needed`` or stronger on the datastore."""
    perm = permission_on(user, datastore_id)
    return perm is not None and PERMISSIONS.index(perm) >= PERMISSIONS.index(needed)


def require_permission(store: Store, user: Record, datastore_id: int, needed: str,
                       action: str) -> None:
    """403 unless the user has team permission ``needed`` on the datastore."""
    if has_permission(user, datastore_id, needed):
        return
    ds = store.find("datastores", datastore_id)
    name = ds["name"] if ds else str(datastore_id)
    have = permission_on(user, datastore_id) or "no team permission"
    raise forbidden(f"{needed} team permission on datastore '{name}' is required to {action} "
                    f"(you have {have})")


def require_role(user: Record, needed: str, action: str) -> None:
    """403 unless the user's role is ``needed`` or stronger."""
    if ROLES.index(user["role"]) >= ROLES.index(needed):
        return
    raise forbidden(f"{needed} role is required to {action} (you are {user['role']})")


def user_stub(user: Record) -> dict[str, Any]:
    """How a user appears inside other objects (``last_editor``, ``triggered_by``)."""
    return {"id": user["id"], "name": user["name"], "email": user["email"]}


def permission_teams(store: Store, user: Record) -> list[dict[str, Any]]:
    """The user's team permissions as ``GET /teams/listing?users=`` shows them: one team
    per permission level the user holds, with the datastores it grants it on. (The
    sandbox keeps permissions per user, not per team; these teams are derived from them.
    Admins bypass team permissions and get none.)"""
    if user["role"] == "Admin":
        return []
    held: dict[str, list[dict[str, Any]]] = {}
    for ds in sorted(store.table("datastores").values(), key=lambda d: d["id"]):
        perm = permission_on(user, ds["id"])
        if perm is not None:
            held.setdefault(perm, []).append({"id": ds["id"], "name": ds["name"]})
    return [{"id": 1000 + 10 * user["id"] + PERMISSIONS.index(perm),
             "name": f"{user['username']} ({perm})", "permission": perm,
             "datastores": datastores, "users": [user_stub(user)]}
            for perm, datastores in sorted(held.items(),
                                           key=lambda item: PERMISSIONS.index(item[0]))]
