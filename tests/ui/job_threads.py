"""Which thread each job given to the window's task runner ran on: the real runner and the real
job, observed. A job on the GUI thread freezes the window for as long as it runs, however short
it is on the test machine; that is a fact about threads, asserted without a clock (how long the
window may stall is measured by bench/desk.py and bench/login.py, never asserted)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from ui.tasks import Job, TaskRunner


class JobThreads:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.threads: list[threading.Thread] = []
        original = TaskRunner.run

        def run(runner: TaskRunner, job: Job, *args: Any, **kwargs: Any) -> Any:
            def observed(*job_args: Any) -> Any:
                self.threads.append(threading.current_thread())
                return job(*job_args)

            return original(runner, observed, *args, **kwargs)

        monkeypatch.setattr(TaskRunner, "run", run)

    @property
    def all_off_the_gui_thread(self) -> bool:
        """At least one job ran, and none on the GUI thread."""
        return bool(self.threads) and threading.main_thread() not in self.threads
