"""The login dialog and the main window each role meets."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from app.clock import FixedClock
from app.paths import RoomPaths
from app.session import Session, open_session
from tests.conftest import PASSWORD
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.pages.board_page import BoardPage
from ui.pages.outgoing_page import OutgoingPage
from ui.pages.recall_page import RecallPage
from ui.pages.register_page import RegisterPage
from ui.pages.reports_page import ReportsPage


def _dialog(qtbot, room: RoomPaths, clock: FixedClock) -> LoginDialog:
    dialog = LoginDialog(
        lambda u, p, accept: open_session(
            room.db, u, p, clock, exclusive=True, accept_rollback=accept
        ),
        "数据库：room",
        demo=True,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _enter(qtbot, dialog: LoginDialog) -> None:
    """Enter in the password field; the login runs on its own thread: wait for its answer."""
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


def test_login_by_keyboard(qtbot, room: RoomPaths, clock: FixedClock, shot) -> None:
    dialog = _dialog(qtbot, room, clock)
    shot(dialog, "login")
    qtbot.keyClicks(dialog.login_edit, "jiyao")
    qtbot.keyClick(dialog.login_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    _enter(qtbot, dialog)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.session is not None and dialog.session.account.login == "jiyao"
    dialog.session.close()


def test_a_wrong_password_stays_in_the_dialog_with_a_reason(
    qtbot, room: RoomPaths, clock: FixedClock, shot
) -> None:
    dialog = _dialog(qtbot, room, clock)
    qtbot.keyClicks(dialog.login_edit, "jiyao")
    qtbot.keyClicks(dialog.password_edit, "Wrong-pass-123")
    _enter(qtbot, dialog)
    assert dialog.session is None
    assert dialog.error_label.text() == "用户名或密码不正确。"
    assert dialog.login_edit.text() == "jiyao"  # nothing typed is lost but the password
    assert dialog.password_edit.text() == ""
    shot(dialog, "login-wrong-password")


def test_an_empty_login_is_asked_for(qtbot, room: RoomPaths, clock: FixedClock) -> None:
    dialog = _dialog(qtbot, room, clock)
    _enter(qtbot, dialog)
    assert dialog.error_label.text() == "请输入登录名。"


def test_each_role_sees_only_its_pages(login: Callable[..., Session], qtbot, shot) -> None:
    expected = {
        "jiyao": [
            "今日时限",
            "收文登记",
            "借阅台",
            "传阅",
            "分发",
            "发文",
            "日终清点",
            "批示督办",
            "清退销毁",
            "保管",
            "单位",
            "报表",
        ],
        "baomi": ["收文登记", "人员", "日终清点", "批示督办", "清退销毁", "定密审查", "报表"],
        "anquan": ["安全管理"],
        "xitong": ["设置"],
        "shenji": ["审计"],
    }
    for user, pages in expected.items():
        window = MainWindow(login(user))
        qtbot.addWidget(window)
        window.show()
        assert window.page_titles() == pages
        assert window.nav.count() == len(pages)
        shot(window, f"main-{user}")
    custodian = MainWindow(login("jiyao"))
    qtbot.addWidget(custodian)
    assert isinstance(custodian.pages.widget(0), BoardPage)  # the first screen each morning
    assert isinstance(custodian.pages.widget(1), RegisterPage)
    titles = custodian.page_titles()
    assert isinstance(custodian.pages.widget(titles.index("清退销毁")), RecallPage)
    assert isinstance(custodian.pages.widget(titles.index("报表")), ReportsPage)
    assert isinstance(custodian.pages.widget(titles.index("发文")), OutgoingPage)


def test_a_room_behind_its_anchor_needs_the_security_officer(
    qtbot, room: RoomPaths, clock: FixedClock, shot, monkeypatch
) -> None:
    import ui.login
    from app import settings
    from app.model import Credential
    from ui.rollback_dialog import RollbackDialog

    old = room.db.read_bytes()
    admin = open_session(room.db, "xitong", PASSWORD, clock)
    settings.set_idle_lock_minutes(admin, 8)
    admin.close()
    room.db.write_bytes(old)  # the older file copied back
    answers: list[Credential | None] = [None, Credential("anquan", PASSWORD)]
    shown: list[str] = []

    def ask(parent, behind):  # the real dialog, answered as the officer would
        dialog = RollbackDialog(behind, parent)
        qtbot.addWidget(dialog)
        shown.append(behind.message)
        shot(dialog, "rollback-dialog")
        return answers.pop(0)

    monkeypatch.setattr(ui.login, "ask_accept_rollback", ask)
    dialog = _dialog(qtbot, room, clock)
    qtbot.keyClicks(dialog.login_edit, "jiyao")
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    calls: list[str] = []
    real = dialog._login

    def counted(*args):
        calls.append(args[0])
        return real(*args)

    dialog._login = counted  # one Enter, one attempt (it used to be two)
    _enter(qtbot, dialog)
    assert dialog.session is None and "早于本机记录" in dialog.error_label.text()
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    _enter(qtbot, dialog)
    assert len(shown) == 2 and "第" in shown[0]
    assert calls == ["jiyao"] * 3  # declined; then refused and retried with the officer
    assert dialog.session is not None
    dialog.session.close()


def test_the_demo_notice_says_the_demo_is_open_at_any_hour(
    qtbot, room: RoomPaths, clock: FixedClock
) -> None:
    from PySide6.QtWidgets import QLabel

    from app.demo import DEMO_CLOSE_TIME

    dialog = _dialog(qtbot, room, clock)
    notice = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert DEMO_CLOSE_TIME in notice and "任何时候都可以试借" in notice and "17:30" in notice
    dialog.close()


def test_logging_in_and_migrating_an_old_room_keeps_the_window_ticking(
    qtbot, tmp_path, monkeypatch
) -> None:
    """Argon2, opening the room and a migration from version 1 run on the login's own thread:
    the event loop never stalls, the dialog says what it does, and Enter or Esc meanwhile
    neither tries a second time nor leaves a room open with nobody to close it."""
    import shutil
    import threading
    from pathlib import Path

    from app.clock import FixedClock
    from db.migrate import head_version
    from tests.conftest import START
    from tests.ui.test_import_dialog import FROZEN_MS, Ticks

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    room = RoomPaths(tmp_path / "old.mjdb")
    shutil.copyfile(fixtures / "room-v1.mjdb", room.db)
    shutil.copyfile(fixtures / "room-v1.mjdb.keys", room.keys)
    threads: list[int] = []

    def login(u: str, p: str, accept):
        threads.append(threading.get_ident())
        return open_session(room.db, u, p, FixedClock(START), accept_rollback=accept)

    dialog = LoginDialog(login, "数据库：old", demo=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.login_edit, "jiyao")
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    ticks = Ticks()
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.busy and dialog.bar.isVisible() and "正在核验密码" in dialog.status_label.text()
    assert not dialog.password_edit.isEnabled() and not dialog.ok_button.isEnabled()
    dialog._try_login()  # Enter again meanwhile: no second attempt
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc meanwhile: the dialog stays
    assert dialog.isVisible() and dialog.status_label.text() == "正在登录，请稍候…"
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    longest = ticks.stop()
    print(f"login with migration: longest stall {longest} ms")
    assert longest < FROZEN_MS, f"the event loop stalled {longest} ms"
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert len(threads) == 1 and threads[0] != threading.get_ident()
    session = dialog.session
    assert session is not None and session.account.login == "jiyao"
    assert session.db.user_version == head_version()  # migrated, now the GUI thread's
    assert not dialog.bar.isVisible()
    session.close()
