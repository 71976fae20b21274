"""Jobs for tests/app/test_apart.py, in a module of their own that imports little: the process
apart finds a job by its module and name, and imports that module to run it."""

from __future__ import annotations

import os
import time
from typing import Any

from app.errors import InvalidInput
from app.progress import Progress
from app.session import Session


def where(session: Session, progress: Any = None) -> tuple[int, str, str]:
    return os.getpid(), session.account.login, str(session.db.path)


def count_until_cancelled(session: Session, progress: Progress) -> int:
    done = 0
    while True:
        done += 1
        progress(done, 10_000)
        time.sleep(0.001)


def sleep_without_checking(session: Session, progress: Any = None, seconds: float = 60) -> None:
    time.sleep(seconds)


def refuse(session: Session, progress: Any = None) -> None:
    raise InvalidInput("年份须在 2000 到 2100 之间。")


def crash(session: Session, progress: Any = None) -> None:
    {}["no such key"]  # noqa: B018 — a bug, on purpose


def grow(session: Session, progress: Any = None) -> int:
    kept = bytearray(64 * 1024 * 1024)
    kept[-1] = 1
    return os.getpid()


def unpicklable(session: Session, progress: Any = None) -> Any:
    return lambda: None  # a result that cannot travel back: a bug, named as one


def song_loaded(session: Session, progress: Any = None) -> tuple[int, bool]:
    """(this process, whether the Song face was registered before this job asked for it)."""
    from app.reports import fonts

    return os.getpid(), fonts._register.cache_info().currsize > 0
