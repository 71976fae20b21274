"""Trail benchmark: verifying the whole sealed audit trail with the sheet, and the chain alone.

    python bench/trail.py [--room small|large|stress]

Prints one figure per line as `name: value unit`. The room (a trail of the given length, sealed
every 5,000 events as a busy room's days would be) is generated once under bench/rooms/.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import audit, seal, seal_verify, trail  # noqa: E402
from app.clock import FixedClock, stamp  # noqa: E402
from app.demo import DEMO_PASSWORD, create_demo_room, sheet_path  # noqa: E402
from app.paths import RoomPaths  # noqa: E402
from app.session import open_session  # noqa: E402

SIZES = {"small": 100_000, "large": 500_000, "stress": 2_000_000}
PER_PERIOD = 5_000
START = datetime(2020, 1, 6, 8, 30, tzinfo=timezone(timedelta(hours=8)))


def build_room(size: str) -> RoomPaths:
    paths = RoomPaths(ROOT / "bench" / "rooms" / f"trail-{size}.mjdb")
    if all(p.exists() for p in paths.files):
        return paths
    for leftover in (*paths.files, sheet_path(paths)):
        leftover.unlink(missing_ok=True)
    paths.db.parent.mkdir(parents=True, exist_ok=True)
    clock = FixedClock(START)
    create_demo_room(paths.db, clock, content=False)
    session = open_session(paths.db, "jiyao", DEMO_PASSWORD, clock)
    db, room_id = session.db, session.room.room_id
    tail = db.one("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    seq, prev = int(tail["seq"]), str(tail["hash"])
    while seq < SIZES[size]:
        rows = []
        for _ in range(min(PER_PERIOD, SIZES[size] - seq)):
            seq += 1
            clock.advance(seconds=5)
            at = stamp(clock.now())
            details = json.dumps({"reader": seq % 97, "due": at}, ensure_ascii=False)
            obj = f"copy:2020-{seq % 9999:04d} 第{seq % 50:06d}份"
            digest = audit.event_hash(seq, at, "jiyao", "借出", obj, details, prev)
            rows.append((seq, at, "jiyao", "借出", obj, details, prev, digest))
            prev = digest
        with db.transaction():
            db.executemany(
                "INSERT INTO audit_event (seq, at, account, action, object, details, prev_hash,"
                " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            seal.seal(db, clock, room_id)
    session.close()
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=list(SIZES), default="small")
    args = parser.parse_args()
    paths = build_room(args.room)
    clock = FixedClock(START + timedelta(days=4000))
    session = open_session(paths.db, "shenji", DEMO_PASSWORD, clock, exclusive=False)
    key = seal.parse_verification_key(
        sheet_path(paths).read_text(encoding="utf-8"), session.room.room_id
    )
    events = audit.count(session.db)
    started = time.perf_counter()
    chain = audit.verify(session.db)
    chain_s = time.perf_counter() - started
    ticks: list[float] = []
    started = time.perf_counter()
    report = seal_verify.verify(session.db, key, progress=lambda n: ticks.append(n))
    sealed_s = time.perf_counter() - started
    started = time.perf_counter()
    both = trail.verify(session, sheet_path(paths).read_text(encoding="utf-8"))
    parallel_s = time.perf_counter() - started
    session.close()
    assert chain.ok and report.ok and both.ok, report.lines
    print(f"trail_events: {events} events")
    print(f"trail_periods: {report.periods} periods")
    print(f"chain_verify: {chain_s:.2f} s")
    print(f"sealed_verify: {sealed_s:.2f} s")
    print(f"sealed_verify_rate: {events / sealed_s:,.0f} events/s".replace(",", ""))
    print(f"sealed_verify_as_run: {parallel_s:.2f} s")  # trail.verify: every core past 200,000
    print(f"progress_reports: {len(ticks)} calls")


if __name__ == "__main__":
    main()
