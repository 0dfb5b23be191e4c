"""The physical floor of each scenario: the requests no correct tool can avoid.

A tool that mirrors a folder of N checks onto a datastore must at least read
what is there and write what differs. With the API's page size capped at 100:

- reads to know the target: the connection (1), the datastore (1), its
  containers (one ``/containers/listing``, 1) and its checks
  (``pages(N) = max(1, ceil(N / 100))`` pages of ``/quality-checks``);
- writes: one request per entity that must be created or changed.

Reading archived checks (so that re-import can restore them) is not counted:
the floor is what the scenario itself needs. Floor time is
``floor requests x latency / concurrency`` with the tool's default concurrency
(every request could in principle be in flight with ``concurrency - 1`` others).
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

    def seconds(self, latency_ms: float, concurrency: int = CONCURRENCY) -> float:
        return self.requests * latency_ms / 1000.0 / concurrency


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
