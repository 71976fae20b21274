"""The login dialog: one person, their own password, their own key slot."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.anchor import RoomBehindAnchor
from app.errors import MijianError
from app.model import Credential
from app.session import Session
from ui.rollback_dialog import ask_accept_rollback
from ui.tasks import Call

# (login, password, the security officer's acceptance of a room behind its anchor or None)
LoginFn = Callable[[str, str, Credential | None], Session]


class LoginDialog(QDialog):
    def __init__(
        self, login: LoginFn, room_label: str, demo: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._login = login
        self.session: Session | None = None
        self.call: Call | None = None
        self.setWindowTitle("密件台账 · 登录")
        self.setMinimumWidth(420)

        title = QLabel("密件台账")
        title.setStyleSheet("font-size: 22px; font-weight: bold;")
        where = QLabel(room_label)
        where.setStyleSheet("color: #555;")
        where.setWordWrap(True)
        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText("登录名")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("密码")
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # how long Argon2 and a migration take is not known ahead
        self.bar.setVisible(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")

        form = QFormLayout()
        form.addRow("登录名", self.login_edit)
        form.addRow("密码", self.password_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(where)
        layout.addLayout(form)
        if demo:
            layout.addWidget(_demo_hint())
        layout.addWidget(self.error_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.bar)
        layout.addWidget(buttons)

        buttons.accepted.connect(lambda: self._try_login())
        buttons.rejected.connect(self.reject)
        self.login_edit.returnPressed.connect(self.password_edit.setFocus)
        self.password_edit.returnPressed.connect(lambda: self._try_login())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        # Enter is the line edits' alone (returnPressed). QDialog would also click its default
        # button, so one Enter in the password field tried to log in twice and counted a wrong
        # password twice towards the lockout.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def _try_login(self, accept: Credential | None = None) -> None:
        """Unwrapping the key slot (Argon2), opening the room and any migration run on a thread
        of their own (ui.tasks.Call): the dialog stays responsive and says what it is doing.
        One attempt at a time: Enter again while it runs counts no second failure."""
        if self.busy:
            return
        login = self.login_edit.text().strip()
        if not login:
            self.error_label.setText("请输入登录名。")
            self.login_edit.setFocus()
            return
        password = self.password_edit.text()
        self._working(True)
        self.call = Call(
            lambda: _warmed(self._login(login, password, accept)),
            self._logged_in,
            lambda exc: self._refused(exc, login, password),
            on_bug=lambda: self._working(False),
            parent=self,
        )

    @property
    def busy(self) -> bool:
        return self.call is not None and not self.call.finished

    def _working(self, busy: bool) -> None:
        for widget in (self.login_edit, self.password_edit, self.ok_button):
            widget.setEnabled(not busy)
        self.bar.setVisible(busy)
        if busy:
            self.error_label.setText("")
            self.status_label.setText(
                "正在核验密码并打开数据库…（首次打开新版本时还要升级数据库，请稍候）"
            )
        else:
            self.status_label.setText("")

    def _logged_in(self, session: Session) -> None:
        self._working(False)
        self.session = session
        self.accept()

    def _refused(self, exc: MijianError, login: str, password: str) -> None:
        self._working(False)
        if isinstance(exc, RoomBehindAnchor):
            accept = ask_accept_rollback(self, exc)
            if accept is not None:
                self.login_edit.setText(login)
                self.password_edit.setText(password)
                self._try_login(accept)
                return
        self.error_label.setText(exc.message)
        self.password_edit.clear()
        self.password_edit.setFocus()

    def reject(self) -> None:
        if self.busy:  # a room opening now would be left open with nobody to close it
            self.status_label.setText("正在登录，请稍候…")
            return
        super().reject()


def _warmed(session: Session) -> Session:
    """Load the report fonts (once per process) while the dialog waits anyway: loaded later, on
    the task worker at the first report, they stalled the window about 100 ms (more on a busy
    machine). A missing font file is said when something is printed, not here."""
    from app.reports.fonts import register_fonts  # reportlab: not on the way to the dialog

    with contextlib.suppress(OSError):
        register_fonts()
    return session


def _demo_hint() -> QLabel:
    # Here, not at the top: app.demo brings the whole program (the desk, pinyin, reportlab)
    # and the dialog must appear before any of it is needed.
    from app.demo import DEMO_ACCOUNTS, DEMO_CLOSE_TIME, DEMO_PASSWORD

    rows = "".join(
        f"<tr><td><b>{login}</b></td><td>{name}</td><td>{role.label}</td></tr>"
        for login, name, role in DEMO_ACCOUNTS
    )
    hint = QLabel(
        "<p>这是<b>演示机要室</b>，数据均为虚构。<br>演示账户的密码均为 "
        f"<code>{DEMO_PASSWORD}</code>：</p><table cellspacing='6'>{rows}</table>"
        f"<p>演示机要室的闭库时间设为 <b>{DEMO_CLOSE_TIME}</b>，任何时候都可以试借密件"
        "（真实机要室默认 17:30，闭库后密件不得借出，只能由保密员按 F7 例外放行）。"
        "想试闭库后的情形：用 <b>xitong</b> 登录，在“设置”中把闭库时间改早。</p>"
    )
    hint.setWordWrap(True)
    hint.setTextFormat(Qt.TextFormat.RichText)
    hint.setStyleSheet("background: #fff8e1; border: 1px solid #e0c36a; padding: 6px;")
    return hint
