"""Shared fixtures: a demo room built once per session, copied per test; a clock tests move.

Every database here is a real SQLCipher file with real Argon2id key slots.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.clock import FixedClock  # noqa: E402
from app.demo import DEMO_PASSWORD, create_demo_room, sheet_path  # noqa: E402
from app.paths import RoomPaths  # noqa: E402
from app.session import Session, open_session  # noqa: E402
from tests.frozen import frozen_program  # noqa: E402, F401  (shared by the build and bundle tests)

BEIJING = timezone(timedelta(hours=8))
START = datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING)
PASSWORD = DEMO_PASSWORD


@pytest.fixture(scope="session")
def template_room(tmp_path_factory: pytest.TempPathFactory) -> RoomPaths:
    where = tmp_path_factory.mktemp("template") / "room.mjdb"
    return create_demo_room(where, FixedClock(START), content=False)


@pytest.fixture(scope="session")
def sheet_text(template_room: RoomPaths) -> str:
    """The 审计验证密钥 of every test room (all are copies of the template; the demo keeps it)."""
    return sheet_path(template_room).read_text(encoding="utf-8")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def room(template_room: RoomPaths, tmp_path: Path) -> RoomPaths:
    target = RoomPaths(tmp_path / "room.mjdb")
    for source, dest in zip(template_room.files, target.files, strict=True):
        shutil.copyfile(source, dest)
    return target


@pytest.fixture
def login(room: RoomPaths, clock: FixedClock) -> Iterator[Callable[..., Session]]:
    """login("jiyao") opens a session on the test room; every session is closed afterwards."""
    opened: list[Session] = []

    def _login(user: str, password: str = PASSWORD, exclusive: bool = False) -> Session:
        session = open_session(room.db, user, password, clock, exclusive=exclusive)
        opened.append(session)
        return session

    yield _login
    for session in opened:
        session.close()


# The counter with readers and documents, shared by the desk, day-close, slip and instruction
# tests in tests/app and tests/ui.
from tests.app.test_desk import counter  # noqa: E402, F401
