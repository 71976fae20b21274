"""传阅 and 今日时限 benchmark: the board with 100,000 open time limits, a route's status and
who is next for a copy, on a copy of a generated room; through the desk page, a return scan
that records 阅毕 and names the next reader, and a labelled folder scanned out and back.

    python bench/circulation.py [--room small|large|stress]

The generated rooms have no time limits, so a copy of the room gets them: 100,000 open items
(registrations with a 办理时限 and leaders' instructions), deadlines spread over the month
before and after "now" (about half are due today or overdue), 50 of them 挂牌督办, a tenth
of the registrations 办结 (off the board by the index's condition), one in a hundred signed
for late at the exchange today, and a ten-reader route on one document.
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

from app import board, circulation, desk, folders  # noqa: E402
from app.clock import FixedClock, stamp  # noqa: E402
from app.numbers import registration_number  # noqa: E402
from app.paths import RoomPaths  # noqa: E402
from app.session import Session  # noqa: E402
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
        # 办结 (a tenth): closed items the board's index leaves out.
        db.execute(
            "UPDATE document SET done_at = ?, done_by = 'bench', done_result = '已办结'"
            " WHERE id % 10 = 3 AND id <= ?",
            (stamp(NOW), with_deadline),
        )
        # Late sign-fors today (one in a hundred): waiting at 07:00, 特急, signed at 08:00.
        db.execute(
            "UPDATE document SET waiting_at = ?, sign_due = ?, received_at = ? WHERE id % 100 = 7",
            (
                stamp(NOW.replace(hour=7)),
                stamp(NOW.replace(hour=7, minute=30)),
                stamp(NOW.replace(hour=8)),
            ),
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
        late = board.count(db, now).late_signs
        print(f"late_signs_today: {late} (counted with the board)")
        through_the_page(session, readers)
        session.close()


def through_the_page(session: Session, readers: list[int]) -> None:
    """The desk page, typed as a scanner types: (1) 40 returns that record 阅毕 — the copy's
    scan, Enter to confirm the check, Enter for "no 批示" — each timed from its first key to the
    banner naming the next reader; (2) a folder of ten copies scanned out with one label and
    back copy by copy."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.pages.desk_page import DeskPage

    db = session.db
    app = QApplication.instance() or QApplication([])
    page = DeskPage(session)
    page.resize(1300, 700)
    page.show()
    app.processEvents()

    def keys(text: str) -> float:
        t = time.perf_counter()
        QTest.keyClicks(page.scan_edit, text)
        QTest.keyClick(page.scan_edit, Qt.Key.Key_Return)
        app.processEvents()
        return time.perf_counter() - t

    rows = db.query(
        "SELECT c.id, c.document_id, d.year, d.serial, c.copy_no FROM copy c"
        " JOIN document d ON d.id = c.document_id WHERE c.state = '在柜' AND d.level = '秘密'"
        " AND d.reading_state IS NULL AND c.id % 97 = 0 LIMIT 40"
    )
    whole: list[float] = []
    last_enter: list[float] = []
    for r in rows:
        circulation.set_route(session, r["document_id"], readers[:3])
        desk.checkout(session, readers[0], [r["id"]])
        code = f"{registration_number(r['year'], r['serial'])}/{r['copy_no']}"
        scan, check, answer = keys(code), keys(""), keys("")
        assert "下一位" in page.banner.text(), page.banner.text()
        whole.append(scan + check + answer)
        last_enter.append(answer)
    print(f"return_read_page: {len(whole)} returns recording 阅毕")
    print(f"return_read_page_p95: {pct(whole, 0.95):.1f} ms (scan + check + answer)")
    print(f"return_read_enter_p95: {pct(last_enter, 0.95):.1f} ms (the Enter that writes)")

    red = folders.create(session, "bench-夹")
    inside = db.query(
        "SELECT c.id, d.year, d.serial, c.copy_no FROM copy c JOIN document d"
        " ON d.id = c.document_id WHERE c.state = '在柜' AND d.level = '秘密'"
        " AND c.id % 89 = 0 AND c.id % 97 <> 0 LIMIT 10"
    )
    reader_badge = db.scalar("SELECT badge_code FROM reader WHERE id = ?", (readers[0],))
    keys(str(reader_badge))
    for r in inside:
        keys(f"{registration_number(r['year'], r['serial'])}/{r['copy_no']}")
    keys(red.code)
    out = keys("")
    assert "装入文件夹" in page.banner.text(), page.banner.text()
    t = time.perf_counter()
    keys(red.code)  # back: its return starts
    for r in inside:
        keys(f"{registration_number(r['year'], r['serial'])}/{r['copy_no']}")
    back = keys("")
    if "是否作了批示" in page.banner.text():  # a copy on its route: no 批示
        back += keys("")
    assert "已收回" in page.banner.text(), page.banner.text()
    print(f"folder_out_enter: {out * 1000:.1f} ms ({len(inside)} copies packed and handed out)")
    print(f"folder_back_enter: {back * 1000:.1f} ms; whole return {time.perf_counter() - t:.2f} s")
    page.close()


if __name__ == "__main__":
    main()
