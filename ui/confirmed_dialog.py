"""A form someone confirms with a password, the check off the GUI thread.

The check (Argon2, ≈0.23 s a person) and the change run on a thread of their own with their own
connection (ui.tasks.on_own_connection): not on the window's task runner, whose one worker may be
laying out a year's report for minutes, and not on the GUI thread, which keeps ticking (the
desk's refresh, the idle lock). The dialog waits with everything typed, refuses a second 确定
and cannot be closed meanwhile, and shows a refusal in red. Tests wait for `busy` to fall.
"""

from __future__ import annotations

from collections.abc import Callable

from app.errors import MijianError
from app.session import Session
from ui.account_dialogs import FormDialog
from ui.errors import attempt
from ui.tasks import Call, on_own_connection

Work = Callable[[Session], object]


class ConfirmedFormDialog(FormDialog):
    _session: Session
    call: Call | None = None
    closes_when_done = True  # False: the dialog stays for the next one (解除锁定)

    def work(self) -> Work:
        """Read the fields (on the GUI thread) and say what to do with a session; a typed error
        here is shown at once, before any password is checked."""
        raise NotImplementedError

    def done_with(self, result: object) -> None:
        """On the GUI thread, after the work succeeded and before the dialog closes."""

    def refused(self, exc: MijianError) -> None:
        """On the GUI thread, after the work was refused (e.g. clear the password typed)."""

    def _submit(self) -> None:
        if self.busy:
            return
        work = attempt(self, self.work, show=self._refused)
        if work is None:
            return
        self._working(True)
        self.call = on_own_connection(
            self._session,
            work,
            self._done,
            self._refused,
            on_bug=lambda: self._working(False),
            parent=self,
        )

    @property
    def busy(self) -> bool:
        return self.call is not None and not self.call.finished

    def _working(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)
        self.error_label.setText("正在核验密码…" if busy else "")

    def _done(self, result: object) -> None:
        self._working(False)
        self.done_with(result)
        if self.closes_when_done:
            self.accept()

    def _refused(self, exc: MijianError) -> None:
        self._working(False)
        self.error_label.setText(exc.message)
        self.refused(exc)

    def reject(self) -> None:
        if not self.busy:
            super().reject()
