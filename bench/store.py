"""Store benchmark: unlock time, and the encrypted store against plain sqlite3 on the same work.

    python bench/store.py [--room small|large|stress]

Prints one figure per line as `name: value unit`. The room (an audit chain of the given length)
is generated once under bench/rooms/ and reused.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import audit  # noqa: E402
from app.clock import FixedClock  # noqa: E402
from app.demo import DEMO_PASSWORD, create_demo_room  # noqa: E402
from app.paths import RoomPaths  # noqa: E402
from app.session import open_session  # noqa: E402
from bench.rooms import plain_database  # noqa: E402
from db.connection import Database  # noqa: E402
from db.migrate import migrate, migrations  # noqa: E402

SIZES = {"small": 10_000, "large": 200_000, "stress": 2_000_000}
WORKLOAD_ROWS = 10_000
START = datetime(2026, 1, 5, 8, 30, tzinfo=timezone(timedelta(hours=8)))


def build_room(size: str) -> RoomPaths:
    paths = RoomPaths(ROOT / "bench" / "rooms" / f"store-{size}.mjdb")
    if paths.db.exists() and paths.keys.exists():
        return paths
    paths.db.parent.mkdir(parents=True, exist_ok=True)
    clock = FixedClock(START)
    create_demo_room(paths.db, clock)
    session = open_session(paths.db, "jiyao", DEMO_PASSWORD, clock)
    events = SIZES[size]
    done = audit.count(session.db)
    while done < events:
        with session.db.transaction():
            for _ in range(min(1000, events - done)):
                clock.advance(seconds=7)
                audit.record(
                    session.db, clock, "jiyao", "借出", f"copy:{done}", {"reader": done % 97}
                )
                done += 1
    session.close()
    return paths


def unlock_ms(paths: RoomPaths) -> float:
    times = []
    clock = FixedClock(START)
    for _ in range(5):
        t = time.perf_counter()
        session = open_session(paths.db, "shenji", DEMO_PASSWORD, clock, exclusive=False)
        times.append((time.perf_counter() - t) * 1000)
        session.close()
    return statistics.median(times)


def workload(db: Database) -> float:
    """10,000 audited inserts in transactions of 10, then 2,000 point reads; seconds."""
    clock = FixedClock(START)
    t = time.perf_counter()
    for batch in range(WORKLOAD_ROWS // 10):
        with db.transaction():
            for i in range(10):
                db.execute(
                    "INSERT INTO setting (key, value) VALUES (?, ?)", (f"w{batch}-{i}", "值" * 50)
                )
                audit.record(db, clock, "bench", "写入", f"w{batch}-{i}")
    for i in range(2000):
        db.one("SELECT value FROM setting WHERE key = ?", (f"w{i % 1000}-{i % 10}",))
        db.one("SELECT * FROM audit_event WHERE seq = ?", (i * 3 + 1,))
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=sorted(SIZES), default="small")
    size = parser.parse_args().room
    paths = build_room(size)
    print(f"room_audit_events: {SIZES[size]} events")
    print(f"unlock_median: {unlock_ms(paths):.1f} ms")

    session = open_session(paths.db, "shenji", DEMO_PASSWORD, FixedClock(START), exclusive=False)
    t = time.perf_counter()
    report = audit.verify(session.db)
    print(f"chain_verify: {time.perf_counter() - t:.2f} s")
    assert report.ok
    t = time.perf_counter()
    problems = session.db.integrity_problems()
    print(f"integrity_check: {time.perf_counter() - t:.2f} s")
    assert not problems
    session.close()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copyfile(paths.db, work / "enc.mjdb")
        key_session = open_session(
            paths.db, "shenji", DEMO_PASSWORD, FixedClock(START), exclusive=False
        )
        key = key_session.data_key
        key_session.close()
        enc = Database.open(work / "fresh.mjdb", key, create=True)
        migrate(enc)
        encrypted = workload(enc)
        enc.close()
        plain = plain_database(work / "plain.db")
        for _, script in migrations():
            plain.executescript(script.read_text(encoding="utf-8"))

        baseline = workload(plain)
        plain.close()
    print(f"workload_encrypted: {encrypted:.2f} s")
    print(f"workload_plain: {baseline:.2f} s")
    print(f"insert_query_ratio: {encrypted / baseline:.2f} x")


if __name__ == "__main__":
    main()
