"""The counter driven exactly as a keyboard-wedge scanner types: characters, then Enter."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from app import desk
from app.desk import Override
from tests.conftest import BEIJING, PASSWORD
from ui.pages.desk_page import DeskPage


def scan(qtbot, page: DeskPage, code: str) -> None:
    qtbot.keyClicks(page.scan_edit, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)


def test_a_day_at_the_counter_with_the_scanner_alone(counter, qtbot, clock, shot) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=BEIJING))
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    assert not page.scan_edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)

    scan(qtbot, page, "2026-0001/000001")
    assert "请先扫描读者证件" in page.banner.text()
    scan(qtbot, page, "B0002")
    assert page.reader is not None and page.reader.name == "王芳"
    scan(qtbot, page, "2026-0001/000001")
    scan(qtbot, page, "2026-0001/2")
    assert len(page.folder) == 2 and "共 2 份" in page.banner.text()
    scan(qtbot, page, "2026-0002")  # 机密: above 王芳's clearance
    assert "不能借阅机密件" in page.banner.text() and "#b00020" in page.banner.styleSheet()
    assert len(page.folder) == 2
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)  # one key confirms
    assert "已借出 2 份给 王芳" in page.banner.text()
    assert page.out_model.rowCount() == 2 and page.reader is None
    clock.set(datetime(2026, 11, 20, 17, 10, tzinfo=BEIJING))
    page.refresh()
    assert page.out_model.display(page.out_model.row_at(0), 7) == "将到期"
    shot(page, "desk-amber")
    clock.set(datetime(2026, 11, 20, 17, 31, tzinfo=BEIJING))
    page.refresh()
    assert page.out_model.display(page.out_model.row_at(0), 7) == "逾期"
    assert "逾期 2 份" in page.out_title.text()
    shot(page, "desk-red")

    scan(qtbot, page, "2026-0001/000001")  # a copy that is out: the return
    assert "核对" in page.banner.text()
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "已归还" in page.banner.text()
    scan(qtbot, page, "2026-0001/000002")
    page.record_discrepancy("缺第3页")
    assert "核对异常已登记" in page.banner.text()
    assert "缺第3页" in page.incidents_label.text()
    assert page.out_model.rowCount() == 1
    shot(page, "desk-incident")


def test_override_at_the_counter(counter, qtbot, clock) -> None:
    custodian, officer, readers, docs = counter
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    scan(qtbot, page, "wf")  # pinyin initials of 王芳
    scan(qtbot, page, "2026-0002")
    refused = page._refused
    assert refused is not None
    page.override(refused, Override("baomi", "bad-password", "领导同意"))
    assert "密码不正确" in page.banner.text() and page.folder == []
    page.override(refused, Override("baomi", PASSWORD, "领导同意临时阅看"))
    assert "已借出 1 份给 王芳" in page.banner.text()
    assert desk.out_now(custodian.db)[0].reader == "王芳"
