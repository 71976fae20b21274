"""Idle lock: after N idle minutes the window hides every record until the same person's password.

Idle time is measured with the session's injected clock, so a test moves the clock and calls
`check()` instead of waiting.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.clock import Clock
from app.errors import MijianError
from app.session import Session
from ui.tasks import Call, on_own_connection

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class IdleWatcher(QObject):
    """Watches the whole application's input; emits `idle` once the limit has passed."""

    idle = Signal()

    def __init__(self, clock: Clock, minutes: Callable[[], int], parent: QObject | None = None):
        super().__init__(parent)
        self._clock = clock
        self._minutes = minutes
        self._last = clock.now()
        self.paused = False
        self._timer = QTimer(self)
        self._timer.setInterval(15_000)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in _ACTIVITY:
            self._last = self._clock.now()
        return False

    def stop(self) -> None:
        self._timer.stop()

    def touch(self) -> None:

        self._last = self._clock.now()

    def check(self) -> None:
        if self.paused:
            return
        idle_seconds = (self._clock.now() - self._last).total_seconds()
        if idle_seconds >= self._minutes() * 60:
            self.idle.emit()


class LockScreen(QWidget):
    """Shown in place of every page while the window is locked. The password is checked (Argon2,
    ≈0.23 s) on a thread of its own with its own connection (ui.tasks.on_own_connection), not on
    the GUI thread and not behind a report queued on the window's runner."""

    unlocked = Signal()
    # Someone else is at the window: end this session and show the login.
    switch_user = Signal()

    def __init__(self, who: str, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self._who = who
        self.call: Call | None = None
        title = QLabel("窗口已锁定")
        title.setStyleSheet("font-size: 26px; font-weight: bold;")
        self.hint_label = hint = QLabel()
        self.show_reason(idle=True)
        self.switch_button = QPushButton("切换用户…")
        self.switch_button.setMaximumWidth(120)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("密码")
        self.password_edit.setMaximumWidth(320)
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.setMaximumWidth(120)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (
            title,
            hint,
            self.password_edit,
            self.unlock_button,
            self.error_label,
            self.switch_button,
        ):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.password_edit.returnPressed.connect(self._try_unlock)
        self.unlock_button.clicked.connect(self._try_unlock)
        self.switch_button.clicked.connect(self.switch_user)

    def show_reason(self, idle: bool) -> None:
        """Why the window is locked: the idle limit, or its user locked it by hand."""
        why = "长时间无操作" if idle else f"{self._who} 已手动锁定窗口"
        self.hint_label.setText(
            f"{why}，所有记录已隐藏。请 {self._who} 输入密码解锁；其他人请点“切换用户”登录。"
        )

    @property
    def busy(self) -> bool:
        return self.call is not None and not self.call.finished

    def _try_unlock(self) -> None:
        if self.busy:
            return
        password = self.password_edit.text()
        self.password_edit.clear()
        self._checking(True)
        self.call = on_own_connection(
            self._session,
            lambda session: session.verify_password(password),
            self._passed,
            self._refused,
            on_bug=lambda: self._checking(False),
            parent=self,
        )

    def _checking(self, busy: bool) -> None:
        for widget in (self.password_edit, self.unlock_button, self.switch_button):
            widget.setEnabled(not busy)
        self.error_label.setText("正在核验密码…" if busy else "")

    def _passed(self, _result: object) -> None:
        self._checking(False)
        self.unlocked.emit()

    def _refused(self, exc: MijianError) -> None:
        self._checking(False)
        self.error_label.setText(exc.message)
        self.password_edit.setFocus()
