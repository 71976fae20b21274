"""The 安全保密管理员's unlock dialog on its own: pick the locked account, type one's own password."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app import audit
from app.errors import AccountLocked, WrongPassword
from app.paths import RoomPaths
from app.session import LOCK_AFTER_FAILURES, Session, open_session
from tests.conftest import PASSWORD
from ui.unlock_dialog import UnlockDialog, ask_unlock


def _lock(room: RoomPaths, clock, login: str) -> None:
    for _ in range(LOCK_AFTER_FAILURES):
        with pytest.raises(WrongPassword):
            open_session(room.db, login, "Wrong-pass-123", clock)


def _press(qtbot, dialog: UnlockDialog) -> None:
    """解除锁定; the officer's password is checked on a thread of its own: wait for it."""
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.busy and dialog.error_label.text() == "正在核验密码…"
    assert dialog.password_edit.text() == ""  # off the screen at once
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


def test_unlock_a_sole_system_administrator(
    room: RoomPaths, clock, login: Callable[..., Session], qtbot, shot
) -> None:
    _lock(room, clock, "xitong")
    _lock(room, clock, "shenji")
    officer = login("anquan")
    dialog = UnlockDialog(officer)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.model.row_at(r)[0] for r in range(dialog.model.rowCount())] == [
        "xitong",
        "shenji",
    ]
    assert dialog.model.row_at(0)[3] == "09:15"
    dialog.password_edit.setText("Wrong-pass-123")
    _press(qtbot, dialog)
    assert "您的密码不正确" in dialog.error_label.text() and dialog.isVisible()
    assert dialog.model.rowCount() == 2
    shot(dialog, "unlock-dialog")
    dialog.password_edit.setText(PASSWORD)
    _press(qtbot, dialog)  # the first row: xitong
    assert dialog.error_label.text() == "" and "已解除 " in dialog.done_label.text()
    assert [dialog.model.row_at(r)[0] for r in range(dialog.model.rowCount())] == ["shenji"]
    assert dialog.password_edit.text() == ""
    open_session(room.db, "xitong", PASSWORD, clock).close()
    with pytest.raises(AccountLocked):
        open_session(room.db, "shenji", PASSWORD, clock)
    unlocked = [e for e in audit.page(officer.db, None, 50) if e.action == "解除锁定"]
    assert [(e.account, e.object) for e in unlocked] == [("anquan", "account:xitong")]


def test_nothing_locked_says_so(login: Callable[..., Session], qtbot) -> None:
    officer = login("anquan")
    closed: list[str] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, UnlockDialog)
        closed.append(dialog.done_label.text())
        assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        dialog.reject()

    QTimer.singleShot(0, close_it)
    ask_unlock(None, officer)
    assert closed == ["当前没有被锁定的账户。"]
