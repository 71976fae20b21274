"""传阅 and 今日时限 benchmark: the board with 100,000 open time limits, a route's status and
who is next for a copy, on a copy of a generated room.

    python bench/circulation.py [--room small|large|stress]

The generated rooms have no time limits, so a copy of the room gets them: 100,000 open items
(registrations with a 办理时限 and leaders' instructions), deadlines spread over the month
before and after "now" (about half are due today or overdue), 50 of them 挂牌督办, and a
ten-reader route on one document.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import board, circulation  # noqa: E402
from app.clock import FixedClock, stamp  # noqa: E402
from app.paths import RoomPaths  # noqa: E402
from bench.desk import pct, timed  # noqa: E402
from bench.rooms import NOW, build, open_encrypted  # noqa: E402
from db.connection import Database  # noqa: E402

OPEN_ITEMS = 100_000


def add_open_items(db: Database, seed: int = 11) -> tuple[int, int]:
    """Registrations' 办理时限 on up to 40% of the items (half of them 阅件, whose reading is
    checked against their route), instructions for the rest."""
    rng = random.Random(seed)
    documents = int(db.scalar("SELECT max(id) FROM document"))
    with_deadline = min(documents, OPEN_ITEMS * 2 // 5)
    spread = timedelta(days=30).total_seconds()

    def due() -> str:
        return stamp(NOW + timedelta(seconds=rng.uniform(-spread, spread)))

    with db.transaction():
        db.executemany(
            "UPDATE document SET deadline = ?, handling = ? WHERE id = ?",
            [
                (due(), ("办件", "阅件")[doc_id % 2], doc_id)
                for doc_id in range(1, with_deadline + 1)
            ],
        )
        rows = []
        for n in range(OPEN_ITEMS - with_deadline):
            rows.append(
                (
                    rng.randint(1, documents),
                    f"领导{n % 12:02d}",
                    stamp(NOW - timedelta(days=40)),
                    "请抓紧办理并反馈",
                    "普通",
                    due(),
                    rng.choice(("待办", "办理中", "延期")),
                    stamp(NOW - timedelta(days=40)),
                    "bench",
                    stamp(NOW) if n < 50 else None,
                )
            )
        db.executemany(
            "INSERT INTO instruction (document_id, leader, given_at, text, kind, deadline, state,"
            " created_at, created_by, flagged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return with_deadline, OPEN_ITEMS - with_deadline


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=("small", "large", "stress"), default="small")
    size = parser.parse_args().room
    stock, _ = build(size)
    with tempfile.TemporaryDirectory() as tmp:
        paths = RoomPaths(Path(tmp) / "room.mjdb")
        for source, dest in zip(stock.files, paths.files, strict=True):
            if source.exists():
                shutil.copyfile(source, dest)
        session = open_encrypted(paths)
        session.clock = FixedClock(NOW.replace(hour=10))
        db = session.db
        started = time.perf_counter()
        registrations, items = add_open_items(db)
        print(f"open_items: {registrations} registrations + {items} instructions", end="")
        print(f" (added in {time.perf_counter() - started:.1f} s)")
        now = session.clock.now()
        count = board.count(db, now)
        print(f"board_due: {count.total} due today or overdue ({count.overdue} overdue)")

        board_runs = timed(lambda: (board.items(db, now), board.count(db, now)), 30)
        print(f"board_ms: {pct(board_runs, 0.5):.1f} ms (p95 {pct(board_runs, 0.95):.1f} ms)")
        count_runs = timed(lambda: board.count(db, now), 30)
        print(f"board_count_ms: {pct(count_runs, 0.95):.1f} ms")

        readers = [
            r[0] for r in db.query("SELECT id FROM reader WHERE clearance = '核心' LIMIT 10")
        ]
        doc_id = int(db.scalar("SELECT document_id FROM copy WHERE id = 1"))
        circulation.set_route(session, doc_id, readers)
        status_runs = timed(lambda: circulation.status(db, doc_id), 100)
        print(f"route_status_ms: {pct(status_runs, 0.95):.2f} ms (p95)")
        next_runs = timed(lambda: circulation.next_reader(db, 1), 100)
        print(f"next_reader_ms: {pct(next_runs, 0.95):.2f} ms (p95)")
        session.close()


if __name__ == "__main__":
    main()
