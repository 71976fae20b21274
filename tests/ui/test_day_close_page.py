"""日终清点 through the window: refused while a copy is out, then closed and printed."""

from __future__ import annotations

from datetime import datetime

from app import desk
from tests.conftest import BEIJING
from tests.pdf_tools import text_of
from ui.pages.day_close_page import DayClosePage


def test_close_the_day_from_the_window(counter, qtbot, clock, tmp_path, shot) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=BEIJING))
    copy = docs["secret"].copies[0]
    desk.checkout(custodian, readers["wang"].id, [copy.id])
    clock.set(datetime(2026, 11, 20, 17, 40, tzinfo=BEIJING))
    target = tmp_path / "day.pdf"
    page = DayClosePage(custodian, choose_pdf=lambda parent, name: target)
    qtbot.addWidget(page)
    page.resize(1100, 650)
    page.show()
    assert "尚有 1 份密件未归还" in page.summary_label.text()
    assert page.close_today() is None
    assert "尚有密件未归还" in page.result_label.text() and "王芳" in page.result_label.text()
    shot(page, "day-close-refused")
    desk.take_back(custodian, copy.id)
    page.refresh()
    assert page.close_today() == target
    assert "链头" in page.result_label.text()
    assert "日终清点表" in text_of(target)
    assert "今日已清点关闭" in page.summary_label.text() and not page.close_button.isEnabled()
    shot(page, "day-close-done")


def test_the_officer_sees_exception_and_incident_buttons(counter, qtbot) -> None:
    custodian, officer, readers, docs = counter
    officer_page = DayClosePage(officer)
    custodian_page = DayClosePage(custodian)
    qtbot.addWidget(officer_page)
    qtbot.addWidget(custodian_page)
    assert not officer_page.exception_button.isHidden()
    assert custodian_page.exception_button.isHidden()
