"""Every released schema version, kept as a small fixture room, opens and migrates to the head."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app import audit
from app.clock import FixedClock
from app.maintenance import check_room
from app.paths import RoomPaths
from app.session import open_session
from db.migrate import head_version
from tests.conftest import PASSWORD, START

FIXTURES = sorted(Path(__file__).resolve().parents[1].joinpath("fixtures").glob("room-v*.mjdb"))


def test_there_is_a_fixture_for_the_head_version() -> None:
    versions = [int(re.search(r"v(\d+)", p.name).group(1)) for p in FIXTURES]  # type: ignore[union-attr]
    assert head_version() in versions


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_fixture_room_migrates_to_head(fixture: Path, tmp_path: Path) -> None:
    version = int(re.search(r"v(\d+)", fixture.name).group(1))  # type: ignore[union-attr]
    room = RoomPaths(tmp_path / "room.mjdb")
    shutil.copyfile(fixture, room.db)
    shutil.copyfile(fixture.with_name(fixture.name + ".keys"), room.keys)
    anchor = fixture.with_name(fixture.name + ".anchor")  # rooms since schema 8 have one
    if anchor.exists():
        shutil.copyfile(anchor, room.anchor)
    session = open_session(room.db, "shenji", PASSWORD, FixedClock(START))
    try:
        assert session.db.user_version == head_version()
        assert check_room(session).ok
        assert audit.count(session.db) > 5
    finally:
        session.close()
    copies = list(tmp_path.glob(f"room.mjdb.v{version}.bak"))
    assert bool(copies) == (version < head_version())
