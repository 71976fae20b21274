"""分发 benchmark: issuing 50-copy distributions by scan through the real page, returns by scan,
a unit's holdings, the overdue list, and the 清退催收单 of every unit for a year, encrypted
against plain.

    python bench/distribution.py [--room small|large|stress]

The generated room (bench/rooms.py) is copied to a temporary folder, migrated, and given units
and distributed copies: with --room stress, 2,000 units and 300,000 distributed copies (the
figures of issue 15); smaller rooms get the same shares (a tenth of the units, 30 % of the
copies). Scans are typed into the page's scan field as a keyboard-wedge scanner types them;
the time is from the first character to the banner showing the result.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import distribution  # noqa: E402
from app.clock import FixedClock, stamp  # noqa: E402
from app.numbers import registration_number  # noqa: E402
from app.paths import RoomPaths  # noqa: E402
from bench.desk import pct, timed  # noqa: E402
from bench.rooms import NOW, build, open_encrypted, plain_database  # noqa: E402
from db.connection import Database  # noqa: E402
from db.migrate import migrations  # noqa: E402

UNITS = {"small": 200, "large": 1_000, "stress": 2_000}
SHARE = 0.3  # of the room's copies distributed (300,000 of the stress room's 1,000,000)
PER_RECEIPT = 50


def fill(db: Database, units: int) -> int:
    """Units, and receipts of 50 copies each over 30 % of the classified copies in the room:
    half of them back, half still held. Returns the number of distributed copies."""
    at = stamp(NOW.replace(year=NOW.year - 1))
    kinds = ("部门", "乡镇街道", "下级单位", "上级机要渠道")
    with db.transaction():
        db._conn.executemany(
            "INSERT INTO unit (name, short_name, initials, kind, created_at) VALUES (?, ?, ?, ?, ?)",
            [(f"单位{n:04d}", f"单{n}", f"dw{n:04d}", kinds[n % 4], at) for n in range(units)],
        )
    total = int(db.scalar("SELECT count(*) FROM copy"))
    wanted = int(total * SHARE)
    ids = [
        r[0]
        for r in db.query(
            "SELECT c.id FROM copy c JOIN document d ON d.id = c.document_id"
            " WHERE c.state = '在柜' AND d.level IN ('机密', '秘密') AND c.id % 5 <> 0"
            " ORDER BY c.id LIMIT ?",
            (wanted,),
        )
    ]
    year = NOW.year - 1
    with db.transaction():
        for serial, start in enumerate(range(0, len(ids), PER_RECEIPT), 1):
            chunk = ids[start : start + PER_RECEIPT]
            unit_id = (serial % units) + 1
            receipt = db.execute(
                "INSERT INTO distribution_receipt (year, serial, unit_id, signer_id, issued_at,"
                " issued_by) VALUES (?, ?, ?, 1, ?, 'bench')",
                (year, serial, unit_id, at),
            ).lastrowid
            back = at if serial % 2 == 0 else None
            db._conn.executemany(
                "INSERT INTO distribution_item (receipt_id, copy_id, out_at, back_at, back_by)"
                " VALUES (?, ?, ?, ?, ?)",
                [(receipt, c, at, back, "bench" if back else None) for c in chunk],
            )
            if back:
                db.execute(
                    "UPDATE distribution_receipt SET closed_at = ? WHERE id = ?", (back, receipt)
                )
            else:
                db._conn.executemany(
                    "UPDATE copy SET state = '分发在外' WHERE id = ?", [(c,) for c in chunk]
                )
    return len(ids)


def copy_room(size: str, folder: Path) -> tuple[RoomPaths, Path]:
    paths, plain = build(size)
    target = RoomPaths(folder / "room.mjdb")
    for source, dest in zip(paths.files, target.files, strict=True):
        if source.exists():
            shutil.copyfile(source, dest)
    twin = folder / "room.sqlite"
    shutil.copyfile(plain, twin)
    return target, twin


def migrate_twin(twin: Database) -> None:
    """The plain twin was made with the migrations of its generation and carries no version:
    bring it to the head by running those after 0010 when it has no units yet."""
    if twin.scalar("SELECT 1 FROM sqlite_master WHERE name = 'unit'"):
        return
    for number, script in migrations():
        if number > 10:
            twin.executescript(script.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=("small", "large", "stress"), default="small")
    size = parser.parse_args().room
    with tempfile.TemporaryDirectory() as folder:
        paths, twin_path = copy_room(size, Path(folder))
        session = open_encrypted(paths)  # migrates to the head
        session.clock = FixedClock(NOW.replace(hour=10))
        plain = plain_database(twin_path)
        migrate_twin(plain)
        t = time.perf_counter()
        distributed = fill(session.db, UNITS[size])
        fill(plain, UNITS[size])
        print(f"fill: {time.perf_counter() - t:.1f} s (both rooms)")
        run(session, plain, distributed)
        session.close()
        plain.close()


def run(session, plain: Database, distributed: int) -> None:  # type: ignore[no-untyped-def]
    db = session.db
    print(f"units: {db.scalar('SELECT count(*) FROM unit')}")
    print(f"distributed_copies: {distributed} ({db.scalar(held_sql())} held)")
    busiest = int(
        db.scalar(
            "SELECT r.unit_id FROM distribution_item i JOIN distribution_receipt r"
            " ON r.id = i.receipt_id WHERE i.back_at IS NULL GROUP BY r.unit_id"
            " ORDER BY count(*) DESC LIMIT 1"
        )
    )
    now = session.clock.now()
    queries: dict[str, Callable[[Database], Callable[[], object]]] = {
        "holdings": lambda target: lambda: distribution.holdings(target, busiest),
        "holdings_at": lambda target: (
            lambda: distribution.holdings(target, busiest, now.replace(year=now.year - 1, month=12))
        ),
        "receipts_of_unit": lambda target: lambda: distribution.receipts(target, busiest),
    }
    print(f"busiest_unit_holds: {len(distribution.holdings(db, busiest))} copies")
    for name, make in queries.items():
        enc = timed(make(db), 30)
        base = timed(make(plain), 30)
        print(f"{name}_p95: {pct(enc, 0.95):.1f} ms")
        print(f"{name}_ratio: {statistics.median(enc) / statistics.median(base):.2f} x")
    # The worst case: a recall deadline past, so every held copy is listed.
    past = now.date().replace(month=1, day=1)
    enc = timed(lambda: distribution.overdue(db, now, past), 3)
    base = timed(lambda: distribution.overdue(plain, now, past), 3)
    print(f"overdue_listed: {len(distribution.overdue(db, now, past))} copies")
    print(f"overdue_all_units: {max(enc) * 1000:.0f} ms (max of 3)")
    print(f"overdue_ratio: {statistics.median(enc) / statistics.median(base):.2f} x")
    chase(session)
    through_the_page(session)
    outgoing_replies(session)


def chase(session) -> None:  # type: ignore[no-untyped-def]
    """The 清退催收单 of every unit still holding a year's copies: rows, then the PDF."""

    from app.distribution_print import chase_deadline, chase_sheets, print_chases

    year = int(
        session.db.scalar(
            "SELECT d.year FROM distribution_item i JOIN copy c ON c.id = i.copy_id"
            " JOIN document d ON d.id = c.document_id WHERE i.back_at IS NULL"
            " GROUP BY d.year ORDER BY count(*) DESC LIMIT 1"
        )
    )
    deadline = chase_deadline(session.db, year, session.clock.now().date())
    t = time.perf_counter()
    sheets = chase_sheets(session, year, deadline)
    rows = time.perf_counter() - t
    t = time.perf_counter()
    pdf = print_chases(session, year, deadline).pdf
    copies = sum(r.copies for s in sheets for r in s.rows)
    print(f"chase_year: {year}, {len(sheets)} units, {copies} copies")
    print(f"chase_rows: {rows * 1000:.0f} ms")
    print(f"chase_pdf_all_units: {time.perf_counter() - t:.2f} s ({len(pdf) // 1024} KiB)")


def held_sql() -> str:
    return "SELECT count(*) FROM distribution_item WHERE back_at IS NULL"


def through_the_page(session) -> None:  # type: ignore[no-untyped-def]
    """Six 50-copy distributions by scan (a badge, 50 copies, Enter), then every copy back."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.pages.distribution_page import DistributionPage

    db = session.db
    rows = db.query(
        "SELECT d.year, d.serial, c.copy_no FROM copy c JOIN document d ON d.id = c.document_id"
        " WHERE c.state = '在柜' AND d.level IN ('机密', '秘密') AND d.voided_at IS NULL"
        " AND c.id % 5 = 0 ORDER BY c.id DESC LIMIT 300"
    )
    codes = [f"{registration_number(r[0], r[1])}/{r[2]}" for r in rows]
    app = QApplication.instance() or QApplication([])
    page = DistributionPage(session)
    page.resize(1300, 700)
    page.show()
    app.processEvents()
    copy_scans: list[float] = []  # a copy scanned into the pending receipt
    other: list[float] = []  # the badge, and the Enter that registers 50 copies
    back: list[float] = []  # a copy scanned back, and the Enter that confirms it

    def scan(code: str, into: list[float]) -> None:
        t = time.perf_counter()
        QTest.keyClicks(page.scan_edit, code)
        QTest.keyClick(page.scan_edit, Qt.Key.Key_Return)
        app.processEvents()
        into.append(time.perf_counter() - t)

    for n in range(0, len(codes), PER_RECEIPT):
        page.unit_combo.setCurrentIndex(1 + n // PER_RECEIPT)
        scan("R00000", other)  # a 核心 reader, in no unit: may sign for any
        for code in codes[n : n + PER_RECEIPT]:
            scan(code, copy_scans)
        scan("", other)
        assert "已登记分发" in page.banner.text(), page.banner.text()
    for code in codes:
        scan(code, back)
        scan("", back)
        assert "已收回" in page.banner.text(), page.banner.text()
    issue = copy_scans + other
    print(f"issue_scans_through_page: {len(issue)} scans ({len(copy_scans)} copies)")
    print(f"issue_scan_p50: {pct(issue, 0.5):.1f} ms")
    print(f"issue_scan_p95: {pct(issue, 0.95):.1f} ms")
    print(f"copy_scan_p95: {pct(copy_scans, 0.95):.1f} ms")
    print(f"register_50_copies: {statistics.median(other[1::2]) * 1000:.0f} ms (median Enter)")
    print(f"return_scan_p50: {pct(back, 0.5):.1f} ms")
    print(f"return_scan_p95: {pct(back, 0.95):.1f} ms")
    page.close()


def outgoing_replies(session) -> None:  # type: ignore[no-untyped-def]
    """A 发文 to 50 units (registered and sent: 50 receipts), its 回执 scanned back one by one
    through the 发文 page, and the 催收回执 of those still missing."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app import outgoing, outgoing_records, receipt_code
    from app.outgoing import OutgoingInput, RecipientInput
    from app.outgoing_print import print_reply_chase
    from app.slips import room_secret
    from ui.pages.outgoing_page import OutgoingPage

    db = session.db
    unit_ids = [int(r[0]) for r in db.query("SELECT id FROM unit ORDER BY id LIMIT 50")]
    paper = OutgoingInput(
        code="区委办发",
        title="基准测试发文",
        level="秘密",
        signed_by="基准",
        signed_on=session.clock.now().date(),
        printed=60,
        pages=2,
        recipients=tuple(RecipientInput(u, "主送", 1) for u in unit_ids),
    )
    t = time.perf_counter()
    out = outgoing.register(session, paper)
    registered = time.perf_counter() - t
    t = time.perf_counter()
    outgoing.send(session, out.id)
    sent = time.perf_counter() - t
    print(f"outgoing_register_60_copies: {registered * 1000:.0f} ms")
    print(f"outgoing_send_50_units: {sent * 1000:.0f} ms")
    secret, room_id = room_secret(db)
    lines = outgoing_records.recipients(db, out.id)
    codes = [receipt_code.encode(secret, room_id, r.id, receipt_code.REPLY_PREFIX) for r in lines]
    app = QApplication.instance() or QApplication([])
    page = OutgoingPage(session)
    page.resize(1300, 700)
    page.show()
    page.tabs.setCurrentIndex(1)
    app.processEvents()
    scans: list[float] = []
    for code in codes[:40]:
        t = time.perf_counter()
        QTest.keyClicks(page.scan_edit, code)
        QTest.keyClick(page.scan_edit, Qt.Key.Key_Return)
        app.processEvents()
        scans.append(time.perf_counter() - t)
        assert "已收回回执" in page.banner.text(), page.banner.text()
    print(f"reply_scan_p50: {pct(scans, 0.5):.1f} ms")
    print(f"reply_scan_p95: {pct(scans, 0.95):.1f} ms")
    t = time.perf_counter()
    pdf = print_reply_chase(session).pdf
    print(f"reply_chase_pdf: {(time.perf_counter() - t) * 1000:.0f} ms ({len(pdf) // 1024} KiB)")
    page.close()


if __name__ == "__main__":
    main()
