"""审计: the auditor reads and verifies the trail; nothing here changes anything.

The administrators' actions are shown in full, business events reduced (app/audit_view.py).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import audit
from app.roles import Role
from app.session import Session
from db.connection import Database
from ui.audit_model import AuditModel
from ui.seal_panel import SealPanel


class AuditPage(QWidget):
    def __init__(
        self,
        db: Database,
        role: Role = Role.AUDITOR,
        parent: QWidget | None = None,
        session: Session | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self.verify_button = QPushButton("校验审计链")
        self.result_label = QLabel("尚未校验。")
        self.result_label.setWordWrap(True)
        note = QLabel("管理员的操作完整显示；业务事件只显示类别、时间、账户和对象编号。")
        note.setStyleSheet("color: #555;")
        self.model = AuditModel(db, role, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setColumnWidth(1, 160)
        self.table.setColumnWidth(4, 180)

        top = QHBoxLayout()
        top.addWidget(self.verify_button)
        top.addWidget(self.result_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.seal_panel = SealPanel(session) if session is not None else None
        if self.seal_panel is not None:
            layout.addWidget(self.seal_panel)
        layout.addWidget(note)
        layout.addWidget(self.table)

        self.verify_button.clicked.connect(self._verify)
        self.model.reload()

    def _verify(self) -> None:
        report = audit.verify(self._db)
        color = "#1b5e20" if report.ok else "#b00020"
        self.result_label.setStyleSheet(f"color: {color}; font-weight: bold;")
        self.result_label.setText(report.message)
        self.model.reload()
