"""The 安全保密管理员's 安全管理 page, driven through the real window; the system administrator's
notice in a room without one; the login of an account whose role is not granted."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from app import accounts
from app.clock import FixedClock
from app.errors import WrongPassword
from app.model import NewAccount
from app.paths import RoomPaths
from app.roles import Role
from app.session import Session, open_session
from tests.conftest import PASSWORD, START
from ui.account_dialogs import GrantRoleDialog
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.pages.security_page import SecurityPage
from ui.pages.settings_page import SettingsPage

GOOD = "Secret-2026x"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _officer_window(qtbot, session: Session) -> tuple[MainWindow, SecurityPage]:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert window.page_titles() == ["安全管理"]
    page = window.pages.widget(0)
    assert isinstance(page, SecurityPage)
    return window, page


def _select(page: SecurityPage, login: str) -> None:
    model = page.accounts_model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).login == login)
    page.accounts_table.selectRow(row)


def _answer_modal(action: Callable[[object], None]) -> None:
    """Act on the next modal dialog as a person would (it opens inside a click's exec())."""

    def act() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, act)
            return
        action(widget)

    QTimer.singleShot(0, act)


def test_the_officer_grants_then_revokes_a_role_in_the_window(
    qtbot, login: Callable[..., Session], room: RoomPaths, clock: FixedClock, shot
) -> None:
    accounts.create_account(login("xitong"), NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    window, page = _officer_window(qtbot, login("anquan"))
    _select(page, "zhaolei")
    row = page.accounts_table.selectionModel().selectedRows()[0].row()
    assert page.accounts_model.index(row, 3).data() == "待授予"
    shot(window, "security-page")

    def grant(dialog: object) -> None:
        assert isinstance(dialog, GrantRoleDialog)
        assert dialog.role_combo.currentData() == Role.CUSTODIAN.value  # the proposal
        shot(dialog, "grant-role-dialog")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    _answer_modal(grant)
    page.grant_button.click()
    assert "已为 zhaolei 授予角色" in page.status_label.text()
    open_session(room.db, "zhaolei", GOOD, clock).close()

    _select(page, "zhaolei")

    def yes(box: object) -> None:
        assert isinstance(box, QMessageBox) and "撤销" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    _answer_modal(yes)
    page.revoke_button.click()
    assert "已撤销 zhaolei 的角色" in page.status_label.text()
    with pytest.raises(Exception, match="已被撤销"):
        open_session(room.db, "zhaolei", GOOD, clock)


def test_a_refused_revoke_says_why(qtbot, login: Callable[..., Session]) -> None:
    page = SecurityPage(login("anquan"), confirm=lambda parent, text: True)
    qtbot.addWidget(page)
    seen: list[str] = []
    _answer_modal(lambda box: (seen.append(box.text()), box.close()))  # type: ignore[attr-defined]
    _select(page, "shenji")
    page.revoke_button.click()
    assert seen and "唯一已授权的安全审计员" in seen[0]


def test_security_events_show_failures_and_nothing_else(
    qtbot, login: Callable[..., Session], room: RoomPaths, clock: FixedClock, shot
) -> None:
    for _ in range(5):
        with pytest.raises(WrongPassword):
            open_session(room.db, "jiyao", "Wrong-pass-123", clock)
    clock.advance(minutes=20)
    _, page = _officer_window(qtbot, login("anquan"))
    model = page.events_model
    actions = [model.index(r, 3).data() for r in range(model.rowCount())]
    assert actions.count("登录失败") == 5 and actions.count("账户锁定") == 1
    assert set(actions) == {"登录失败", "账户锁定"}
    assert "锁定至" in " ".join(model.index(r, 5).data() for r in range(model.rowCount()))
    assert not page.older_button.isEnabled()  # the whole (small) trail was read
    shot(page, "security-events")


def test_the_unlock_button_is_there(qtbot, login: Callable[..., Session]) -> None:
    # The dialog itself is the lockout work's (ui.unlock_dialog); not clicked here.
    page = SecurityPage(login("anquan"))
    qtbot.addWidget(page)
    assert page.unlock_button.text() == "解锁账户…"
    assert page.events_label.text() == "审计记录中没有安全事件。"


def test_an_ungranted_account_is_told_why_at_login(
    qtbot, login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    accounts.create_account(login("xitong"), NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    dialog = LoginDialog(
        lambda u, p, _accept: open_session(room.db, u, p, clock), "数据库：room", False
    )
    qtbot.addWidget(dialog)
    dialog.login_edit.setText("zhaolei")
    dialog.password_edit.setText(GOOD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)  # the login's own thread
    assert dialog.session is None
    assert "尚未由安全保密管理员授予" in dialog.error_label.text()


def test_the_sysadmin_is_asked_for_an_officer_when_the_room_has_none(
    qtbot, login: Callable[..., Session], tmp_path: Path
) -> None:
    demo = SettingsPage(login("xitong"))
    qtbot.addWidget(demo)
    assert demo.officer_notice.isHidden()
    room = RoomPaths(tmp_path / "old.mjdb")
    shutil.copyfile(FIXTURES / "room-v7.mjdb", room.db)
    shutil.copyfile(FIXTURES / "room-v7.mjdb.keys", room.keys)
    admin = open_session(room.db, "xitong", PASSWORD, FixedClock(START))
    try:
        page = SettingsPage(admin)
        qtbot.addWidget(page)
        page.show()
        assert page.officer_notice.isVisible()
        assert "还没有安全保密管理员" in page.officer_notice.text()
        accounts.create_account(admin, NewAccount("sun", "孙悦", Role.SECURITY_OFFICER, GOOD))
        after = SettingsPage(admin)
        qtbot.addWidget(after)
        assert after.officer_notice.isHidden()
    finally:
        admin.close()


def test_the_unlock_button_opens_the_unlock_dialog(qtbot, login, monkeypatch) -> None:
    from PySide6.QtCore import Qt

    import ui.pages.security_page as page_module

    officer = login("anquan")
    page = page_module.SecurityPage(officer)
    qtbot.addWidget(page)
    opened: list[object] = []
    monkeypatch.setattr(page_module, "ask_unlock", lambda parent, session: opened.append(session))
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert opened == [officer]
