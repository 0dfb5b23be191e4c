"""The benchmark's floor: the requests no correct tool can avoid, and the least time they
take at the benchmark's latency, concurrency and rate limit."""

from __future__ import annotations

import importlib

import pytest

from benchmarks import floor
from qualytics_ci.cli.main import parse_args


def test_the_floor_assumes_the_concurrency_a_default_import_runs_with() -> None:
    named = [getattr(importlib.import_module(m), "DEFAULT_CONCURRENCY", None)
             for m in ("qualytics_ci.api", "qualytics_ci.api.client")]
    default = next((v for v in named if v), parse_args(["import", "--input", "x"]).concurrency)
    assert default == floor.CONCURRENCY
    assert f"/ {floor.CONCURRENCY} (qualytics-ci's default concurrency" in floor.explained()[0]


def test_floor_time_spreads_the_requests_over_the_window_or_waits_for_the_limit() -> None:
    first = floor.first_import(2000)
    assert (first.reads, first.writes, first.requests) == (4, 2000, 2004)
    assert first.seconds(25.0, 8) == pytest.approx(2004 * 0.025 / 8)
    assert first.seconds(100.0, 32) == pytest.approx(2004 * 0.1 / 32)
    assert first.seconds(25.0) == pytest.approx(2004 * 0.025 / floor.CONCURRENCY)
    # 100 requests a second: 20 s, whatever the window
    assert first.seconds(25.0, 64, rate_limit=100) == pytest.approx(20.04)
    # a limit looser than latency allows does not lower the floor
    assert first.seconds(100.0, 4, rate_limit=1000) == pytest.approx(2004 * 0.1 / 4)


def test_reading_a_datastore_costs_its_check_pages_plus_three_lookups() -> None:
    assert floor.plan(10_000).requests == 103
    assert floor.export(1).requests == floor.export(100).requests == 4
    assert floor.export(101).requests == 5
    assert floor.promote(10).requests == 23
