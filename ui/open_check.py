"""开启校验: the quick gate (app.maintenance.quick_check) run once when the window opens.

It runs on the window's task runner, so the custodian works from the first second; the status
bar says how it stands, and anything found is shown once, calmly, with what to do next (the
full check is the 系统管理员's, on 设置). Counts only: any role may see it.
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app import apart
from app.errors import MijianError
from app.maintenance import CheckReport, quick_check
from app.progress import Cancelled, Progress
from app.session import Session
from ui.tasks import runner_for


class OpenCheck(QLabel):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.report: CheckReport | None = None
        self._started = 0.0
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("开启校验：发现问题") + 12)

    def start(self) -> None:
        self.setText("开启校验：进行中…")
        self._started = time.monotonic()
        runner_for(self, self.session).run(self._job, self._checked, self._failed)

    @staticmethod
    def _job(session: Session, progress: Progress) -> CheckReport:
        report = quick_check(session, progress)
        # The report process starts now rather than at the first report (app/apart.py).
        apart.warm(session)
        return report

    def _checked(self, report: CheckReport) -> None:
        self.report = report
        seconds = time.monotonic() - self._started
        if report.ok:
            self.setStyleSheet("")
            self.setText("开启校验：通过")
            self.setToolTip(
                f"快速校验用时 {seconds:.1f} 秒。逐页的完整校验由系统管理员在“设置”中运行。"
            )
            return
        self.setStyleSheet("color: #b00020; font-weight: bold;")
        self.setText("开启校验：发现问题")
        QMessageBox.warning(
            self.window(),
            "开启校验发现问题",
            "\n".join(report.lines)
            + "\n\n请勿继续修改台账，立即告知安全保密管理员，并由系统管理员在“设置”中运行完整校验。",
        )

    def _failed(self, exc: MijianError) -> None:
        if isinstance(exc, Cancelled):  # the window closed first
            return
        self.setStyleSheet("color: #b00020; font-weight: bold;")
        self.setText("开启校验：未能完成")
        QMessageBox.warning(self.window(), "开启校验未能完成", exc.message)
