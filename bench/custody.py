"""保管 benchmark: placing a copy by scan, a stocktake scanned in a burst (through the app and
through the 保管 page), and the finish that computes the discrepancies, for one cabinet and for
the whole room.

    python bench/custody.py [--room small|large|stress] [--scans 2000]

The bench room is reused between runs: its cabinet 基准柜 is filled once (a direct UPDATE, the
room is generated data) and every run adds one finished stocktake of it and one of the room.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import cabinets, filing, stocktake, stocktake_records  # noqa: E402
from app.clock import FixedClock  # noqa: E402
from app.demo import DEMO_PASSWORD  # noqa: E402
from app.numbers import registration_number  # noqa: E402
from app.reports import selfcheck_stats  # noqa: E402
from app.session import Session  # noqa: E402
from bench.desk import pct  # noqa: E402
from bench.rooms import NOW, build, open_encrypted  # noqa: E402

CABINET = "基准柜"


def bench_cabinet(session: Session, size: int) -> int:
    """The cabinet holding `size` copies in the room (every tenth one), made on first use."""
    db = session.db
    row = db.one("SELECT id FROM cabinet WHERE name = ?", (CABINET,))
    cabinet_id = int(row[0]) if row else cabinets.add_cabinet(session, CABINET, "基准").id
    with db.transaction():
        db.execute(
            "UPDATE copy SET cabinet_id = ? WHERE id IN (SELECT id FROM copy"
            " WHERE state = '在柜' AND id % 10 = 0 ORDER BY id LIMIT ?)",
            (cabinet_id, size),
        )
    return cabinet_id


def codes_in(session: Session, cabinet_id: int) -> list[str]:
    rows = session.db.query(
        "SELECT d.year, d.serial, c.copy_no FROM copy c JOIN document d ON d.id = c.document_id"
        " WHERE c.cabinet_id = ? AND c.state = '在柜' ORDER BY c.id",
        (cabinet_id,),
    )
    return [f"{registration_number(r[0], r[1])}/{r[2]}" for r in rows]


def finish_open(session: Session) -> None:
    """A run stopped half-way leaves its stocktake open; finish it so this run can start."""
    left = stocktake.open_stocktake(session.db)
    if left is not None:
        stocktake.finish(session, left.id, DEMO_PASSWORD)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=("small", "large", "stress"), default="small")
    parser.add_argument("--scans", type=int, default=2000)
    args = parser.parse_args()
    paths, _ = build(args.room)
    session = open_encrypted(paths)
    session.clock = FixedClock(NOW.replace(hour=10))
    db = session.db
    print(f"room_copies: {db.scalar('SELECT max(id) FROM copy')} copies")
    finish_open(session)
    cabinet_id = bench_cabinet(session, args.scans)
    codes = codes_in(session, cabinet_id)
    print(f"cabinet_copies: {len(codes)} copies")

    # Moving by scan: 100 copies to a second cabinet and back again (200 audited moves).
    row = db.one("SELECT id FROM cabinet WHERE name = ?", (CABINET + "乙",))
    other = int(row[0]) if row else cabinets.add_cabinet(session, CABINET + "乙").id
    samples = []
    for target in (other, cabinet_id):
        for code in codes[:100]:
            t = time.perf_counter()
            moved = cabinets.place_by_scan(session, target, code)
            samples.append(time.perf_counter() - t)
            assert "移到" in moved.message, moved.message
    print(f"move_scan_p95: {pct(samples, 0.95):.1f} ms")

    # A stocktake of the cabinet, scanned in a burst through the app; one copy in fifty missing.
    taken = stocktake.start(session, cabinet_id, "baomi")
    present = [c for i, c in enumerate(codes) if i % 50 != 7]
    samples = []
    for code in present:
        t = time.perf_counter()
        said = stocktake.scan(session, taken.id, code)
        samples.append(time.perf_counter() - t)
        assert said.ok, said.message
    print(f"stocktake_scans: {len(samples)} scans")
    print(f"stocktake_scan_p50: {pct(samples, 0.5):.1f} ms")
    print(f"stocktake_scan_p95: {pct(samples, 0.95):.1f} ms")
    print(f"stocktake_scan_p99: {pct(samples, 0.99):.1f} ms")
    t = time.perf_counter()
    done = stocktake.finish(session, taken.id, DEMO_PASSWORD)
    print(f"finish_cabinet: {(time.perf_counter() - t) * 1000:.0f} ms (incl. password check)")
    print(f"cabinet_missing: {done.counts[stocktake.Finding.MISSING]} copies")

    # Through the 保管 page: keys as a scanner types them, then Enter, to the result shown.
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.pages.custody_page import CustodyPage

    app = QApplication.instance() or QApplication([])
    page = CustodyPage(session)
    page.show()
    app.processEvents()
    page.scope_combo.setCurrentIndex(page.scope_combo.findData(cabinet_id))
    page.second_combo.setCurrentIndex(page.second_combo.findData("baomi"))
    page.start_button.click()
    samples = []
    for code in present[:300]:
        t = time.perf_counter()
        QTest.keyClicks(page.stocktake_edit, code)
        QTest.keyClick(page.stocktake_edit, Qt.Key.Key_Return)
        app.processEvents()
        samples.append(time.perf_counter() - t)
        assert "相符" in page.result_label.text(), page.result_label.text()
    print(f"page_scans: {len(samples)} scans")
    print(f"page_scan_p95: {pct(samples, 0.95):.1f} ms")
    # 300 of the cabinet's copies scanned: the page asks before recording the rest as 缺失 (a
    # modal question that would wait for ever here); the finish runs off the GUI thread.
    page.confirm_unscanned = lambda _text: True
    page.password_edit.setText(DEMO_PASSWORD)
    page.finish_button.click()
    while page.finishing:
        app.processEvents()
        time.sleep(0.01)
    assert "清查完成" in page.result_label.text(), page.result_label.text()
    page.close()

    # The whole room with nothing scanned: every copy in the room is a 缺失 finding.
    taken = stocktake.start(session, None, "baomi")
    t = time.perf_counter()
    done = stocktake.finish(session, taken.id, DEMO_PASSWORD)
    print(f"finish_room: {(time.perf_counter() - t) * 1000:.0f} ms (incl. password check)")
    print(f"room_expected: {done.stocktake.expected} copies")
    t = time.perf_counter()
    rows = stocktake_records.findings(session, taken.id)
    print(f"room_findings_read: {(time.perf_counter() - t) * 1000:.0f} ms for {len(rows)} rows")
    t = time.perf_counter()
    first = stocktake_records.findings_page(session, taken.id, None, 200)
    print(
        f"room_findings_first_page: {(time.perf_counter() - t) * 1000:.1f} ms ({len(first)} rows)"
    )
    t = time.perf_counter()
    stocktake_records.findings_page(session, taken.id, rows[len(rows) // 2], 200)
    print(f"room_findings_middle_page: {(time.perf_counter() - t) * 1000:.1f} ms")
    # The year's 保密自查自评 figures (issue 17: ≤ 2 s at the stress room), and the year's check
    # of copies without an end.
    for year in (NOW.year - 1, NOW.year):
        t = time.perf_counter()
        selfcheck_stats.figures(session, year)
        print(f"selfcheck_stats_{year}: {(time.perf_counter() - t) * 1000:.0f} ms")
    t = time.perf_counter()
    left = filing.unended(session, NOW.year - 1)
    print(
        f"unended_{NOW.year - 1}: {(time.perf_counter() - t) * 1000:.0f} ms for {len(left)} copies"
    )
    session.close()


if __name__ == "__main__":
    main()
