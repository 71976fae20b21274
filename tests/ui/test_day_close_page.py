"""日终清点 through the window: refused while a copy is out, then closed and printed."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialogButtonBox, QTabWidget

from app import audit, desk
from tests.conftest import BEIJING, PASSWORD
from tests.pdf_tools import text_of
from ui.main_window import MainWindow
from ui.pages.day_close_page import DayClosePage, ReopenDialog


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
    dialog = page.close_today()  # the common preview / print / save dialog, open at once
    assert dialog is not None and dialog.isVisible()
    assert "链头" in page.result_label.text()
    assert dialog.save() == target
    assert "日终清点表" in text_of(target)
    assert f"清点表已保存到 {target}" in page.result_label.text()
    assert "今日已清点关闭" in page.summary_label.text() and not page.close_button.isEnabled()
    event = audit.page(custodian.db, None, 1)[0]
    assert event.action == "输出报表" and event.object == "report:day-close"
    dialog.accept()
    shot(page, "day-close-done")


def test_the_officer_sees_exception_and_incident_buttons(counter, qtbot) -> None:
    custodian, officer, readers, docs = counter
    officer_page = DayClosePage(officer)
    custodian_page = DayClosePage(custodian)
    qtbot.addWidget(officer_page)
    qtbot.addWidget(custodian_page)
    assert not officer_page.exception_button.isHidden()
    assert custodian_page.exception_button.isHidden()


def _scan(qtbot, page, code: str) -> None:
    qtbot.keyClicks(page.scan_edit, code)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)


def _go(window: MainWindow, page: str):
    window.nav.setCurrentRow(window.page_titles().index(page))
    return window.pages.currentWidget()


def test_every_page_shows_the_room_as_it_is_when_shown(counter, qtbot, clock) -> None:
    """Lend at the desk, switch to 日终清点: the new copy is there; return it: it is gone."""
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=BEIJING))
    window = MainWindow(custodian)
    qtbot.addWidget(window)
    window.show()
    closing = _go(window, "日终清点")  # built and shown once before anything is out
    assert closing.out_model.rowCount() == 0 and "借出 0 份" in closing.summary_label.text()
    counter_page = _go(window, "借阅台")
    _scan(qtbot, counter_page, "B0002")
    _scan(qtbot, counter_page, "2026-0001/000001")
    qtbot.keyClick(counter_page.scan_edit, Qt.Key.Key_Return)
    assert "已借出 1 份给 王芳" in counter_page.banner.text()
    closing = _go(window, "日终清点")
    assert isinstance(closing, DayClosePage)
    assert [closing.out_model.row_at(0).copy.label] == ["2026-0001 第000001份"]
    assert (
        "借出 1 份" in closing.summary_label.text() and "不能清点" in closing.summary_label.text()
    )
    counter_page = _go(window, "借阅台")
    _scan(qtbot, counter_page, "2026-0001/000001")
    qtbot.keyClick(counter_page.scan_edit, Qt.Key.Key_Return)
    closing = _go(window, "日终清点")
    assert closing.out_model.rowCount() == 0 and "可以清点" in closing.summary_label.text()
    # The lock hides the pages; unlocking shows the current one as it is then.
    desk.checkout(custodian, readers["wang"].id, [docs["secret"].copies[1].id])
    window.lock()
    qtbot.keyClicks(window.lock_screen.password_edit, PASSWORD)
    qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=30_000)  # checked off the GUI thread
    assert closing.out_model.rowCount() == 1


def test_after_the_close_the_desk_lends_nothing_until_the_approver_reopens(
    counter, qtbot, clock, shot
) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 17, 0, tzinfo=BEIJING))
    window = MainWindow(custodian)
    qtbot.addWidget(window)
    window.show()
    closing = _go(window, "日终清点")
    assert closing.reopen_button.isHidden()
    dialog = closing.close_today()
    assert dialog is not None
    dialog.reject()  # closed without printing: the page says where the sheet is found again
    said = closing.result_label.text()
    assert "清点表尚未打印" in said and "报表 → 日终清点表" in said
    reports = _go(window, "报表")
    reports.select("day-close")
    assert reports.day_combo.currentText() == "2026-11-20"
    laying_out = reports.show_pdf()  # on the window's task runner
    qtbot.waitUntil(lambda: laying_out.dialog is not None, timeout=30_000)
    again = laying_out.dialog
    assert again is not None and "日终清点表" in again.windowTitle()
    again.reject()

    counter_page = _go(window, "借阅台")
    _scan(qtbot, counter_page, "B0002")
    _scan(qtbot, counter_page, "2026-0001/000001")
    assert "今日已清点关闭，不能再借出" in counter_page.banner.text()
    assert counter_page.folder == []
    assert counter_page.counter.refused is None  # F7 does not lift the close

    closing = _go(window, "日终清点")
    assert not closing.reopen_button.isHidden()

    def fill() -> None:
        reopen = closing.findChild(ReopenDialog)
        reopen.login_edit.setText("baomi")
        reopen.password_edit.setText(PASSWORD)
        reopen.reason_edit.setText("书记临时调阅")
        shot(reopen, "day-reopen")
        reopen.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        # The 保密员's password is checked off the GUI thread; the dialog waits, then closes.
        assert reopen.busy and reopen.error_label.text() == "正在核验密码…"

    QTimer.singleShot(0, fill)
    assert closing.reopen()
    assert "重新开启" in closing.summary_label.text() and closing.close_button.isEnabled()
    counter_page = _go(window, "借阅台")
    _scan(qtbot, counter_page, "B0002")
    _scan(qtbot, counter_page, "2026-0001/000001")
    qtbot.keyClick(counter_page.scan_edit, Qt.Key.Key_Return)
    assert "已借出 1 份给 王芳" in counter_page.banner.text()


def test_every_business_page_refreshes_when_shown(login, qtbot, monkeypatch) -> None:
    """The window's contract: a page showing the room's records has refresh(), and it is
    called each time the page is shown."""
    for user in ("jiyao", "baomi"):
        window = MainWindow(login(user))
        qtbot.addWidget(window)
        window.show()
        shown: list[str] = []
        for index, title in enumerate(window.page_titles()):
            page = window.pages.widget(index)
            if isinstance(page, QTabWidget):  # 清退销毁: each tab is a page of its own
                page = page.widget(0)
            assert callable(getattr(page, "refresh", None)), title
            monkeypatch.setattr(page, "refresh", lambda t=title, s=shown: s.append(t))
        for title in reversed(window.page_titles()):
            window.nav.setCurrentRow(window.page_titles().index(title))
        assert shown == list(reversed(window.page_titles()))[: len(shown)]
        assert set(shown) >= set(window.page_titles()[1:])
