"""The idle lock, driven by the clock: records hidden until the same person's password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from app import audit
from app.clock import FixedClock
from app.session import Session
from tests.conftest import PASSWORD
from ui.main_window import MainWindow


def test_locks_after_ten_idle_minutes_and_unlocks_with_the_password(
    qtbot, login: Callable[..., Session], clock: FixedClock, shot
) -> None:
    session = login("shenji")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    clock.advance(minutes=9, seconds=59)
    window.idle.check()
    assert not window.locked
    clock.advance(seconds=1)
    window.idle.check()
    assert window.locked
    assert window.screens.currentWidget() is window.lock_screen
    assert not window.menuBar().isEnabled()
    shot(window, "locked")

    qtbot.keyClicks(window.lock_screen.password_edit, "Wrong-pass-123")
    qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_Return)
    assert window.locked
    assert window.lock_screen.error_label.text() == "用户名或密码不正确。"
    assert audit.page(session.db, None, 1)[0].action == "登录失败"

    qtbot.keyClicks(window.lock_screen.password_edit, PASSWORD)
    qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_Return)
    assert not window.locked
    assert window.menuBar().isEnabled()
    # The idle timer starts again from the unlock.
    clock.advance(minutes=5)
    window.idle.check()
    assert not window.locked


def test_activity_resets_the_idle_timer(
    qtbot, login: Callable[..., Session], clock: FixedClock
) -> None:
    window = MainWindow(login("xitong"))
    qtbot.addWidget(window)
    window.show()
    clock.advance(minutes=8)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    clock.advance(minutes=8)
    window.idle.check()
    assert not window.locked


def test_the_idle_limit_is_a_setting(
    qtbot, login: Callable[..., Session], clock: FixedClock
) -> None:
    window = MainWindow(login("xitong"))
    qtbot.addWidget(window)
    page = window.pages.widget(0)
    page.idle_spin.setValue(2)
    page.save_idle_button.click()
    clock.advance(minutes=2)
    window.idle.check()
    assert window.locked


def test_ctrl_l_locks_at_once(login: Callable[..., Session], qtbot) -> None:
    window = MainWindow(login("jiyao"))
    qtbot.addWidget(window)
    window.show()
    window.lock()
    assert window.locked
