"""借阅台 benchmark: scans through the real page, the database part of a scan, the out-panel and
the day-close queries, encrypted against plain.

    python bench/desk.py [--room small|large|stress] [--incidents 3500]

Scans are typed into the page's scan field as a keyboard-wedge scanner types them (characters,
then Enter) with the Qt event loop offscreen; the time is from the first character to the
banner showing the result. Before the page's scans the room is topped up to `--incidents` open
incidents (a room that lets its 违规过夜 pile up): every handover and return refreshes the
incidents line (target: scan p95 ≤ 50 ms with 3,500 open). Then the same scans while the task
runner renders a 20,000-row 销毁登记表 and while it runs the full check (targets: p95 ≤ 100 ms,
no event-loop stall over 200 ms).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import day_close, desk, scanning  # noqa: E402
from app.clock import FixedClock, stamp  # noqa: E402
from app.counter_view import incidents_line  # noqa: E402
from app.numbers import registration_number  # noqa: E402
from bench.rooms import NOW, build, open_encrypted, plain_database  # noqa: E402
from db.connection import Database  # noqa: E402


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def sample_copies(db: Database, n: int) -> list[str]:
    rows = db.query(
        "SELECT d.year, d.serial, c.copy_no FROM copy c JOIN document d ON d.id = c.document_id"
        " WHERE c.state = '在柜' AND d.level = '秘密' AND c.id % 997 = 0 LIMIT ?",
        (n,),
    )
    return [f"{registration_number(r[0], r[1])}/{r[2]}" for r in rows]


def top_up_incidents(db: Database, wanted: int) -> int:
    """Open 违规过夜 incidents on copies the scans do not use, until `wanted` are open; the
    room keeps them for the next run. Returns how many are open."""
    missing = wanted - int(db.scalar("SELECT count(*) FROM incident WHERE resolved_at IS NULL"))
    if missing > 0:
        copies = db.query("SELECT id FROM copy WHERE id % 997 != 0 ORDER BY id LIMIT ?", (missing,))
        with db.transaction():
            db.executemany(
                "INSERT INTO incident (kind, copy_id, night, at, noted_by, description)"
                " VALUES ('违规过夜', ?, ?, ?, 'bench', '密件未按时交回，过夜未登记例外')",
                [(r[0], f"bench-{i}", stamp(NOW)) for i, r in enumerate(copies)],
            )
    return int(db.scalar("SELECT count(*) FROM incident WHERE resolved_at IS NULL"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=("small", "large", "stress"), default="small")
    parser.add_argument("--incidents", type=int, default=3_500, help="open incidents at the desk")
    parser.add_argument("--switch", type=float, help="sys.setswitchinterval (s), to compare")
    options = parser.parse_args()
    if options.switch:
        sys.setswitchinterval(options.switch)
    size = options.room
    paths, plain_path = build(size)
    session = open_encrypted(paths)
    session.clock = FixedClock(NOW.replace(hour=10))  # a working morning
    plain = plain_database(plain_path)
    db = session.db
    handovers = db.scalar("SELECT max(id) FROM handover")
    print(f"room_copies: {db.scalar('SELECT max(id) FROM copy')} copies")
    print(f"room_handovers: {handovers} rows")

    codes = sample_copies(db, 120)
    reader_codes = [f"R{n:05d}" for n in range(0, 200, 3)]  # 核心 readers: may hold anything
    now = session.clock.now()

    # The database part of a scan, encrypted and plain.
    def db_part(target: Database) -> Callable[[], object]:
        def run() -> object:
            scan = scanning.resolve(target, codes[len(codes) // 2])
            reader = scanning.resolve(target, reader_codes[0]).reader
            assert scan.copy is not None and reader is not None
            return desk.refusal(target, reader, scan.copy, now)

        return run

    enc_db = timed(db_part(db), 300)
    plain_db = timed(db_part(plain), 300)
    print(f"scan_db_p50: {pct(enc_db, 0.5):.2f} ms")
    print(f"scan_db_p99: {pct(enc_db, 0.99):.2f} ms")
    print(f"scan_db_ratio: {statistics.median(enc_db) / statistics.median(plain_db):.2f} x")

    for name, fn in {
        "out_panel": lambda target: lambda: desk.out_now(target, now.date().isoformat()),
        "day_close_query": lambda target: (
            lambda: (day_close.blockers(target, now.date()), day_close.counts(target))
        ),
    }.items():
        enc = timed(fn(db), 30)
        base = timed(fn(plain), 30)
        print(f"{name}_p95: {pct(enc, 0.95):.1f} ms")
        print(f"{name}_ratio: {statistics.median(enc) / statistics.median(base):.2f} x")

    print(f"open_incidents: {top_up_incidents(db, options.incidents)} open")
    lines = timed(lambda: incidents_line(db), 30)
    print(f"incidents_line_p95: {pct(lines, 0.95):.1f} ms")

    # Through the page: 300 scans in a burst — a reader, then copies into the folder, Enter to
    # hand over, and the same copies back again.
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.pages.desk_page import DeskPage

    app = QApplication.instance() or QApplication([])
    page = DeskPage(session)
    page.resize(1300, 700)
    page.show()
    app.processEvents()
    samples: list[float] = []
    enters: list[float] = []  # Enter on the empty field: a handover or return, then the refresh

    def scan(code: str) -> None:
        t = time.perf_counter()
        QTest.keyClicks(page.scan_edit, code)
        QTest.keyClick(page.scan_edit, Qt.Key.Key_Return)
        app.processEvents()
        samples.append(time.perf_counter() - t)
        if not code:
            enters.append(samples[-1])

    copies = itertools.cycle(codes)  # each round brings its copies back, so they may go out again
    reader_index = 0
    while len(samples) < 300:
        batch = [next(copies) for _ in range(3)]
        scan(reader_codes[reader_index % len(reader_codes)])
        reader_index += 1
        for code in batch:
            scan(code)
        scan("")  # Enter on the empty field: hand over
        assert "已借出" in page.banner.text(), page.banner.text()
        for code in batch:
            scan(code)
            scan("")  # confirm the check: taken back
            assert "已归还" in page.banner.text(), page.banner.text()
    print(f"scans_through_page: {len(samples)} scans")
    print(f"scan_page_p50: {pct(samples, 0.5):.1f} ms")
    print(f"scan_page_p95: {pct(samples, 0.95):.1f} ms")
    print(f"scan_page_p99: {pct(samples, 0.99):.1f} ms")
    print(f"enter_page_p95: {pct(enters, 0.95):.1f} ms ({len(enters)} handovers and returns)")

    # The same rounds of scans while the runner lays out a 20,000-row 销毁登记表, then while it
    # runs the full check (each in the runner's process apart, as the window runs them): scan times, and the longest stall of the event loop (the
    # gap between ticks of a 10 ms timer, a scan's own time included).
    from app.apart import run_apart
    from app.maintenance import check_room
    from bench.login import Ticks
    from bench.reports import destruction_register
    from ui.tasks import TaskRunner

    # As the window runs them: on the runner, whose worker hands them to its process apart.
    jobs = {
        "destruction_register_20000": lambda s, p: run_apart(s, p, destruction_register, 20_000),
        "check": lambda s, p: run_apart(s, p, check_room),
    }
    runner = TaskRunner(session)
    for name, job in jobs.items():
        finished: list[object] = []
        first = len(samples)
        ticks = Ticks()
        ticks.start()
        started = time.perf_counter()
        runner.run(job, finished.append, finished.append)
        while not finished:
            batch_codes = [next(copies) for _ in range(3)]
            scan(reader_codes[reader_index % len(reader_codes)])
            reader_index += 1
            for code in batch_codes:
                scan(code)
            scan("")
            for code in batch_codes:
                scan(code)
                scan("")
        took = time.perf_counter() - started
        stall = ticks.stop()
        during = samples[first:]
        outcome = type(finished[0]).__name__
        print(f"{name}_on_runner: {took:.1f} s ({outcome})")
        print(f"{name}_scans: {len(during)} scans")
        print(f"{name}_scan_p50: {pct(during, 0.5):.1f} ms")
        print(f"{name}_scan_p95: {pct(during, 0.95):.1f} ms")
        print(f"{name}_longest_stall: {stall:.0f} ms")
    runner.shutdown()
    page.close()
    session.close()
    plain.close()


if __name__ == "__main__":
    main()
