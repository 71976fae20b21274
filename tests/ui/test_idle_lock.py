"""The idle lock, driven by the clock: records hidden until the same person's password."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt

from app import audit
from app.clock import FixedClock
from app.session import Session
from tests.conftest import PASSWORD
from ui.main_window import MainWindow


def unlock(qtbot, window: MainWindow) -> None:
    """Wait for the lock screen's password check (on a thread of its own) to answer."""
    qtbot.waitUntil(lambda: not window.lock_screen.busy, timeout=30_000)


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

    lock = window.lock_screen
    qtbot.keyClicks(lock.password_edit, "Wrong-pass-123")
    qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)
    # The password is checked off the GUI thread: the screen says so and takes no second try.
    assert lock.busy and lock.error_label.text() == "正在核验密码…"
    assert not lock.password_edit.isEnabled() and lock.password_edit.text() == ""
    unlock(qtbot, window)
    assert window.locked
    assert lock.error_label.text() == "用户名或密码不正确。"
    assert audit.page(session.db, None, 1)[0].action == "登录失败"

    qtbot.keyClicks(lock.password_edit, PASSWORD)
    qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)
    unlock(qtbot, window)
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


def test_a_lock_by_hand_says_so_and_offers_switching_user(
    login: Callable[..., Session], qtbot, clock: FixedClock
) -> None:
    window = MainWindow(login("jiyao"))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    window.lock_action.trigger()  # 账户 → 锁定窗口 (Ctrl+L)
    assert window.locked
    hint = window.lock_screen.hint_label.text()
    assert "手动锁定" in hint and "长时间无操作" not in hint
    qtbot.keyClicks(window.lock_screen.password_edit, PASSWORD)
    qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_Return)
    unlock(qtbot, window)
    clock.advance(minutes=10)
    window.idle.check()
    assert "长时间无操作" in window.lock_screen.hint_label.text()
    # Someone else arrives at the locked window: 切换用户 ends this session's window.
    with qtbot.waitSignal(window.switch_user, timeout=1000):
        qtbot.mouseClick(window.lock_screen.switch_button, Qt.MouseButton.LeftButton)
    assert window.switching and not window.isVisible()


def test_switch_user_from_the_account_menu(login: Callable[..., Session], qtbot) -> None:
    window = MainWindow(login("baomi"))
    qtbot.addWidget(window)
    window.show()
    menu = window.menuBar().actions()[0].menu()
    assert [a.text() for a in menu.actions()] == ["修改密码…", "锁定窗口", "切换用户…", "退出"]
    with qtbot.waitSignal(window.switch_user, timeout=1000):
        window.switch_action.trigger()
    assert not window.isVisible()


def test_quitting_with_copies_out_asks_first(counter, qtbot) -> None:
    from app import desk

    custodian, officer, readers, docs = counter
    asked: list[str] = []
    answer = [False]

    def ask(parent, question: str) -> bool:
        asked.append(question)
        return answer[0]

    window = MainWindow(custodian, ask_quit=ask)
    qtbot.addWidget(window)
    window.show()
    window.quit_action.trigger()  # nothing out: quits without a word
    assert asked == [] and not window.isVisible()

    desk.checkout(custodian, readers["wang"].id, [c.id for c in docs["secret"].copies[:2]])
    desk.checkout(custodian, readers["li"].id, [docs["plain"].copies[0].id])
    window = MainWindow(custodian, ask_quit=ask)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    if not asked:  # the platform delivered no shortcut: the action it triggers
        window.quit_action.trigger()
    assert asked == ["尚有 3 份文件借出在外（其中密件 2 份），未收回。确定退出密件台账吗？"]
    assert window.isVisible()  # answered No
    answer[0] = True
    window.quit_action.trigger()
    assert not window.isVisible()


def test_the_status_bar_stays_after_the_account_menu(login: Callable[..., Session], qtbot) -> None:
    from PySide6.QtGui import QStatusTipEvent
    from PySide6.QtWidgets import QApplication

    window = MainWindow(login("jiyao"))
    qtbot.addWidget(window)
    window.show()
    said = window.status_label.text()
    assert "数据库" in said and "自动锁定" in said
    menu = window.menuBar().actions()[0].menu()
    for action in menu.actions():  # what the menu does as the mouse passes over each item
        assert action.showStatusText(window)
    QApplication.sendEvent(window, QStatusTipEvent(""))  # and as it closes
    assert window.status_label.isVisible() and window.status_label.text() == said
    assert window.statusBar().currentMessage() == ""


def test_the_approver_is_sent_to_someone_who_has_the_holidays(
    login: Callable[..., Session], qtbot, clock: FixedClock
) -> None:
    """baomi has no 设置 page: the missing-holidays note names who has it."""
    from datetime import datetime

    from app.roles import Page, Role, pages_for
    from tests.conftest import BEIJING

    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=BEIJING))  # a year with no holidays entered
    window = MainWindow(login("baomi"))
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.page_titles().index(Page.INSTRUCTIONS.value))
    note = window.pages.currentWidget().warning_label.text()
    assert "节假日尚未录入" in note
    assert Page.SETTINGS not in pages_for(Role.APPROVER)
    holders = [r for r in Role if Page.SETTINGS in pages_for(r)]
    assert holders == [Role.SYSADMIN] and Role.SYSADMIN.label in note


def test_switching_user_closes_the_session_and_logs_the_next_person_in(
    room, clock: FixedClock, qtbot, monkeypatch
) -> None:
    """The composition root: 切换用户 ends the window and its session, then the login comes
    again; the next person gets a window of their own."""
    import argparse

    from PySide6.QtWidgets import QApplication

    import ui.errors
    import ui.main
    from app.session import open_session

    monkeypatch.setattr(ui.main.logs, "setup", lambda path: None)
    monkeypatch.setattr(ui.errors, "install_excepthook", lambda: None)
    people = iter(["jiyao", "baomi", None])
    opened: list[Session] = []

    def log_in(paths, clock_) -> Session | None:
        user = next(people)
        if user is None:
            return None
        opened.append(open_session(paths.db, user, PASSWORD, clock_))
        return opened[-1]

    seen: list[str] = []

    def run(app) -> int:  # stands for the event loop: the person at the window acts
        window = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        qtbot.addWidget(window)
        seen.append(window.session.account.login)
        if len(seen) == 1:
            window.switch_action.trigger()
        else:
            window.quit_action.trigger()
        return 0

    monkeypatch.setattr(ui.main, "_login", log_in)
    monkeypatch.setattr(QApplication, "exec", run)
    args = argparse.Namespace(demo=False, db=str(room.db))
    assert ui.main.run_window(args, clock) == 0
    assert seen == ["jiyao", "baomi"]
    for session in opened:  # each window's session ended with it
        with pytest.raises(Exception, match="closed database"):
            session.db.scalar("SELECT 1")
