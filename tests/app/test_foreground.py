"""A job on a worker thread stands aside while the person at the window is active (a key, a
click): it sleeps, the interpreter's lock free, for a bounded while; on the main thread (the
command line, the tests' synchronous runner) it never waits."""

from __future__ import annotations

import threading

from app import progress
from app.progress import Foreground, Progress


def _sleeps_on(thread_main: bool, touched: bool, monkeypatch) -> list[float]:
    slept: list[float] = []
    clock = [1000.0]

    def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(progress.time, "sleep", fake_sleep)
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    foreground = Foreground()
    monkeypatch.setattr(progress, "FOREGROUND", foreground)
    if touched:
        foreground.touch()
    if thread_main:
        Progress()(1, 2)
    else:
        worker = threading.Thread(target=lambda: Progress()(1, 2))
        worker.start()
        worker.join()
    return slept


def test_a_worker_stands_aside_for_a_bounded_while_after_a_key(monkeypatch) -> None:
    slept = _sleeps_on(thread_main=False, touched=True, monkeypatch=monkeypatch)
    waited = sum(slept)  # in steps of 5 ms, until the quiet time or the limit is reached
    assert slept and min(Foreground.QUIET, Foreground.LIMIT) - 0.001 <= waited
    assert waited <= Foreground.LIMIT + 0.006


def test_a_worker_does_not_wait_when_nobody_is_at_the_window(monkeypatch) -> None:
    assert _sleeps_on(thread_main=False, touched=False, monkeypatch=monkeypatch) == []


def test_the_main_thread_never_waits(monkeypatch) -> None:
    assert _sleeps_on(thread_main=True, touched=True, monkeypatch=monkeypatch) == []
