"""清查 by scan: every discrepancy class, the second person's password, the 清查登记表."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from app import audit, cabinets, desk, recall, slips, stocktake, stocktake_records
from app.errors import InvalidInput, PermissionDenied, WrongPassword
from app.output import PRINTER
from app.stocktake import Finding
from tests.conftest import BEIJING, PASSWORD
from tests.pdf_tools import text_of


@pytest.fixture
def shelves(counter, clock):
    """Cabinet A holds 2026-0001/1-3 and 2026-0002/10, B holds 2026-0003/20; 2026-0002/10 is
    lent to 张建国 and 2026-0001/3 went back to its issuer."""
    custodian, officer, readers, docs = counter
    a = cabinets.add_cabinet(custodian, "A柜")
    b = cabinets.add_cabinet(custodian, "B柜")
    for code in ("2026-0001/1", "2026-0001/2", "2026-0001/3", "2026-0002"):
        cabinets.place_by_scan(custodian, a.id, code)
    cabinets.place_by_scan(custodian, b.id, "2026-0003")
    clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["zhang"].id, [docs["confidential"].copies[0].id])
    recall.open_campaign(custodian, 2026)
    recall.record_return(
        custodian, 2026, [docs["secret"].copies[2].id], date(2026, 11, 20), "市委办", "R-1"
    )
    return custodian, officer, a, b, docs


def test_a_cabinet_stocktake_finds_every_class(shelves, clock, tmp_path: Path) -> None:
    custodian, officer, a, b, docs = shelves
    db = custodian.db
    taken = stocktake.start(custodian, a.id, "baomi")
    assert taken.scope == "A柜" and stocktake.open_stocktake(db) == taken
    old = slips.issue(custodian, [docs["secret"].copies[0].id], slips.LABEL)[0].payload
    new = slips.issue(custodian, [docs["secret"].copies[0].id], slips.LABEL)[0].payload
    forged = new[:-3] + ("A" if new[-3] != "A" else "B") + new[-2:]
    said = {}
    for code in (new, "2026-0001/1", "2026-0003", "2026-0002", "2026-0001/3"):
        said[code] = stocktake.scan(custodian, taken.id, code)
    assert said[new].ok and said[new].message == "2026-0001 第000001份 相符。"
    assert said["2026-0001/1"].message == "2026-0001 第000001份 已扫描过，不重复计数。"
    assert said["2026-0003"].message == "2026-0003 第000020份：放错保密柜（记录在 B柜）"
    assert said["2026-0002"].message.endswith("记录为借出，实物在柜（借阅人 张建国）")
    assert said["2026-0001/3"].message.endswith("（记录为已清退）")
    bad = [stocktake.scan(custodian, taken.id, c) for c in (forged, old, "XYZ-1", "B0002")]
    assert [s.ok for s in bad] == [False] * 4
    assert bad[0].message.startswith("伪造、作废或他室的二维码：二维码校验失败")
    assert bad[1].message.startswith("伪造、作废或他室的二维码：此处理笺已作废")
    assert bad[2].message.startswith("无法识别的编码：无法识别“XYZ-1”")
    assert "读者证件" in bad[3].message and bad[3].scans == 8
    with pytest.raises(InvalidInput, match="没有读到内容"):
        stocktake.scan(custodian, taken.id, "  ")
    # A half-read label is rescanned, not a finding (walk-through: it was recorded as forged).
    with pytest.raises(slips.MisreadCode, match="请对准二维码重扫"):
        stocktake.scan(custodian, taken.id, new[:-2])
    assert stocktake.scan(custodian, taken.id, "2026-0001/1").scans == 8  # nothing counted
    with pytest.raises(PermissionDenied):
        stocktake.scan(officer, taken.id, "2026-0001/2")

    with pytest.raises(WrongPassword):
        stocktake.finish(custodian, taken.id, "not-the-password")
    assert stocktake.open_stocktake(db) is not None  # nothing recorded
    done = stocktake.finish(custodian, taken.id, PASSWORD)
    assert done.stocktake.confirmed_by == "baomi" and done.stocktake.finished_at is not None
    # Expected in A: 2026-0001/1 and /2 (在柜); /3 is returned and 2026-0002 is lent.
    assert (done.stocktake.expected, done.stocktake.matched) == (2, 1)
    assert {f: n for f, n in done.counts.items() if n} == {
        Finding.MISSING: 1,
        Finding.WRONG_CABINET: 1,
        Finding.RECORDED_OUT: 1,
        Finding.RECORDED_ENDED: 1,
        Finding.BAD_CODE: 2,
        Finding.UNKNOWN: 2,
    }
    rows = stocktake_records.findings(custodian, taken.id)
    assert [(r.finding, r.item) for r in rows[:4]] == [
        (Finding.MISSING, "2026-0001 第000002份"),
        (Finding.WRONG_CABINET, "2026-0003 第000020份"),
        (Finding.RECORDED_OUT, "2026-0002 第000010份"),
        (Finding.RECORDED_ENDED, "2026-0001 第000003份"),
    ]
    event = audit.page(db, None, 1)[0]
    assert event.action == "完成清查" and event.details["findings"]["缺失"] == 1
    assert stocktake.last_per_cabinet(db) == {a.id: clock.now()}
    with pytest.raises(InvalidInput, match="已经完成"):
        stocktake.scan(custodian, taken.id, "2026-0001/2")
    with pytest.raises(Exception, match="append-only"):
        db.execute("DELETE FROM stocktake_scan WHERE stocktake_id = ?", (taken.id,))

    sheet = stocktake_records.register_sheet(officer, taken.id)
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(sheet.pdf)
    text = text_of(pdf)
    for expected in (
        "清 查 登 记 表",
        "清查范围：A柜",
        "应在柜 2 份，扫描相符 1 份；差异 8 项",
        "2026-0001 第000002份",
        "立即查找",
        "在借阅台办理归还",
        "清查人：李晓梅（签字）",
        "清查人：王建国（签字）",
        "已以本人密码确认",
    ):
        assert expected in text, expected
    sheet.delivered(PRINTER)
    assert audit.page(db, None, 1)[0].action == "输出清查登记表"


def test_a_whole_room_stocktake_expects_every_copy_in_the_room(shelves) -> None:
    custodian, _, a, b, docs = shelves
    taken = stocktake.start(custodian, None, "baomi")
    assert taken.scope == "全室"
    # In the room: 2026-0001/1, /2, 2026-0003/20 and the unclassified 2026-0004 (no cabinet).
    for code in ("2026-0001/1", "2026-0001/2", "2026-0003"):
        assert stocktake.scan(custodian, taken.id, code).ok  # no wrong cabinet in a room check
    done = stocktake.finish(custodian, taken.id, PASSWORD)
    assert (done.stocktake.expected, done.stocktake.matched) == (4, 3)
    rows = stocktake_records.findings(custodian, taken.id)
    assert [(r.finding, r.item, r.detail) for r in rows] == [
        (Finding.MISSING, "2026-0004 第000001份", "未登记柜位")
    ]


def test_two_people_one_at_a_time(shelves, login) -> None:
    custodian, officer, a, _, _ = shelves
    with pytest.raises(InvalidInput, match="不能是本人"):
        stocktake.start(custodian, a.id, "jiyao")
    with pytest.raises(InvalidInput, match="机要员或保密员"):
        stocktake.start(custodian, a.id, "shenji")
    with pytest.raises(InvalidInput, match="在用的账户"):
        stocktake.start(custodian, a.id, "nobody")
    with pytest.raises(PermissionDenied):
        stocktake.start(officer, a.id, "jiyao")
    stocktake.start(custodian, a.id, "baomi")
    with pytest.raises(InvalidInput, match="A柜的清查尚未完成"):
        stocktake.start(custodian, None, "baomi")
    with pytest.raises(PermissionDenied):
        stocktake_records.findings(login("shenji"), 1)


def test_findings_are_settled_once_by_incident_relocation_or_correction(shelves) -> None:
    from app.day_close import open_incidents
    from app.stocktake_resolve import Resolution, resolve

    custodian, officer, a, b, docs = shelves
    db = custodian.db
    taken = stocktake.start(custodian, a.id, "baomi")
    for code in ("2026-0001/1", "2026-0003", "XYZ-1"):
        stocktake.scan(custodian, taken.id, code)
    stocktake.finish(custodian, taken.id, PASSWORD)
    rows = {r.finding: r for r in stocktake_records.findings(custodian, taken.id)}
    missing, wrong, unknown = (
        rows[Finding.MISSING],
        rows[Finding.WRONG_CABINET],
        rows[Finding.UNKNOWN],
    )
    with pytest.raises(InvalidInput, match="只有“错柜”"):
        resolve(custodian, missing.id, Resolution.RELOCATION, "移回")
    with pytest.raises(InvalidInput, match="请写明处理情况"):
        resolve(custodian, wrong.id, Resolution.RELOCATION, " ")
    with pytest.raises(PermissionDenied):
        resolve(officer, wrong.id, Resolution.RELOCATION, "就地入柜")
    resolve(custodian, wrong.id, Resolution.RELOCATION, "就地入柜")
    assert cabinets.place_of(db, docs["scoped"].copies[0].id) == a
    resolve(custodian, missing.id, Resolution.INCIDENT, "柜内未找到，报保密员")
    incident = open_incidents(db)[-1]
    assert incident.kind == "核对异常" and "清查A柜：2026-0001 第000002份" in incident.description
    with pytest.raises(InvalidInput, match="按更正处理"):
        resolve(custodian, unknown.id, Resolution.INCIDENT, "不明")
    resolve(custodian, unknown.id, Resolution.CORRECTION, "为他室旧标签，已交保密员")
    with pytest.raises(InvalidInput, match="已经处理"):
        resolve(custodian, unknown.id, Resolution.CORRECTION, "再次")
    settled = {r.finding: r.resolution for r in stocktake_records.findings(custodian, taken.id)}
    assert settled[Finding.WRONG_CABINET] == (
        "移柜：2026-0003 第000020份 已从 B柜 移到 A柜。就地入柜"
    )
    assert settled[Finding.MISSING].startswith("事件：已登记核对异常")
    assert audit.page(db, None, 1)[0].action == "处理清查差异"
    with pytest.raises(Exception, match="only its resolution"):
        db.execute("UPDATE stocktake_finding SET detail = 'x' WHERE id = ?", (wrong.id,))
    # Each finding of a copy names that copy's document (the year's statistics count them).
    named = db.query(
        "SELECT f.document_id, c.document_id FROM stocktake_finding f"
        " JOIN copy c ON c.id = f.copy_id WHERE f.stocktake_id = ?",
        (taken.id,),
    )
    assert named and all(mine == theirs for mine, theirs in named)
    # The window reads them a page at a time, in the printed sheet's order, whatever the page.
    every = stocktake_records.findings(custodian, taken.id)
    for size in (1, 2, 3, len(every) + 1):
        paged: list[stocktake_records.FindingRow] = []
        while page := stocktake_records.findings_page(
            custodian, taken.id, paged[-1] if paged else None, size
        ):
            paged.extend(page)
        assert paged == every, size


def test_each_cabinet_is_due_by_the_highest_level_it_holds(shelves, clock) -> None:
    from datetime import timedelta

    from app.stocktake_due import due

    custodian, _, a, b, docs = shelves
    c = cabinets.add_cabinet(custodian, "C柜")  # empty: no cadence
    today = clock.now().date()
    # A holds 秘密 copies now (its 机密 copy is lent), B a 秘密 one; neither was ever checked.
    labels = {d.cabinet.name: (d.level, d.label(today), d.overdue(today)) for d in due(custodian)}
    assert labels == {
        "A柜": ("秘密", "从未清查，应即清查", True),
        "B柜": ("秘密", "从未清查，应即清查", True),
        "C柜": (None, "无密件", False),
    }
    taken = stocktake.start(custodian, a.id, "baomi")
    stocktake.finish(custodian, taken.id, PASSWORD)
    desk.take_back(custodian, docs["confidential"].copies[0].id)  # 机密 back in A: fortnightly
    found = {d.cabinet.name: d for d in due(custodian)}
    assert found["A柜"].level == "机密" and found["A柜"].due_on == today + timedelta(days=14)
    custodian.db.execute(
        "INSERT INTO setting (key, value) VALUES ('stocktake_days_confidential', '10')"
    )
    clock.set(clock.now() + timedelta(days=12))
    found = {d.cabinet.name: d for d in due(custodian)}
    assert found["A柜"].label(clock.now().date()) == "已逾期 2 天"
    taken = stocktake.start(custodian, None, "baomi")  # the whole room counts for every cabinet
    stocktake.finish(custodian, taken.id, PASSWORD)
    found = {d.cabinet.name: d for d in due(custodian)}
    assert not found["A柜"].overdue(clock.now().date()) and found["B柜"].last == clock.now()
    assert c.id in {d.cabinet.id for d in due(custodian)}


def test_the_day_close_sheet_names_a_copy_the_stocktake_did_not_find(
    shelves, clock, qtbot, tmp_path: Path
) -> None:
    """Found in a real morning at the window: the stocktake reported a 秘密 copy missing and the
    day closed with it counted 在柜 and not a word on the sheet. The open finding goes on the
    sheet and in the question asked before the close; No leaves the day open."""
    from PySide6.QtWidgets import QMessageBox

    from app import day_close
    from app.reports.day_close_pdf import render_day_close
    from tests.pdf_tools import text_of as pdf_text
    from ui.pages.day_close_page import DayClosePage

    custodian, officer, a, _, docs = shelves
    desk.take_back(custodian, docs["confidential"].copies[0].id)
    taken = stocktake.start(custodian, a.id, "baomi")
    for code in ("2026-0001/1", "2026-0002"):  # 2026-0001/2 is not there
        stocktake.scan(custodian, taken.id, code)
    stocktake.finish(custodian, taken.id, PASSWORD)
    matters = day_close.open_matters(custodian.db)
    assert [(m["kind"], m["copy"]) for m in matters if m["kind"] == "清查未见"] == [
        ("清查未见", "2026-0001 第000002份")
    ]
    page = DayClosePage(custodian)
    qtbot.addWidget(page)
    assert "清查未见 2026-0001 第000002份" in page.close_question()
    asked: list[str] = []

    def no(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.No

    original = QMessageBox.question
    QMessageBox.question = no  # type: ignore[method-assign]
    try:
        page.close_button.click()
    finally:
        QMessageBox.question = original  # type: ignore[method-assign]
    assert asked and not desk.counter_closed(custodian.db, clock.now().date())
    closed = day_close.close_day(custodian)
    assert closed.open_matters == matters
    sheet = tmp_path / "day-close.pdf"
    sheet.write_bytes(render_day_close(closed, "某区委办公室", "李晓梅"))
    text = pdf_text(sheet)
    assert "四、未结事项" in text and "2026-0001 第000002份" in text and "清查未见" in text
    # The reprint from the stored close says the same.
    assert day_close.closes_of(custodian.db, clock.now().date())[-1].open_matters == matters
