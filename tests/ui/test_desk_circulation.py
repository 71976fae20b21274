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
    assert "张建国 是否作了批示？" in page.banner.text()
    assert circulation.status(custodian.db, reg.document.id).steps[0].read_at is None
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)  # no 批示
    assert "下一位：赵副" in page.banner.text()
    assert page.instruction_dialog is None
    status = circulation.status(custodian.db, reg.document.id)
    assert status.steps[0].read_at is not None
    # The next reader on the route takes it, reads it, returns it: the route is done.
    scan(qtbot, page, "B0005")  # 赵副
    scan(qtbot, page, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    scan(qtbot, page, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    assert "赵副 阅毕。传阅已完成" in page.banner.text(), page.banner.text()
    assert circulation.status(custodian.db, reg.document.id).complete


def test_a_reader_who_wrote_a_pishi_opens_its_entry_at_the_return(leaders, qtbot) -> None:  # noqa: F811
    custodian, _, readers, reg = leaders
    circulation.set_route(custodian, reg.document.id, [readers["zhang"].id, readers["fu"].id])
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.show()
    code = f"{reg.document.number}/000031"
    scan(qtbot, page, "B0001")
    scan(qtbot, page, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    scan(qtbot, page, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)
    scan(qtbot, page, "B0005")  # a scan before the answer is refused: nothing written yet
    assert page.banner.text().startswith("请先回答：") and page.reader is None
    scan(qtbot, page, "y")  # yes, as typed
    assert "张建国 阅毕（有批示）。下一位：赵副" in page.banner.text()
    dialog = page.instruction_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.number_edit.text() == reg.document.number
    assert dialog.leader_edit.text() == "张建国"
    assert dialog.focusWidget() is dialog.text_edit
    dialog.text_edit.setText("请认真研究落实")
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.error_label.text()
    listed = custodian.db.one(
        "SELECT leader, text FROM instruction WHERE document_id = ?", (reg.document.id,)
    )
    assert tuple(listed) == ("张建国", "请认真研究落实")
    read = custodian.db.one(
        "SELECT instructed FROM reading WHERE document_id = ?", (reg.document.id,)
    )
    assert read["instructed"] == 1
