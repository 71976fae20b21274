"""Single-bit flips in each of a room's files: caught or harmless, never a traceback, never a
silent loss. A few dozen each here; bench/faults.py runs the full counts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.clock import FixedClock
from app.demo import create_demo_room
from app.paths import RoomPaths
from bench import fault_disk, fault_flips


@pytest.fixture(scope="module")
def content_room(tmp_path_factory: pytest.TempPathFactory) -> RoomPaths:
    where = tmp_path_factory.mktemp("flip-template") / "room.mjdb"
    return create_demo_room(where, FixedClock(fault_disk.START), fault_disk.CHEAP, content=True)


def _never_lost_or_crashed(counts: Counter[str]) -> None:
    assert counts["traceback"] == 0, counts
    assert counts["silent_loss"] == 0, counts


def test_flips_in_the_room_file(content_room: RoomPaths, tmp_path: Path) -> None:
    counts = fault_flips.db_campaign(content_room, tmp_path, 20, seed=1)
    _never_lost_or_crashed(counts)


@pytest.mark.parametrize("which", ["keys", "anchor"])
def test_flips_in_the_keys_file_and_the_anchor(
    content_room: RoomPaths, tmp_path: Path, which: str
) -> None:
    _never_lost_or_crashed(fault_flips.side_file_campaign(content_room, tmp_path, 15, which))


def test_a_flip_in_an_uncheckpointed_wal_is_never_silent(tmp_path: Path) -> None:
    counts = fault_flips.wal_campaign(tmp_path, 25, commits=12, seed=3)
    assert counts["control_harmless"] == 1  # without a flip every commit is there
    _never_lost_or_crashed(counts)
    # Every flip that lost commits was refused at open (the anchor), never let through; and
    # with a checkpoint after every commit (db/connection.py) none is lost at all.
    assert counts["lost_not_refused"] == 0, counts
    assert counts["lost_events:0"] == 25, counts
