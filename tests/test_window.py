"""The write window's arithmetic (docs/http-client.md, "Concurrent writes"): it grows by one
slot per window of answers, halves on 429/503 once per window, never drops below one, never
exceeds its maximum, and a Retry-After holds back every write not yet sent."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from qualytics_ci.api.window import (
    DEFAULT_CONCURRENCY,
    START,
    Slot,
    Slots,
    SlowDownNotes,
    Wait,
    Window,
)


def take(window: Window, now: float = 0.0) -> Slot:
    """A slot that must be free."""
    got = window.take(now)
    assert isinstance(got, Slot), got
    return got


def fill(window: Window, now: float = 0.0) -> list[Slot]:
    """Take every free slot."""
    slots: list[Slot] = []
    while isinstance(got := window.take(now), Slot):
        slots.append(got)
    return slots


def test_a_new_window_lets_start_writes_go_then_asks_to_wait_for_a_slot() -> None:
    window = Window()
    assert window.maximum == DEFAULT_CONCURRENCY == 32
    slots = fill(window)
    assert len(slots) == START == 16
    assert window.take(0.0) == Wait(0.0, 0.0)
    window.answered(slots[0])
    assert isinstance(window.take(0.0), Slot)


def test_a_window_of_answers_adds_one_slot() -> None:
    window = Window(start=4)
    for _ in range(4):
        window.answered(take(window))
    # 4 -> 4.25 -> 4.49 -> 4.71 -> 4.92: not yet a fifth slot
    assert window.limit == 4
    window.answered(take(window))
    assert window.limit == 5
    assert len(fill(window)) == 5


def test_the_window_grows_to_its_maximum_and_no_further() -> None:
    window = Window(maximum=20)
    for _ in range(1000):
        window.answered(take(window))
    assert window.limit == 20
    assert len(fill(window)) == 20


def test_concurrency_8_is_a_fixed_window_of_8() -> None:
    window = Window(maximum=8)
    burst = fill(window)
    assert len(burst) == 8  # it starts at the cap, below START
    for slot in burst:
        window.answered(slot)
    for _ in range(500):
        window.answered(take(window))
    assert window.limit == 8


def test_a_429_halves_the_window_once_for_the_writes_already_on_their_way() -> None:
    window = Window(start=16)
    burst = fill(window)
    assert window.throttled(burst[0], 0.0, None) == 0.0
    assert window.limit == 8
    for slot in burst[1:]:  # sent before the halving: the same overload, told again
        window.throttled(slot, 0.0, None)
    assert window.limit == 8
    later = fill(window)
    assert len(later) == 8
    window.throttled(later[0], 0.0, None)  # sent after it: the smaller window is still too big
    assert window.limit == 4


def test_the_window_never_drops_below_one_write() -> None:
    window = Window(start=16)
    for _ in range(10):
        window.throttled(take(window), 0.0, None)
    assert window.limit == 1
    assert len(fill(window)) == 1


def test_retry_after_closes_the_window_for_every_write_not_yet_sent() -> None:
    window = Window(start=4)
    first, *others = fill(window, now=10.0)
    until = window.throttled(first, 10.0, 2.0)
    assert until == 12.0
    for slot in others:
        window.answered(slot)
    assert window.take(10.5) == Wait(1.5, 12.0)  # slots are free, the window is closed
    late = window.take(11.9)
    assert isinstance(late, Wait) and late.seconds == pytest.approx(0.1)
    assert isinstance(window.take(12.0), Slot)


def test_a_writer_that_slept_its_retry_after_goes_without_waiting_again() -> None:
    window = Window()
    until = window.throttled(take(window), 0.0, 3.0)
    # the client slept 3 s with its own sleep (which a test may fake: the clock did not move)
    assert isinstance(window.take(0.0, waited_until=until), Slot)
    assert isinstance(window.take(0.0), Wait)  # the others still wait


def test_a_longer_retry_after_wins_and_a_shorter_one_does_not_reopen_the_window() -> None:
    window = Window()
    a, b = take(window), take(window)
    window.throttled(a, 0.0, 5.0)
    assert window.throttled(b, 1.0, 1.0) == 2.0
    assert window.take(1.0, waited_until=2.0) == Wait(4.0, 5.0)


def test_answers_that_say_nothing_about_load_leave_the_window_as_it_is() -> None:
    window = Window(start=8)
    slots = fill(window)
    for slot in slots:
        window.failed(slot)
    assert window.limit == 8 and window.in_flight == 0


def test_narrow_caps_a_window_that_already_grew() -> None:
    window = Window()
    for _ in range(2000):
        window.answered(take(window))
    window.narrow(4)
    assert window.limit == 4 and window.maximum == 4
    window.narrow(100)  # only ever narrower
    assert window.maximum == 4


def test_a_window_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Window(maximum=0)


# -- shared between threads ------------------------------------------------------------------

def test_threads_never_have_more_writes_in_flight_than_the_window() -> None:
    slots = Slots(Window(maximum=3, start=3))
    lock = threading.Lock()
    in_flight = peak = 0
    release = threading.Event()

    def write(_: int) -> None:
        nonlocal in_flight, peak
        slot = slots.take()
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        release.wait(5)
        with lock:
            in_flight -= 1
        slots.answered(slot)

    with ThreadPoolExecutor(12) as pool:
        futures = [pool.submit(write, i) for i in range(40)]
        while True:  # wait until the window is full, then let the writes finish
            with lock:
                if in_flight == 3:
                    break
        release.set()
        for future in futures:
            future.result()
    assert peak == 3
    assert slots.window.in_flight == 0


def test_a_closed_window_is_slept_through_with_the_given_sleep() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    slots = Slots(Window(), clock=lambda: now[0], sleep=sleep)
    slots.throttled(slots.take(), 4.0)
    slot = slots.take()
    assert slept == [4.0] and now[0] == 104.0
    slots.answered(slot)


def test_refusals_are_told_once_then_counted_every_few_seconds() -> None:
    now = [100.0]
    told: list[str] = []
    notes = SlowDownNotes(told.append, interval=5.0, clock=lambda: now[0])
    notes.refused(429, 1.0, "POST", "/quality-checks", 8)
    for _ in range(36):
        now[0] += 0.1
        notes.refused(429, 1.0, "POST", "/quality-checks", 4)
    assert told == ["slowing down: the API answered 429 (rate limit) to 1 request, last POST "
                    "/quality-checks; waiting 1.0 s, then at most 8 writes in flight (refused "
                    "requests are sent again)"]
    now[0] += 2.0
    notes.refused(429, 1.0, "POST", "/quality-checks", 2)
    assert told[1] == ("slowing down: the API answered 429 (rate limit) to 37 requests in the "
                       "last 5 s, last POST /quality-checks; waiting 1.0 s, then at most 2 "
                       "writes in flight (refused requests are sent again)")
