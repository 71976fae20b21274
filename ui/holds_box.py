"""调查扣留 on the 保管 page: the open investigation holds, placing one on a scanned copy and
releasing it, each on the 保密员's own password. The decisions are app.holds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import holds, scanning
from app.errors import InvalidInput
from app.holds import Hold
from app.roles import Role
from app.session import Session
from ui.confirmed_dialog import ConfirmedFormDialog, Work
from ui.recall_dialogs import PersonField
from ui.table_model import RowsModel


class HoldsModel(RowsModel):
    columns = ("收文编号/份号", "扣留原因", "扣留时间", "批准人")

    def display(self, r: Hold, column: int) -> Any:
        values = (r.copy_label, r.reason, f"{r.placed_at:%Y-%m-%d %H:%M}", r.approved_by)
        return values[column]


class HoldDialog(ConfirmedFormDialog):
    """Place a hold: the copy scanned (or typed 收文编号/份号), the reason, the 保密员's password."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("调查扣留", parent)
        self._session = session
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("扫描处理笺或标签，或输入 2026-0001/000001")
        self.code_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.reason_edit = QLineEdit()
        self.approver = PersonField(session, Role.APPROVER)
        self.form.addRow(QLabel("扣留期间该份不能列入销毁；由保密员本人输入密码批准。"))
        self.form.addRow("文件", self.code_edit)
        self.form.addRow("扣留原因", self.reason_edit)
        self.form.addRow("批准人", self.approver.combo)
        self.form.addRow("批准人密码", self.approver.password_edit)
        self.finish_layout()

    def work(self) -> Work:
        found = scanning.scan(self._session, self.code_edit.text())
        if found.copy is None:
            raise InvalidInput("扫到的是读者证件，请扫描文件的处理笺或标签。")
        copy_id, reason = found.copy.copy_id, self.reason_edit.text()
        credential = self.approver.credential()
        return lambda session: holds.place(session, copy_id, reason, credential)


class ReleaseDialog(ConfirmedFormDialog):
    def __init__(self, session: Session, hold: Hold, parent: QWidget | None = None) -> None:
        super().__init__(f"解除扣留：{hold.copy_label}", parent)
        self._session, self._hold = session, hold
        self.reason_edit = QLineEdit()
        self.approver = PersonField(session, Role.APPROVER)
        self.form.addRow("解除理由", self.reason_edit)
        self.form.addRow("批准人", self.approver.combo)
        self.form.addRow("批准人密码", self.approver.password_edit)
        self.finish_layout()

    def work(self) -> Work:
        copy_id, reason = self._hold.copy_id, self.reason_edit.text()
        credential = self.approver.credential()
        return lambda session: holds.release(session, copy_id, reason, credential)


class HoldsBox(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("调查扣留（扣留期间不得销毁）", parent)
        self._session = session
        self.model = HoldsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(130)  # a few holds at a time; the cabinets keep the room
        self.hold_button = QPushButton("扣留…")
        self.release_button = QPushButton("解除所选扣留…")
        self.message_label = QLabel()
        self.message_label.setStyleSheet("color: #b00020;")
        self.dialog: ConfirmedFormDialog | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(self.message_label, 1)
        buttons.addWidget(self.hold_button)
        buttons.addWidget(self.release_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.hold_button.clicked.connect(self.place)
        self.release_button.clicked.connect(self.release)

    def refresh(self) -> None:
        self.model.set_rows(holds.open_holds_for(self._session))

    def place(self) -> HoldDialog:
        dialog = HoldDialog(self._session, self)
        self._open(dialog)
        return dialog

    def release(self) -> ReleaseDialog | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.message_label.setText("请先在表中选中一项扣留。")
            return None
        self.message_label.clear()
        dialog = ReleaseDialog(self._session, self.model.row_at(rows[0].row()), self)
        self._open(dialog)
        return dialog

    def _open(self, dialog: ConfirmedFormDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(self.refresh)
        dialog.open()
