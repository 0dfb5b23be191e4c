"""Whether the caller may run a promote, found out before it is sent.

The platform requires the Editor team permission on both the source and the
destination datastore for every promote type, Admins excepted (they bypass team
permissions); without it the promote is refused with 403 and nothing is enqueued.
The preview asks the same question with two reads:

- ``GET /users/me``: the token's user, its ``id`` and ``role``;
- ``GET /teams/listing?users=<id>``: the user's teams, each granting one
  ``permission`` on its ``datastores``; the strongest grant on a datastore counts.

A deployment that answers either read with 403, 404 or 405 cannot be asked: the
preview then says that it did not check, and the run decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.promote.api import PromoteAPI, Row
from qualytics_ci.promote.request import Ref

PERMISSIONS = ("Reporter", "Viewer", "Drafter", "Author", "Editor")  # weakest first
NEEDED = "Editor"
NOT_ASKABLE = (403, 404, 405)


@dataclass(frozen=True)
class PermissionCheck:
    """What the preview found out about the caller's permission."""

    allowed: bool | None  # None: it could not be checked
    text: str  # one sentence: what was found, or why it could not be checked
    brief: str = ""  # when refused: the reason in a few words, for each entity's row


def _datastore_ids(team: Mapping[str, Any]) -> set[int]:
    ids: set[int] = set()
    for item in [*(team.get("datastores") or ()), *(team.get("datastore_ids") or ())]:
        value = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            ids.add(int(value))
    return ids


def strongest(teams: Iterable[Row], datastore_id: int) -> str | None:
    """The strongest team permission any of ``teams`` grants on the datastore."""
    granted = [str(t.get("permission")) for t in teams
               if t.get("permission") in PERMISSIONS and datastore_id in _datastore_ids(t)]
    return max(granted, key=PERMISSIONS.index) if granted else None


def judge(user: Row, teams: Iterable[Row], source: Ref, destination: Ref) -> PermissionCheck:
    """Whether ``user`` (with ``teams``) may promote from ``source`` to ``destination`` (pure)."""
    who = str(user.get("email") or user.get("name") or f"user #{user.get('id')}")
    if user.get("role") == "Admin":
        return PermissionCheck(True, f"permission: the token's user {who} is an Admin "
                                     "(team permissions do not apply)")
    teams = list(teams)
    held = {ds.id: strongest(teams, ds.id) for ds in (source, destination)}
    missing = [ds for ds in dict.fromkeys((source, destination))
               if held[ds.id] is None
               or PERMISSIONS.index(held[ds.id] or "") < PERMISSIONS.index(NEEDED)]
    if missing:
        has = ", ".join(f"{ds.name} ({held[ds.id] or 'no team permission'})" for ds in missing)
        return PermissionCheck(False, f"the promote would be refused (403): it needs {NEEDED} "
                                      f"team permission on both {source.name} and "
                                      f"{destination.name}, and the token's user {who} lacks it "
                                      f"on {has}; nothing would be enqueued",
                               f"refused (403): no {NEEDED} on {has}")
    return PermissionCheck(True, f"permission: the token's user {who} holds {NEEDED} on "
                                 f"{source.name} and {destination.name}")


def _status(exc: QualyticsCIError) -> int | None:
    status = getattr(exc, "status", None)
    return status if isinstance(status, int) else None


class Caller:
    """The token's user and its teams, read once (a run that previews several promotes
    asks only once)."""

    def __init__(self, api: PromoteAPI) -> None:
        self.api = api
        self._known: tuple[Row, list[Row]] | None = None
        self._unknown: PermissionCheck | None = None

    def check(self, source: Ref, destination: Ref) -> PermissionCheck:
        """Whether the caller may promote from ``source`` to ``destination``."""
        if self._known is None and self._unknown is None:
            self._read()
        if self._unknown is not None:
            return self._unknown
        assert self._known is not None
        return judge(*self._known, source, destination)

    def _read(self) -> None:
        try:
            user = self.api.get_current_user()
            user_id = user.get("id")
            if user.get("role") == "Admin":
                self._known = (user, [])
            elif not isinstance(user_id, int):
                self._unknown = _unchecked("GET /users/me named no user id")
            else:
                self._known = (user, list(self.api.teams_listing([user_id])))
        except QualyticsCIError as exc:
            if _status(exc) not in NOT_ASKABLE:
                raise
            self._unknown = _unchecked(f"the API answered {_status(exc)} to reading the caller "
                                       "and its teams")


def not_asked(api: PromoteAPI, why: str) -> Caller:
    """A caller whose permission is not read (no request): every check says it was not
    checked, and why (a plan's token is not the one its promotions run with)."""
    caller = Caller(api)
    caller._unknown = _unchecked(why)
    return caller


def check_permission(api: PromoteAPI, source: Ref, destination: Ref) -> PermissionCheck:
    """Ask the API (read-only) whether the caller may promote between the two datastores."""
    return Caller(api).check(source, destination)


def _unchecked(why: str) -> PermissionCheck:
    return PermissionCheck(None, f"the token's permission was not checked ({why}); the platform "
                                 f"requires {NEEDED} on both datastores when the promote runs")
