"""Single-bit faults in each of a room's files: caught (a typed error at login or a finding in
`check`), harmless (the data read back is unchanged), a silent loss (check says 通过 over
changed data) or a traceback. Shared by bench/faults.py and tests/app/test_faults_flips.py.

The write-ahead log case is the one the issue measured: a session commits N changes with
autocheckpoint off, the room's files are copied as a crash would leave them (room file and
-wal, no -shm, so the next open runs WAL recovery), one bit of the copy's -wal is flipped and
the copy is opened as the custodian would open it.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

from app import registration_checks, registry, settings
from app.clock import FixedClock
from app.demo import DEMO_PASSWORD, create_demo_room
from app.errors import MijianError
from app.maintenance import check_room
from app.paths import RoomPaths
from app.session import open_session
from bench.fault_disk import CHEAP, START
from db.connection import Database
from db.keyslots import KeyFile

LOGIN = "jiyao"


def wal_path(db: Path) -> Path:
    return db.with_name(db.name + "-wal")


def copy_room(source: RoomPaths, folder: Path, *, wal: bool = False) -> RoomPaths:
    folder.mkdir(parents=True, exist_ok=True)
    target = RoomPaths(folder / source.db.name)
    for src, dest in zip(source.files, target.files, strict=True):
        if src.exists():
            shutil.copyfile(src, dest)
    if wal:
        shutil.copyfile(wal_path(source.db), wal_path(target.db))
    return target


def flip(path: Path, rng: random.Random, start: int = 0) -> int:
    data = bytearray(path.read_bytes())
    at = rng.randrange(start, len(data))
    data[at] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    return at


def digest(path: Path, key: bytes) -> str:
    """Every row of every table, read with the data key and no login (nothing written)."""
    db = Database.open(path, key)
    try:
        out = hashlib.sha256()
        tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        for (name,) in tables:
            rows = sorted(repr(tuple(r)) for r in db.query(f'SELECT * FROM "{name}"'))
            out.update(f"{name}:{len(rows)}:{''.join(rows)}".encode())
        return out.hexdigest()
    finally:
        db.close()


def data_key(room: RoomPaths) -> bytes:
    return KeyFile.load(room.keys).unwrap(LOGIN, DEMO_PASSWORD)


def outcome(room: RoomPaths, key: bytes, expected: str) -> str:
    """`caught_open:<error>`, `caught_check`, `check_error` (typed, report not printed), `harmless`,
    `silent_loss` or `traceback`."""
    probe = room.db.with_name("probe.mjdb")
    shutil.copyfile(room.db, probe)
    if wal_path(room.db).exists():
        shutil.copyfile(wal_path(room.db), wal_path(probe))
    try:
        seen = digest(probe, key)
    except Exception:  # noqa: BLE001 - unreadable without a login: a loss unless caught
        seen = "unreadable"
    clock = FixedClock(START)
    try:
        session = open_session(room.db, LOGIN, DEMO_PASSWORD, clock, exclusive=False)
    except MijianError as exc:
        return f"caught_open:{type(exc).__name__}"
    except Exception:  # noqa: BLE001
        return "traceback"
    try:
        report = check_room(session)
    except MijianError:
        return "check_error"
    except Exception:  # noqa: BLE001
        return "traceback"
    finally:
        session.close()
    if not report.ok:
        return "caught_check"
    return "harmless" if seen == expected else "silent_loss"


def db_campaign(template: RoomPaths, work: Path, flips: int, seed: int = 12) -> Counter[str]:
    rng = random.Random(seed)
    key = data_key(template)
    expected = digest(template.db, key)
    counts: Counter[str] = Counter()
    for i in range(flips):
        room = copy_room(template, work / f"db{i}")
        flip(room.db, rng)
        counts[outcome(room, key, expected)] += 1
        shutil.rmtree(room.db.parent)
    return counts


def crashed_room(work: Path, commits: int) -> RoomPaths:
    """A room whose last `commits` changes (registrations, every third a settings change) are
    only in its -wal, copied as after a crash."""
    live = create_demo_room(work / "live" / "room.mjdb", FixedClock(START), CHEAP, content=False)
    session = open_session(live.db, LOGIN, DEMO_PASSWORD, FixedClock(START), exclusive=False)
    admin = open_session(live.db, "xitong", DEMO_PASSWORD, FixedClock(START), exclusive=False)
    try:
        session.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        session.db.execute("PRAGMA wal_autocheckpoint = 0")
        admin.db.execute("PRAGMA wal_autocheckpoint = 0")
        for n in range(1, commits + 1):
            if n % 3 == 0:  # a settings change between registrations
                settings.set_idle_lock_minutes(admin, 5 + n)
                continue
            data = registration_checks.DocumentInput(
                issuer="市委办公室",
                source="市",
                title=f"关于写前日志的通知之{n}",
                level="秘密",
                copy_numbers="1-3",
                doc_number=f"市委办发〔2026〕{n}号",
                written_on=date(2026, 11, 10),
            )
            registry.register(session, data)
        crashed = copy_room(live, work / "crashed", wal=True)
    finally:
        session.close()
        admin.close()
    return crashed


def wal_campaign(work: Path, flips: int, commits: int = 25, seed: int = 12) -> Counter[str]:
    rng = random.Random(seed)
    crashed = crashed_room(work, commits)
    key = data_key(crashed)
    whole = copy_room(crashed, work / "whole", wal=True)
    expected = digest(whole.db, key)
    counts: Counter[str] = Counter()
    # The control: the same copy without a flip opens, passes check, and holds every commit.
    counts[f"control_{outcome(whole, key, expected)}"] += 1
    full = _events(copy_room(crashed, work / "count", wal=True), key)
    for i in range(flips):
        room = copy_room(crashed, work / f"wal{i}", wal=True)
        flip(wal_path(room.db), rng)
        lost = full - _events(copy_room(room, work / "probe", wal=True), key)
        shutil.rmtree(work / "probe")
        counts[f"lost_events:{lost}"] += 1
        seen = outcome(room, key, expected)
        counts[seen] += 1
        if lost and not seen.startswith(("caught", "check_error")):
            counts["lost_not_refused"] += 1
        shutil.rmtree(room.db.parent)
    return counts


def _events(room: RoomPaths, key: bytes) -> int:
    """Audit events WAL recovery keeps (read without a login, which would write)."""
    db = Database.open(room.db, key)
    try:
        return int(db.scalar("SELECT count(*) FROM audit_event"))
    finally:
        db.close()


def side_file_campaign(
    template: RoomPaths, work: Path, flips: int, which: str, seed: int = 12
) -> Counter[str]:
    """Flips in the keys file or the anchor: caught or harmless, never a traceback."""
    rng = random.Random(seed)
    key = data_key(template)
    expected = digest(template.db, key)
    counts: Counter[str] = Counter()
    for i in range(flips):
        room = copy_room(template, work / f"{which}{i}")
        flip(room.keys if which == "keys" else room.anchor, rng)
        counts[outcome(room, key, expected)] += 1
        shutil.rmtree(room.db.parent)
    return counts
