"""归档 (a tab of 清退销毁): at year end the custodian files what the room still holds —
卷号, 保管期限, 归卷日期 — and prints the 归档移交清单 and the year's 去向核查. The decisions
are app.filing."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import filing
from app.errors import InvalidInput, MijianError
from app.filing import RETENTIONS, Fileable
from app.roles import Role
from app.session import Session
from ui.errors import attempt
from ui.printing import ChoosePdf, ask_pdf_path
from ui.recall_dialogs import parse_day
from ui.report_dialog import ReportDialog
from ui.table_model import RowsModel


class FileableModel(RowsModel):
    columns = ("登记编号", "文号", "标题", "密级", "在柜份号", "尚不能归档")

    def display(self, r: Fileable, column: int) -> Any:
        values = (r.number, r.doc_number, r.title, r.level_label, r.copies, r.blocker or "")
        return values[column]


class FilingPage(QWidget):
    def __init__(
        self, session: Session, choose: ChoosePdf = ask_pdf_path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._choose = choose
        self.dialog: ReportDialog | None = None
        today = session.clock.now().date()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year if today.month == 12 else today.year - 1)
        self.year_spin.setSuffix(" 年")
        self.model = FileableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.volume_edit = QLineEdit()
        self.volume_edit.setPlaceholderText("卷号，如 2026-永久-001")
        self.retention_combo = QComboBox()
        self.retention_combo.addItems(RETENTIONS)
        self.date_edit = QLineEdit(today.isoformat())
        self.file_button = QPushButton("归档所选")
        self.list_button = QPushButton("归档移交清单…")
        self.ends_button = QPushButton("去向核查…")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("收文年度"))
        top.addWidget(self.year_spin)
        top.addWidget(QLabel("仍在管的文件（已清退、销毁、归档的不列）"))
        top.addStretch(1)
        top.addWidget(self.list_button)
        top.addWidget(self.ends_button)
        act = QHBoxLayout()
        act.addWidget(self.volume_edit, 1)
        act.addWidget(QLabel("保管期限"))
        act.addWidget(self.retention_combo)
        act.addWidget(QLabel("归卷日期"))
        act.addWidget(self.date_edit)
        act.addWidget(self.file_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(act)
        layout.addWidget(self.message_label)
        custodian = session.role is Role.CUSTODIAN
        for w in (self.volume_edit, self.retention_combo, self.date_edit, self.file_button):
            w.setVisible(custodian)
        self.year_spin.valueChanged.connect(self.refresh)
        self.file_button.clicked.connect(self.file_selected)
        self.list_button.clicked.connect(lambda: self._report("filing"))
        self.ends_button.clicked.connect(lambda: self._report("ends"))

    def refresh(self) -> None:
        self.model.set_rows(filing.candidates(self._session, self.year_spin.value()))

    def file_selected(self) -> None:
        ids = [
            self.model.row_at(i.row()).document_id
            for i in self.table.selectionModel().selectedRows()
        ]

        def file() -> int:
            if not ids:
                raise InvalidInput("请先在表中选择要归档的文件（可按住 Ctrl 或 Shift 多选）。")
            return filing.file_documents(
                self._session,
                ids,
                self.volume_edit.text(),
                self.retention_combo.currentText(),
                parse_day(self.date_edit.text(), "归卷日期"),
            )

        n = attempt(self, file, show=self._show_error)
        if n is None:
            return
        self.message_label.setStyleSheet("")
        self.message_label.setText(
            f"已归档 {len(ids)} 件 {n} 份，卷号 {self.volume_edit.text().strip()}。"
        )
        self.refresh()

    def _show_error(self, exc: MijianError) -> None:
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setText(exc.message)

    def _report(self, kind: str) -> ReportDialog:
        self.dialog = ReportDialog(
            self._session, kind, self.year_spin.value(), choose=self._choose, parent=self
        )
        self.dialog.open()
        return self.dialog
