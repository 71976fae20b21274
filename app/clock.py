"""All time comes from one injected clock, so tests can move it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Local wall-clock time with its UTC offset."""

    def now(self) -> datetime:
        return datetime.now().astimezone().replace(microsecond=0)


class FixedClock:
    """A clock that moves only when told to (tests, demos, benchmarks)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            start = start.astimezone()
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    def set(self, when: datetime) -> None:
        self._now = when if when.tzinfo else when.astimezone()


def stamp(when: datetime) -> str:
    """The one text form of a time in the database: ISO 8601 with offset, to the second."""
    return when.replace(microsecond=0).isoformat()


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)
