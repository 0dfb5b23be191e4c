"""The physical floor of each scenario: the requests no correct tool can avoid.

A tool that mirrors a folder of N checks onto a datastore must at least read
what is there and write what differs. With the API's page size capped at 100:

- reads to know the target: the connection (1), the datastore (1), its
  containers (one ``/containers/listing``, 1) and its checks
  (``pages(N) = max(1, ceil(N / 100))`` pages of ``/quality-checks``);
- writes: one request per entity that must be created or changed.

Reading archived checks (so that re-import can restore them) is not counted:
the floor is what the scenario itself needs. Floor time is
``floor requests x latency / concurrency`` with qualytics-ci's default
concurrency (every request could in principle be in flight with
``concurrency - 1`` others), or the ``--concurrency`` a run was given; under a
rate limit it is at least ``floor requests / limit``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qualytics_ci.api.window import DEFAULT_CONCURRENCY

PAGE_SIZE = 100
CONCURRENCY = DEFAULT_CONCURRENCY  # qualytics-ci's default --concurrency


def pages(n: int, size: int = PAGE_SIZE) -> int:
    return max(1, math.ceil(n / size))


@dataclass(frozen=True)
class Floor:
    reads: int
    writes: int
    note: str

    @property
    def requests(self) -> int:
        return self.reads + self.writes

    def seconds(self, latency_ms: float, concurrency: int | None = None,
                rate_limit: float = 0.0) -> float:
        """The least time these requests take at ``latency_ms`` each with ``concurrency``
        in flight (default: qualytics-ci's), and at most ``rate_limit`` a second."""
        spread = self.requests * latency_ms / 1000.0 / (concurrency or CONCURRENCY)
        return max(spread, self.requests / rate_limit) if rate_limit > 0 else spread


def mirror_reads(existing_checks: int) -> int:
    """Connection + datastore + container listing + the check pages."""
    return 3 + pages(existing_checks)


def export(n: int) -> Floor:
    return Floor(mirror_reads(n), 0, "connection, datastore, containers, check pages")


def plan(n: int) -> Floor:
    return Floor(mirror_reads(n), 0, "read the target; no writes")


def reimport_unchanged(n: int) -> Floor:
    return Floor(mirror_reads(n), 0, "read the target; nothing differs, so no writes")


def first_import(n: int) -> Floor:
    return Floor(mirror_reads(0), n, "read the empty twin; one POST per check")


def plan_edited(n: int) -> Floor:
    return Floor(mirror_reads(n), 0, "read the target; no writes")


def promote(operations: int) -> Floor:
    """Per operation one POST /operations/run and one GET of the finished
    operation (which carries the per-entity results); resolving the names once:
    the datastores (1) and the two container listings (2)."""
    return Floor(3 + operations, operations, f"{operations} promote operations")


def explained() -> list[str]:
    """One line per scenario: its floor and how its floor time is computed."""
    c = CONCURRENCY
    return [
        f"Floor time = floor requests x latency / {c} (qualytics-ci's default concurrency: "
        "every request in flight with the most others a default run sends at once), unless "
        "a scenario says otherwise. Page size 100.",
        "export, plan, re-import, plan with 1% edited: 3 + ceil(N / 100) reads (connection, "
        "datastore, one container listing, the check pages); no write (an edited check's "
        "update is a write of the import, not of its plan).",
        "first import: 4 reads (the empty twin has one empty page of checks) + one POST per "
        "check, N.",
        "promote: per operation one `POST /operations/run` and one `GET /operations/{id}`, "
        "plus 3 name look-ups (the datastores and the two container listings).",
        "concurrency sweep: the first import's floor, with its time at the point's "
        f"`--concurrency` (the default's point: {c}).",
        "rate-limited import: the first import's floor; its time is at least floor requests "
        "/ the limit (the sandbox's token bucket starts full, so a tool can beat it by the "
        "burst, about 1 s at 100/s).",
    ]
