"""复制审批 on the 保管 page: the copy scanned, how many copies and why, the 保密员's own
password; then the new copies' slips are offered at once. The decision is app.copying."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox, QWidget

from app import copying, scanning, slip_print
from app.errors import InvalidInput
from app.roles import Role
from app.session import Session
from ui.confirmed_dialog import ConfirmedFormDialog, Work
from ui.printing import PdfOutputDialog, offer_pdf
from ui.recall_dialogs import PersonField


class CopyDialog(ConfirmedFormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("复制审批登记", parent)
        self._session = session
        self.copy_id: int | None = None
        self.slips: PdfOutputDialog | None = None
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("扫描原件的处理笺或标签，或输入 2026-0001/000001")
        self.code_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, copying.MOST)
        self.reason_edit = QLineEdit()
        self.approver = PersonField(session, Role.APPROVER)
        self.form.addRow(QLabel("复制件按原件管理：各有份号（原份号-复N）、处理笺和二维码。"))
        self.form.addRow("原件", self.code_edit)
        self.form.addRow("复制份数", self.count_spin)
        self.form.addRow("复制理由", self.reason_edit)
        self.form.addRow("批准人", self.approver.combo)
        self.form.addRow("批准人密码", self.approver.password_edit)
        self.finish_layout()
        self.accepted.connect(self._offer_slips)

    def work(self) -> Work:
        found = scanning.scan(self._session, self.code_edit.text())
        if found.copy is None:
            raise InvalidInput("扫到的是读者证件，请扫描原件的处理笺或标签。")
        copy_id, count = found.copy.copy_id, self.count_spin.value()
        reason, credential = self.reason_edit.text(), self.approver.credential()
        self.copy_id = copy_id
        return lambda session: copying.approve(session, copy_id, count, reason, credential)

    def _offer_slips(self) -> None:
        if self.copy_id is None:  # pragma: no cover - accepted only after work()
            return
        made = copying.last_of(self._session, self.copy_id)
        document_id = scanning.copy_ref(self._session.db, self.copy_id).document_id
        self.slips = offer_pdf(
            self.parentWidget() or self,
            "复制件处理笺",
            f"复制件处理笺-{made.number}.pdf",
            lambda: slip_print.print_slips(self._session, document_id, list(made.copy_ids)),
        )
