"""The registration form as the custodian meets it: 份数 follows 份号, nothing is cut, a known
sender brings its 来文类别, and Esc on a filled form asks before throwing the typing away."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from app import registry
from app.session import Session
from tests.app.test_registry import doc
from ui.pages.register_page import RegisterPage
from ui.registration_dialog import RegistrationDialog


def _form(login: Callable[..., Session], qtbot) -> tuple[Session, RegistrationDialog]:
    session = login("jiyao")
    page = RegisterPage(session)
    qtbot.addWidget(page)
    form = page.open_registration()
    qtbot.waitExposed(form)
    return session, form


def test_the_count_follows_the_copy_numbers(login: Callable[..., Session], qtbot) -> None:
    session, form = _form(login, qtbot)
    assert form.count_spin.isEnabled() and form.count_spin.value() == 1
    qtbot.keyClicks(form.copies_edit, "000031-000033")
    assert form.count_spin.value() == 3 and not form.count_spin.isEnabled()
    assert "共 3 份" in form.preview_label.text()
    form.copies_edit.setText("000031-000033, 000040")
    assert form.count_spin.value() == 4
    form.issuer_edit.setText("市委办公室")
    form.title_edit.setText("关于做好年终保密检查工作的通知")
    form.submit()
    assert "4 份" in form.message_label.text()
    # Without 份号 (an unclassified item) the count is typed, and it is what gets registered.
    assert form.count_spin.isEnabled() and form.count_spin.value() == 1
    form.level_combo.setCurrentText("非密")
    form.title_edit.setText("会议通知")
    form.count_spin.setValue(2)
    form.submit()
    assert "非密，2 份" in form.message_label.text()
    form.close()


def _fits(label_or_edit, text: str) -> bool:
    return QFontMetrics(label_or_edit.font()).horizontalAdvance(text) + 12 <= label_or_edit.width()


def test_the_footer_and_the_period_hint_are_not_cut(
    login: Callable[..., Session], qtbot, shot
) -> None:
    session, form = _form(login, qtbot)
    registry.register(session, doc(issuer="市委办公室", doc_number="市委办发〔2026〕12号"))
    form.resize(form.minimumSizeHint().width(), form.height())  # as narrow as it goes
    qtbot.wait(20)
    assert _fits(form.period_edit, form.period_edit.placeholderText())
    assert _fits(form.doc_number_edit, form.doc_number_edit.placeholderText())
    form.issuer_edit.setText("市委办")
    form.doc_number_edit.setText("市委办发[2026]12号")
    form.copies_edit.setText("000031-000035, 000040")
    form.handling_combo.setCurrentText("办件")
    qtbot.wait(20)
    text = form.preview_label.text()
    assert "默认时限" in text and "已以来文单位“市委办公室”登记为 2026-0001" in text
    # Wrapped over as many lines as it needs, never cut: the label is as tall as its text.
    label = form.preview_label
    assert label.wordWrap() and label.height() >= label.heightForWidth(label.width())
    assert label.width() >= form.width() - 40  # its own row, not squeezed beside the buttons
    shot(form, "registration-footer")
    form.done(0)  # filled: done() closes without the question reject() would ask


def test_a_known_sender_brings_its_category(login: Callable[..., Session], qtbot) -> None:
    session, form = _form(login, qtbot)
    registry.register(session, doc(issuer="省委办公厅", source="省", doc_number=""))
    assert form.source_combo.currentText() == "中央"
    form.issuer_edit.setFocus()
    form.issuer_edit.insert("省委办公厅")  # Chinese arrives from the input method as committed text
    qtbot.keyClick(form.issuer_edit, Qt.Key.Key_Return)
    assert form.source_combo.currentText() == "省"
    assert form.focusWidget() is form.source_combo
    # An unknown sender leaves the category as chosen.
    form.source_combo.setCurrentText("下级单位")
    form.issuer_edit.setText("某乡镇党委")
    form.issuer_edit.setFocus()
    qtbot.keyClick(form.issuer_edit, Qt.Key.Key_Return)
    assert form.source_combo.currentText() == "下级单位"
    form.issuer_edit.setText("")
    form.source_combo.setCurrentText("中央")
    form.reject()


def _answer(qtbot, button_text: str, seen: list[str]) -> None:
    def click() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text())
                for button in widget.buttons():
                    if button.text() == button_text:
                        button.click()
                        return
        QTimer.singleShot(10, click)  # not shown yet

    QTimer.singleShot(0, click)


def test_esc_on_a_filled_form_asks_first(login: Callable[..., Session], qtbot) -> None:
    session, form = _form(login, qtbot)
    # An empty form closes at once.
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Escape)
    assert not form.isVisible()
    form.show()
    qtbot.waitExposed(form)
    form.title_edit.setText("关于做好年终保密检查工作的通知")
    seen: list[str] = []
    _answer(qtbot, "继续填写", seen)
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Escape)
    assert seen == ["放弃已填写的内容？"]
    assert form.isVisible() and form.title_edit.text() == "关于做好年终保密检查工作的通知"
    _answer(qtbot, "放弃", seen)
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Escape)
    assert len(seen) == 2 and not form.isVisible()
    assert session.db.scalar("SELECT count(*) FROM document") == 0


def test_the_period_is_checked_as_it_is_typed(login: Callable[..., Session], qtbot) -> None:
    session, form = _form(login, qtbot)
    form.level_combo.setCurrentText("秘密")
    qtbot.keyClicks(form.period_edit, "10")
    form.period_edit.insert("年")
    assert "法定最长" not in form.preview_label.text()
    form.period_edit.setText("11年")
    assert "超过秘密件的法定最长期限 10 年" in form.preview_label.text()
    form.period_edit.setText("0年")
    assert "保密期限不能为 0" in form.preview_label.text()
    form.done(0)


def _type(edit, text: str) -> None:
    """Key presses carrying Chinese text, as an input method commits them one by one (QTest's
    keyClicks takes ASCII only)."""
    for ch in text:
        QApplication.sendEvent(
            edit, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
        )
        QApplication.sendEvent(
            edit, QKeyEvent(QEvent.Type.KeyRelease, 0, Qt.KeyboardModifier.NoModifier, ch)
        )


# The offscreen plugin cannot raise a popup or grab the keyboard for it; Qt says so.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "does not support grabbing")
def test_the_suggestion_popup_closes_once_the_sender_is_typed_in_full(
    login: Callable[..., Session], qtbot
) -> None:
    """An open popup swallows the next click; once the typed 来文单位 is the only suggestion
    word for word, it closes by itself (a walk-through finding)."""
    session = login("jiyao")
    registry.register(session, doc(issuer="省委办公厅", source="省", doc_number=""))
    page = RegisterPage(session)
    qtbot.addWidget(page)
    form = page.open_registration()
    qtbot.waitExposed(form)
    form.issuer_edit.setFocus()
    popup = form._completer.popup()
    _type(form.issuer_edit, "省委")
    qtbot.waitUntil(popup.isVisible)
    qtbot.wait(50)
    assert popup.isVisible()  # still helping: more than the typed text to offer
    _type(form.issuer_edit, "办公厅")
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert form.issuer_edit.text() == "省委办公厅"
    form.issuer_edit.setText("")
    form.reject()


def test_the_exchange_waiting_time_starts_the_sign_for_clock(
    login: Callable[..., Session], qtbot, clock
) -> None:
    """Issue 16: typed at registration, a late sign-for is said at once and flagged on the
    board (今日时限) with today's count."""
    from datetime import datetime

    from app import board, sign_clock
    from tests.conftest import BEIJING
    from ui.pages.board_page import BoardPage

    clock.set(datetime(2026, 11, 20, 11, 0, tzinfo=BEIJING))
    session, form = _form(login, qtbot)
    form.issuer_edit.setText("市委办公室")
    form.title_edit.setText("关于做好年终保密检查工作的通知")
    form.copies_edit.setText("000031")
    form.urgency_combo.setCurrentText("特急")
    form.handling_combo.setCurrentText("办件")
    form.received_edit.setText("2026-11-20 10:10")
    qtbot.keyClicks(form.waiting_edit, "2026-11-20 09:00")
    form.submit()
    said = form.message_label.text()
    assert "签收逾时：特急件应于 11-20 09:30 前签收，迟 40 分钟" in said, said
    assert form.waiting_edit.text() == ""  # cleared for the next item
    [late] = sign_clock.read_late(session, clock.now().date())
    assert late.minutes_late == 40
    form.close()
    page = BoardPage(session)
    qtbot.addWidget(page)
    assert "今日签收逾时 <b>1</b>" in page.summary_label.text()
    row = next(r for r in board.read_items(session) if r.document_id == late.document_id)
    assert page.model.display(row, page.model.column_of("state")).endswith("·签收逾时")
