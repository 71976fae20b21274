"""The auditor's sealed-trail tools: verify every period with the sheet, look up a printed head,
and begin or resume sealing. Shown on the 审计 page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import audit, seal, trail
from app.errors import MijianError
from app.progress import Cancelled, Progress
from app.seal_verify import SealReport
from app.session import Session
from ui.errors import attempt
from ui.seal_sheet import print_sheet
from ui.tasks import run_with_progress, runner_for


class SealPanel(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("封存验证（审计验证密钥）", parent)
        self.session = session
        self.sheet_edit = QLineEdit()
        self.sheet_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.sheet_edit.setPlaceholderText("扫描密钥页上的二维码，或输入 64 位密钥")
        self.verify_button = QPushButton("逐期验证")
        self.head_edit = QLineEdit()
        self.head_edit.setPlaceholderText("日终清点表上印的链头")
        self.head_button = QPushButton("查找链头")
        self.accept_jumps = QCheckBox("已与纸质恢复记录核对，接受上次验证报告的期号跳跃")
        self.accept_jumps.setVisible(False)
        self._jumps: frozenset[int] = frozenset()
        self.begin_button = QPushButton("开始封存并打印审计验证密钥…")
        self.resume_button = QPushButton("用审计验证密钥恢复封存")
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row1 = QHBoxLayout()
        row1.addWidget(QLabel("密钥"))
        row1.addWidget(self.sheet_edit, 1)
        row1.addWidget(self.verify_button)
        row1.addWidget(self.resume_button)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("链头"))
        row2.addWidget(self.head_edit, 1)
        row2.addWidget(self.head_button)
        row2.addWidget(self.begin_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.accept_jumps)
        layout.addWidget(self.result_label)
        self.verify_button.clicked.connect(self._verify)
        self.sheet_edit.returnPressed.connect(self._verify)
        self.head_button.clicked.connect(self._find_head)
        self.head_edit.returnPressed.connect(self._find_head)
        self.begin_button.clicked.connect(self._begin)
        self.resume_button.clicked.connect(self._resume)
        self.refresh()

    def refresh(self) -> None:
        db = self.session.db
        started = seal.has_begun(db)
        self.begin_button.setVisible(not started)
        self.resume_button.setVisible(started and not seal.is_started(db))

    def _say(self, lines: list[str], ok: bool) -> None:
        self.result_label.setStyleSheet("color: #1b5e20;" if ok else "color: #b00020;")
        self.result_label.setText("\n".join(lines))

    def _verify(self) -> None:
        """Every period is walked (the chain is read whole: 17 s on the stress room) on the
        window's task runner, with progress and 取消; the key leaves the screen at once."""
        accepted = self._jumps if self.accept_jumps.isChecked() else frozenset()
        sheet = self.sheet_edit.text()
        self.sheet_edit.clear()
        self.verify_button.setEnabled(False)
        self._say(["正在逐期验证…"], True)

        def job(session: Session, progress: Progress) -> SealReport:
            total = audit.count(session.db)
            return trail.verify(
                session, sheet, lambda done: progress(done, total), accepted_jumps=accepted
            )

        def failed(exc: MijianError) -> None:
            self.verify_button.setEnabled(True)
            self._say(["已取消验证。" if isinstance(exc, Cancelled) else exc.message], False)

        run_with_progress(
            self,
            runner_for(self, self.session),
            "封存验证",
            "正在逐期验证审计链…",
            job,
            self._verified,
            failed,
        )

    def _refused(self, exc: MijianError) -> None:
        self._say([exc.message], False)

    def _verified(self, report: SealReport) -> None:
        self.verify_button.setEnabled(True)
        self._jumps = frozenset(after for _, after, _ in report.jumps)
        self.accept_jumps.setVisible(bool(report.jumps))
        self._say(report.lines, report.ok)

    def _find_head(self) -> None:
        text = self.head_edit.text()
        line = attempt(self, lambda: trail.find_head(self.session, text), show=self._refused)
        if line is None:
            return
        self._say([line], "不在审计链中" not in line)

    def _begin(self) -> None:
        key = attempt(self, lambda: trail.begin_sealing(self.session), show=self._refused)
        if key is None:
            return
        room = self.session.room
        print_sheet(self, key, room.unit, room.name, self.session.clock.now())
        del key
        self._say(["审计链已开始封存。"], True)
        self.refresh()

    def _resume(self) -> None:
        sheet = self.sheet_edit.text()
        self.sheet_edit.clear()  # the key does not stay on screen, whatever the answer
        period = attempt(
            self, lambda: trail.resume_sealing(self.session, sheet), show=self._refused
        )
        if period is None:
            return
        self._say([f"封存已恢复，自第 {period} 期继续。"], True)
        self.refresh()
