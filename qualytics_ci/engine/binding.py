"""What was reviewed is what is applied: a plan's digest covers the options it was made
with, the target and the folder, and an import refuses another plan, saying which of
them differs (the parts are described in :mod:`qualytics_ci.results.digest`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from qualytics_ci.engine.plan import Scope
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.model import Config
from qualytics_ci.results.config import Plan
from qualytics_ci.results.digest import FOLDER_DIGITS, DigestParts, code, differences

DEFAULT_PORTS = {"http": 80, "https": 443}


def target_url(base_url: str) -> str:
    """The client's base URL in one spelling: scheme and host lower-case, no default
    port, no trailing slash (``https://Acme.qualytics.io:443/api/`` and
    ``https://acme.qualytics.io/api`` are one target)."""
    parts = urlsplit(base_url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port and parts.port != DEFAULT_PORTS.get(scheme) else ""
    return f"{scheme}://{host}{port}{parts.path.rstrip('/')}"


def folder_part(config: Config, scope: Scope, promotions: str = "") -> str:
    """The folder's digest part: every entity in scope as read (variables unresolved, so
    the part does not depend on secrets), with its file, and ``promotions``, the hash of
    the promotions ``promotions.yaml`` declares (``""``: none, and the part is that of the
    entities alone)."""
    rows = sorted(([e.kind, *e.key[1:], e.file, e.body] for e in config.entities()
                   if scope.covers(e)), key=lambda r: [str(x) for x in r[:-1]])
    if promotions:
        return code({"entities": rows, "promotions": promotions}, FOLDER_DIGITS)
    return code(rows, FOLDER_DIGITS)


def require_expected(plan: Plan, expected: str) -> None:
    """Refuse (before any write) a plan whose digest is not ``expected``, saying what
    differs: which options, the target, the folder, or only the changes."""
    if plan.digest == expected.strip().lower():
        return
    reviewed = DigestParts.parse(expected)
    if reviewed is None:
        raise QualyticsCIError(
            f"--expect-plan {expected!r} is not a plan digest (expected "
            "<options>-<target>-<folder>-<changes>, as plan prints it); nothing was applied",
            hint="pass the plan-digest output of the plan that was reviewed")
    what = differences(reviewed, plan.parts, plan.options, plan.target)
    hint = "re-run plan, review it, and pass its digest"
    if what[0].startswith("options"):
        hint = ("plan and import must use the same options: keep them in qualytics-ci.yaml "
                "rather than in flags or inputs; or " + hint)
    raise QualyticsCIError(f"the plan is not the reviewed one: {'; '.join(what)}; nothing "
                           f"was applied (digest {plan.digest}, expected {expected})",
                           hint=hint)
