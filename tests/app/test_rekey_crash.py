"""SIGKILL anywhere in a key rotation: the room opens with exactly one key and loses nothing.

A subprocess (tests/app/rekey_victim.py) resets a password in a small demo room, which commits
the change and then rotates the data key, and is killed after a random delay spread over the
whole operation, measured first. After each kill the room is inspected before anything repairs
it (exactly one of the generations in the keys file opens the room file), then opened by a
login, which must complete or roll back the interrupted rotation and carry out one that the
committed reset left due, and every row of every table is counted. The default is the 100 kills of issue 11 (about 20 s on the
2-core project machine); MIJIAN_REKEY_KILLS sets another count.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import audit, rekey
from app.clock import FixedClock
from app.demo import create_demo_room
from app.errors import NotAMijianDatabase
from app.paths import RoomPaths
from app.session import open_session
from db.connection import Database
from db.keyslots import KdfParams, KeyFile
from tests.conftest import PASSWORD, START

ROOT = Path(__file__).resolve().parents[2]
VICTIM = Path(__file__).with_name("rekey_victim.py")
KILLS = {
    "rotate": int(os.environ.get("MIJIAN_REKEY_KILLS", "100")),
    "reset": int(os.environ.get("MIJIAN_REKEY_RESET_KILLS", "25")),
}
CHEAP = KdfParams(time_cost=1, memory_kib=8192)


@dataclass
class Seen:
    """What the room held after the last check: rows per table, audit tail, resets, generation."""

    rows: dict[str, int]
    tail: tuple[int, str]
    resets: int
    generation: int


def start_victim(room: RoomPaths, mode: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, str(VICTIM), str(room.db), mode, PASSWORD],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


def run_seconds(room: RoomPaths, mode: str) -> float:
    child = start_victim(room, mode)
    began = time.perf_counter()
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "done"
    took = time.perf_counter() - began
    assert child.wait() == 0
    return took


def keys_that_open(room: RoomPaths) -> list[int]:
    """The generations in the keys file whose key opens the room file, before any repair."""
    opened = []
    for generation, key in KeyFile.load(room.keys).unwrap_all("shenji", PASSWORD):
        try:
            Database.open(room.db, key).close()
        except NotAMijianDatabase:
            continue
        opened.append(generation)
    return opened


def stage(room: RoomPaths, generation: int, opened: int) -> str:
    """Where the kill landed, read from the files it left."""
    keys = KeyFile.load(room.keys)
    if opened > generation:
        return "after the switch"
    if len(keys.generations) == 2:
        return "both keys written"
    if rekey.staging_path(room).exists():
        return "staging"
    return "rotation marked due" if keys.rotation_due else "before"


def look(room: RoomPaths, tail: tuple[int, str] | None = None) -> Seen:
    """Log in (which finishes or rolls back a rotation, and carries out one left due); the
    audit event `tail` must still be there."""
    session = open_session(room.db, "shenji", PASSWORD, FixedClock(START), exclusive=False)
    try:
        db = session.db
        names = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = {n: int(db.scalar(f'SELECT count(*) FROM "{n}"')) for n in names}
        last = db.one("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        resets = db.scalar("SELECT count(*) FROM audit_event WHERE action = '重置密码'")
        assert audit.verify(db).ok and db.integrity_problems() == []
        if tail is not None:
            assert db.one("SELECT 1 FROM audit_event WHERE seq = ? AND hash = ?", tail), "lost"
        keys = KeyFile.load(room.keys)
        assert len(keys.generations) == 1 and not rekey.staging_path(room).exists()
        assert keys.rotation_due is None, "a committed reset left the key unrotated"
        return Seen(rows, (last["seq"], last["hash"]), int(resets), keys.generations[0])
    finally:
        session.close()


def problems(room: RoomPaths, before: Seen) -> tuple[list[str], Seen]:
    try:
        now = look(room, before.tail)
    except AssertionError as exc:
        return [f"after open: {exc}"], before
    found = []
    if {k: v for k, v in now.rows.items() if k != "audit_event"} != {
        k: v for k, v in before.rows.items() if k != "audit_event"
    }:
        found.append(f"rows changed: {before.rows} -> {now.rows}")
    if now.rows["audit_event"] < before.rows["audit_event"]:
        found.append("audit events lost")
    if now.resets > before.resets and now.generation <= before.generation:
        found.append("the reset was committed but the key not rotated")
    return found, now


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("mode", ["rotate", "reset"])
def test_sigkill_anywhere_in_a_rotation_loses_nothing(tmp_path: Path, mode: str) -> None:
    room = create_demo_room(tmp_path / "room.mjdb", FixedClock(START), CHEAP, content=True)
    span = max(run_seconds(room, mode) for _ in range(3)) * 1.2
    rng = random.Random(20261202)
    tally: Counter[str] = Counter()
    failures: list[str] = []
    seen = look(room)
    for n in range(KILLS[mode]):
        child = start_victim(room, mode)
        time.sleep(rng.uniform(0, span))
        child.send_signal(signal.SIGKILL)
        child.wait()
        tally["killed"] += 1
        opened = keys_that_open(room)
        if len(opened) != 1:
            failures.append(f"kill {n}: generations opening the room: {opened}")
            continue
        tally["opened"] += 1
        tally[stage(room, seen.generation, opened[0])] += 1
        found, after = problems(room, seen)
        tally["lost"] += bool(found)
        failures.extend(f"kill {n}: {p}" for p in found)
        seen = after
    print(f"\n{mode}: {span / 1.2 * 1000:.0f} ms; kills {dict(tally)}")
    assert failures == []
    assert tally["opened"] == KILLS[mode] and tally["lost"] == 0
