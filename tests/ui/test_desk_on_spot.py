"""绝密 at the desk, as the scanner types (issue 16): F9 reads it in the room with the custodian
present and a timer on the desk; a scan back ends it; F7 takes it out only with the head named."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app import desk, documents
from app.desk import Override
from tests.app.test_on_spot import HEAD, REF, top  # noqa: F401 (fixture)
from tests.conftest import PASSWORD
from ui.override_dialog import OverrideDialog
from ui.pages.desk_page import DeskPage


def scan(qtbot, page: DeskPage, code: str) -> None:
    qtbot.keyClicks(page.scan_edit, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)


def test_f9_reads_it_in_the_room_with_a_timer_then_a_scan_ends_it(
    top,  # noqa: F811
    qtbot,
    clock,
    monkeypatch,
    shot,
) -> None:
    custodian, _, _, item = top
    copy = item.copies[0]
    code = f"{item.document.number}/{copy.copy_no}"
    asked: list[str] = []

    def confirm(parent, title, text, *args):  # the custodian answers 是 (present)
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.activateWindow()  # a QShortcut (F9) answers in the active window
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    scan(qtbot, page, "B0001")
    scan(qtbot, page, code)
    assert "须在室阅读" in page.banner.text() and page.folder == []
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_F9)
    assert asked and "确认在场" in asked[0]
    assert page.banner.text().startswith("在室阅读开始：张建国 阅")
    assert page.readings_label.text().endswith(f"张建国 {item.document.number} 第000001份 00:00")
    assert page.out_model.display(page.out_model.row_at(0), 7) == "在室阅读"
    clock.set(clock.now() + timedelta(minutes=7, seconds=3))
    page.show_readings()  # what the one-second timer does
    assert page.readings_label.text().endswith("07:03")
    shot(page, "desk-on-spot")
    scan(qtbot, page, code)  # read: scanned back
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)  # the check
    assert page.banner.text().startswith("在室阅读结束：张建国 阅 7 分钟；已归还")
    assert page.readings_label.text() == ""
    kinds = [e.kind for e in documents.copy_history(custodian.db, copy.id)]
    assert kinds[-3:] == ["在室阅读", "在室阅读结束", "归还"]
    # The copy's record in the window says who read it, from when, how long.
    from ui.document_dialog import DocumentDialog

    dialog = DocumentDialog(custodian, item.document.id)
    qtbot.addWidget(dialog)
    history = dialog.history_model
    rows = [tuple(history.row_at(r)) for r in range(history.rowCount())]
    assert rows[-3][2:] == ("在室阅读", "读者：张建国；在场机要员：李晓梅")
    assert rows[-2][2:] == ("在室阅读结束", "读者：张建国；开始：2026-11-20 09:00；历时（分钟）：7")


def test_f9_declined_starts_nothing_and_f7_takes_it_out_with_the_head(
    top,  # noqa: F811
    qtbot,
    monkeypatch,
) -> None:
    custodian, _, _, item = top
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    page = DeskPage(custodian)
    qtbot.addWidget(page)
    page.show()
    scan(qtbot, page, "B0001")
    scan(qtbot, page, f"{item.document.number}/1")
    qtbot.mouseClick(page.on_spot_button, Qt.MouseButton.LeftButton)
    assert "须机要员在场" in page.banner.text() and desk.out_now(custodian.db) == []
    scan(qtbot, page, f"{item.document.number}/1")
    refused, found = page.counter.refused
    dialog = OverrideDialog("带出", found, custodian, page.counter.prepare_lift, page._lifted, page)
    qtbot.addWidget(dialog)
    assert dialog.by_law
    page.override(refused, Override("baomi", PASSWORD, "赴市委开会带阅"))
    assert "绝密件带出机要室须经单位负责人批准" in page.banner.text()
    page.override(refused, Override("baomi", PASSWORD, "赴市委开会带阅", HEAD, REF))
    assert "已借出 1 份给 张建国" in page.banner.text()
    [out] = desk.out_now(custodian.db)
    assert not out.on_spot
