"""Progress and cancellation for long jobs, without Qt.

A long job (an import, a report, a check) takes a `Progress` and calls it as `progress(done,
total)` between units of work. The call reports to whoever listens (the task runner forwards it
to the window by a signal; the command line prints or ignores it) and raises `Cancelled` once
someone has asked the job to stop, so the job stops at a point it chose as safe: the caller only
ever sets a flag, never interrupts.

Threads: `cancel()` may be called from any thread (the window's 取消 button); the callback runs
on the job's own thread, so a listener that touches widgets must hand over to the GUI thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from app.errors import MijianError

# What a job is handed when it does not need the flag itself: the report modules type their
# progress argument with this, and a `Progress` is one.
ProgressCallback = Callable[[int, int], None]


class Cancelled(MijianError):
    """The job stopped because it was asked to; what it had committed stays committed."""

    message = "已取消。"


class Foreground:
    """The person at the window comes first. A job on a worker thread shares the interpreter's
    lock with the window's thread, and the window needs it back for every widget event and
    every SQLite call of a scan: against a report being laid out, a scan took half a second.
    So the window `touch`es this on every key or click, and a job, each time it reports
    progress, stands aside (sleeps, the lock free) while the person has been active within the
    last `QUIET` seconds — for at most `LIMIT` seconds at a time, so a job under a steady burst
    of scans still moves on."""

    QUIET = 0.1
    LIMIT = 0.05

    def __init__(self) -> None:
        self._active_until = 0.0

    def touch(self) -> None:
        self._active_until = time.monotonic() + self.QUIET

    def stand_aside(self) -> None:
        """On a worker thread only: a job run on the main thread (the command line, the tests'
        synchronous runner) is the window's own work and never waits for it."""
        if threading.current_thread() is threading.main_thread():
            return
        end = time.monotonic() + self.LIMIT
        while (now := time.monotonic()) < self._active_until and now < end:
            time.sleep(0.005)


FOREGROUND = Foreground()


class Progress:
    """Reports (done, total) to `report` and carries the cancel flag."""

    def __init__(self, report: ProgressCallback | None = None) -> None:
        self._report = report
        self._cancel = threading.Event()

    def __call__(self, done: int, total: int) -> None:
        """Report and check: raises `Cancelled` when a stop was asked for."""
        self.tell(done, total)
        self.check()

    def tell(self, done: int, total: int) -> None:
        """Report without checking (a job followed from afar: app/apart.py)."""
        if self._report is not None:
            self._report(done, total)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        FOREGROUND.stand_aside()
        if self._cancel.is_set():
            raise Cancelled()
