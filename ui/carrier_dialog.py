"""登记载体 on the 保管 page: a registered copy scanned, recorded as a 光盘, U盘 or 移动硬盘
with its serial number and capacity (once). The decision is app.carriers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app import carriers, scanning
from app.errors import InvalidInput
from app.session import Session
from ui.account_dialogs import FormDialog


class CarrierDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("登记载体", parent)
        self._session = session
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("扫描标签，或输入 2026-0001/000001")
        self.code_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(carriers.KINDS)
        self.serial_edit = QLineEdit()
        self.serial_edit.setPlaceholderText("载体上的序列号")
        self.capacity_edit = QLineEdit()
        self.capacity_edit.setPlaceholderText("如 4.7GB、32GB、1TB")
        self.form.addRow(QLabel("登记后按原件管理：借出、清查、清退、销毁与纸质文件相同。"))
        self.form.addRow("文件（份）", self.code_edit)
        self.form.addRow("载体类型", self.kind_combo)
        self.form.addRow("序列号", self.serial_edit)
        self.form.addRow("容量", self.capacity_edit)
        self.finish_layout()

    def submit(self) -> None:
        found = scanning.scan(self._session, self.code_edit.text())
        if found.copy is None:
            raise InvalidInput("扫到的是读者证件，请扫描载体的标签。")
        carriers.record(
            self._session,
            found.copy.copy_id,
            self.kind_combo.currentText(),
            self.serial_edit.text(),
            self.capacity_edit.text(),
        )
