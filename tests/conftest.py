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
from db.keyslots import KdfParams  # noqa: E402
from tests.frozen import frozen_program  # noqa: E402, F401  (shared by the build and bundle tests)

BEIJING = timezone(timedelta(hours=8))
START = datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING)
PASSWORD = DEMO_PASSWORD


# Real Argon2id, at the lightest cost: every login and every second-person confirmation of the
# suite derives a key (about 1,900 of them), and at the program's cost (t=3, 64 MiB, 0.3 s here)
# they were a third of the suite's time. The program's own parameters are tested where they
# matter (tests/db/test_keyslots.py, rooms the tests create themselves, the CLI and the build).
TEST_KDF = KdfParams(time_cost=1, memory_kib=8192)


@pytest.fixture(scope="session")
def template_room(tmp_path_factory: pytest.TempPathFactory) -> RoomPaths:
    where = tmp_path_factory.mktemp("template") / "room.mjdb"
    return create_demo_room(where, FixedClock(START), TEST_KDF, content=False)


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
