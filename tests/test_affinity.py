"""Reads on one core: pinned only when the entry point allowed it, on the core the
process is on, inherited by the threads started meanwhile, and given back after."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from qualytics_ci import affinity

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2
    or affinity.current_cpu() is None,
    reason="needs Linux with at least two cores to pin to one")


@pytest.fixture
def cores() -> Iterator[set[int]]:
    """The test process's cores, set back after the test whatever it did."""
    saved = os.sched_getaffinity(0)
    yield saved
    os.sched_setaffinity(0, saved)


@pytest.fixture
def allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(affinity, "_allowed", [True])


def in_thread() -> set[int]:
    seen: list[set[int]] = []
    worker = threading.Thread(target=lambda: seen.append(os.sched_getaffinity(0)))
    worker.start()
    worker.join()
    return seen[0]


def test_a_library_call_leaves_the_cores_alone(cores: set[int]) -> None:
    with affinity.one_core():
        assert os.sched_getaffinity(0) == cores
        assert in_thread() == cores


def test_an_entry_points_read_keeps_to_its_core_and_gives_the_cores_back(
        cores: set[int], allowed: None) -> None:
    with affinity.one_core():
        pinned = os.sched_getaffinity(0)
        assert len(pinned) == 1 and pinned <= cores
        assert in_thread() == pinned  # the page threads started by the read
    assert os.sched_getaffinity(0) == cores
    assert in_thread() == cores  # the writes' threads


def test_an_inner_block_does_not_give_the_cores_back_early(cores: set[int],
                                                            allowed: None) -> None:
    with affinity.one_core():
        pinned = os.sched_getaffinity(0)
        with affinity.one_core():
            assert os.sched_getaffinity(0) == pinned
        assert os.sched_getaffinity(0) == pinned
    assert os.sched_getaffinity(0) == cores


def test_a_process_on_one_core_already_is_left_there(cores: set[int], allowed: None) -> None:
    cpu = affinity.current_cpu()
    assert cpu is not None
    os.sched_setaffinity(0, {cpu})
    with affinity.one_core():
        assert os.sched_getaffinity(0) == {cpu}
    assert os.sched_getaffinity(0) == {cpu}


def test_an_error_in_the_block_still_gives_the_cores_back(cores: set[int],
                                                          allowed: None) -> None:
    with pytest.raises(RuntimeError), affinity.one_core():
        raise RuntimeError("the read failed")
    assert os.sched_getaffinity(0) == cores
    with affinity.one_core():  # and the next block pins again
        assert len(os.sched_getaffinity(0)) == 1
