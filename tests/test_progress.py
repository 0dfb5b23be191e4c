"""Progress in CI logs (plain mode): quiet for tiny phases, a line every interval for
long ones, a final line for phases of several units; live redraws on a terminal."""

from __future__ import annotations

import io

from qualytics_ci.progress import Later, Progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def plain(clock: Clock, *, quiet: bool = False) -> tuple[Progress, io.StringIO]:
    stream = io.StringIO()
    return Progress(stream=stream, clock=clock, interval=5.0, quiet=quiet), stream


def test_a_quick_single_unit_phase_prints_nothing() -> None:
    progress, stream = plain(Clock())
    progress.start("reading target", 1)
    progress.advance()
    progress.finish()
    assert stream.getvalue() == ""


def test_a_quick_phase_of_several_units_prints_only_its_end() -> None:
    progress, stream = plain(Clock())
    progress.start("writing files", 3)
    for _ in range(3):
        progress.advance()
    progress.finish()
    assert stream.getvalue() == "writing files: 3/3\n"


def test_a_long_phase_prints_every_interval_and_its_end_once() -> None:
    clock = Clock()
    progress, stream = plain(clock)
    progress.start("reading target", 4)
    for _ in range(4):
        clock.now += 3.0
        progress.advance()
    progress.finish()
    assert stream.getvalue().splitlines() == ["reading target: 2/4", "reading target: 4/4"]


def test_a_single_unit_phase_longer_than_the_interval_prints_its_end() -> None:
    clock = Clock()
    progress, stream = plain(clock)
    progress.start("promote operation 5", 1)
    clock.now += 6.0
    progress.finish()
    assert stream.getvalue() == "promote operation 5: 0/1\n"
    progress.start("reading target", 1)
    clock.now += 7.0
    progress.advance()
    progress.finish()
    assert stream.getvalue().splitlines()[1:] == ["reading target: 1/1"]


def test_quiet_prints_nothing_and_a_terminal_redraws_one_line() -> None:
    clock = Clock()
    progress, stream = plain(clock, quiet=True)
    progress.start("writing files", 3)
    clock.now += 60.0
    progress.advance(3)
    progress.finish()
    assert stream.getvalue() == ""
    tty = Tty()
    live = Progress(stream=tty, clock=clock)
    live.start("reading target", 1)
    clock.now += 1.0
    live.advance()
    live.finish()
    assert tty.getvalue() == ("\r\x1b[Kreading target: 0/1\r\x1b[Kreading target: 1/1"
                              "\r\x1b[Kreading target: 1/1\n")


def test_a_terminal_line_is_redrawn_at_most_ten_times_a_second_and_at_the_end() -> None:
    clock = Clock()
    tty = Tty()
    live = Progress(stream=tty, clock=clock)
    live.start("reading files", 10_000)
    for _ in range(10_000):
        clock.now += 0.0001  # 10,000 files in one second
        live.advance()
    live.finish()
    draws = tty.getvalue().split("\r\x1b[K")[1:]
    assert 10 <= len(draws) <= 12
    assert draws[0] == "reading files: 0/10000" and draws[-1] == "reading files: 10000/10000\n"


def test_background_progress_waits_for_the_line_and_then_shows_all_of_it() -> None:
    """The target read in the background reports nothing while the folder's phase owns
    the line; released, its phase is shown as it went, then followed live."""
    clock = Clock()
    shown, stream = plain(clock)
    background = Later()
    background.start("reading target", 3)
    background.advance()
    background.note("retrying in 1.0 s (attempt 2 of 6): 503 (GET /containers)")
    shown.start("reading files", 2)
    shown.advance(2)
    shown.finish()
    assert stream.getvalue() == "reading files: 2/2\n"
    background.release(shown)
    background.advance(2)
    background.finish()
    assert stream.getvalue().splitlines() == [
        "reading files: 2/2",
        "retrying in 1.0 s (attempt 2 of 6): 503 (GET /containers)",
        "reading target: 3/3",
    ]
