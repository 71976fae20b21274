"""The exchange's sign-for clock (issue 16, seed 003): ordinary within 8 hours, 加急 within 4,
特急 at once — a real short limit, a room setting —; late sign-fors flagged on the board and
counted there and on the day's close sheet."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import audit, board, day_close, registry, settings, sign_clock, workdays
from app.errors import InvalidInput, PermissionDenied
from app.reports.day_close_pdf import render_day_close
from tests.app.test_registry import doc
from tests.conftest import BEIJING
from tests.pdf_tools import text_of


def at(hour: int, minute: int = 0, day: int = 20) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BEIJING)


def test_the_limits_are_room_settings_and_at_once_is_a_real_limit(login) -> None:
    db = login("jiyao").db
    limits = settings.load_time_limits(db)
    assert (limits.at_once_minutes, limits.sign_urgent_hours, limits.sign_ordinary_hours) == (
        30,
        4,
        8,
    )
    assert workdays.sign_deadline(db, at(8), "特急") == at(8, 30)
    assert workdays.sign_deadline(db, at(8), "特提") == at(8, 30)
    assert workdays.sign_deadline(db, at(8), "加急") == at(12)
    assert workdays.sign_deadline(db, at(8), "平件") == at(16)
    # A 特提 telegram's 办理时限: the same short limit, not the instant of receipt.
    assert workdays.registration_deadline(db, at(8), "特提", True, "办件") == at(8, 30)
    settings.set_time_limit(login("xitong"), "limit_at_once_minutes", 15)
    assert workdays.sign_deadline(db, at(8), "特急") == at(8, 15)
    with pytest.raises(InvalidInput, match="1 到 240 分钟"):
        settings.set_time_limit(login("xitong"), "limit_at_once_minutes", 0)


def test_late_sign_fors_are_flagged_on_the_board_and_counted_at_the_close(
    counter, clock, tmp_path: Path, login
) -> None:
    custodian, *_ = counter
    clock.set(at(18))
    late = registry.register(
        custodian,
        doc(doc_number="S〔2026〕1号", waiting_at=at(8), received_at=at(17), deadline=at(19)),
    )
    assert any(
        w.startswith("签收逾时：加急件应于 11-20 12:00 前签收，迟 300 分钟") for w in late.warnings
    )
    on_time = registry.register(
        custodian,
        doc(
            doc_number="S〔2026〕2号",
            urgency="平件",
            waiting_at=at(8),
            received_at=at(15),
            deadline=at(19),
        ),
    )
    assert not any("签收逾时" in w for w in on_time.warnings)
    urgent = registry.register(
        custodian,
        doc(doc_number="S〔2026〕3号", urgency="特急", waiting_at=at(9), received_at=at(9, 45)),
    )
    with pytest.raises(InvalidInput, match="交换站待取时间不能晚于签收时间"):
        registry.register(
            custodian, doc(doc_number="S〔2026〕4号", waiting_at=at(10), received_at=at(9))
        )
    event = audit.page(custodian.db, None, 1)[0]
    assert event.details["after"]["sign_due"] == "2026-11-20T09:30:00+08:00"
    assert [s.number for s in sign_clock.read_late(custodian, at(18).date())] == [
        urgent.document.number,
        late.document.number,
    ]
    with pytest.raises(PermissionDenied):
        sign_clock.read_late(login("shenji"), at(18).date())
    rows = {r.document_id: r for r in board.read_items(custodian)}
    assert rows[late.document.id].sign_late and rows[urgent.document.id].sign_late
    assert not rows[on_time.document.id].sign_late
    assert board.count(custodian.db, clock.now()).late_signs == 2
    assert board.count(custodian.db, at(9, day=21)).late_signs == 0  # today's only

    closed = day_close.close_day(custodian)
    assert len(closed.late_signs) == 2 and "迟 15 分钟" in closed.late_signs[0]
    closing = next(e for e in audit.page(custodian.db, None, 5) if e.action == "日终清点")
    assert closing.details["late_signs"] == 2
    pdf = tmp_path / "close.pdf"
    pdf.write_bytes(render_day_close(closed, "某区委办公室", "机要员"))
    text = "".join(text_of(pdf).split())
    assert "当日交换站签收逾时2件" in text and late.document.number in text
    assert day_close.closes_of(custodian.db, at(18).date())[-1].late_signs == closed.late_signs


def test_a_late_sign_for_reads_its_lateness() -> None:
    item = sign_clock.LateSign(1, "2026-0001", "t", "平件", at(8), at(16), at(17, 25))
    assert item.minutes_late == 85
    assert item.text().endswith("17:25 签收，迟 1 小时 25 分钟）")
    assert timedelta(minutes=item.minutes_late) == at(17, 25) - at(16)
