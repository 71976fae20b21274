"""The desk and the route, driven as the scanner types: a return records 阅毕 in the return's
own transaction and names the next reader; a reader off the route returns without one."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app import circulation
from tests.app.test_circulation import leaders  # noqa: F401 (fixture)
from ui.pages.desk_page import DeskPage


def scan(qtbot, page: DeskPage, code: str) -> None:
    qtbot.keyClicks(page.scan_edit, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)


def test_a_return_scan_records_read_and_shows_the_next_reader(leaders, qtbot) -> None:  # noqa: F811
    custodian, _, readers, reg = leaders
    circulation.set_route(custodian, reg.document.id, [readers["zhang"].id, readers["fu"].id])
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.show()
    code = f"{reg.document.number}/000031"
    scan(qtbot, page, "B0001")  # 张建国
    scan(qtbot, page, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)  # hand over
    assert "已借出" in page.banner.text()
    scan(qtbot, page, code)  # back: the check
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "下一位：赵副" in page.banner.text()
    status = circulation.status(custodian.db, reg.document.id)
    assert status.steps[0].read_at is not None
    # The next reader on the route takes it, reads it, returns it: the route is done.
    scan(qtbot, page, "B0005")  # 赵副
    scan(qtbot, page, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    scan(qtbot, page, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "赵副 阅毕。传阅已完成" in page.banner.text(), page.banner.text()
    assert circulation.status(custodian.db, reg.document.id).complete
