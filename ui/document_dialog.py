"""One registration: every field, its copies, and the selected copy's full custody history."""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import accounts, documents, registry
from app.documents import Copy, CopyEvent, Document
from app.roles import Role
from app.session import Session
from app.slip_print import print_labels, print_slips
from app.slips import FORMS, form_for
from ui.account_dialogs import FormDialog
from ui.printing import PdfOutputDialog, offer_pdf
from ui.recall_dialogs import PersonField
from ui.table_model import ListModel, table_view


class DocumentDialog(QDialog):
    def __init__(self, session: Session, document_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._document_id = document_id
        self.resize(860, 640)
        self.fields = QFormLayout()
        self.copies_model = ListModel(("份号", "页数", "状态"), self)
        self.history_model = ListModel(("时间", "经办人", "事项", "说明"), self)
        self.copies_view = table_view(self.copies_model)
        self.history_view = table_view(self.history_model)
        self.void_button = QPushButton("作废登记…")
        self.void_button.setVisible(session.role is Role.CUSTODIAN)
        self.edit_button = QPushButton("修改…")
        self.edit_button.setVisible(session.role is Role.CUSTODIAN)
        self.slips_button = QPushButton("打印各份处理笺…")
        self.copy_slip_button = QPushButton("打印本份处理笺…")
        self.labels_button = QPushButton("打印标签…")
        self.form_combo = QComboBox()
        self.form_combo.addItems(list(FORMS))
        self.form_combo.setToolTip("处理笺种类：默认按来文类别（发文为发文处理笺）选定，可改")
        self.paper_combo = QComboBox()
        self.paper_combo.addItems(["A4", "A5"])
        for widget in (self.form_combo, self.paper_combo):
            widget.setVisible(session.role is Role.CUSTODIAN)
        for button in (self.slips_button, self.copy_slip_button, self.labels_button):
            button.setVisible(session.role is Role.CUSTODIAN)
        close = QPushButton("关闭")
        tables = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel("<b>各份</b>"))
        left.addWidget(self.copies_view)
        right = QVBoxLayout()
        self.history_title = QLabel("<b>保管经历</b>（选中一份查看）")
        right.addWidget(self.history_title)
        right.addWidget(self.history_view)
        tables.addLayout(left, 2)
        tables.addLayout(right, 3)
        buttons = QHBoxLayout()
        widgets: tuple[QWidget, ...] = (
            self.form_combo,
            self.paper_combo,
            self.slips_button,
            self.copy_slip_button,
            self.labels_button,
        )
        for item in widgets:
            buttons.addWidget(item)

        buttons.addStretch(1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.void_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(self.fields)
        layout.addLayout(tables, 1)
        layout.addLayout(buttons)

        self.copies_view.selectionModel().currentRowChanged.connect(self._show_history)
        self.void_button.clicked.connect(self._void)
        self.edit_button.clicked.connect(self.open_edit)
        self.slips_button.clicked.connect(lambda: self.print_slips(all_copies=True))
        self.copy_slip_button.clicked.connect(lambda: self.print_slips(all_copies=False))
        self.labels_button.clicked.connect(self.print_labels)
        close.clicked.connect(self.accept)
        self._load()

    def _load(self) -> None:
        db = self._session.db
        d = documents.get_document(db, self._document_id)
        self._copies = documents.copies_of(db, d.id)
        self.form_combo.setCurrentText(form_for(d.source, d.outgoing))
        self.setWindowTitle(f"{'发文' if d.outgoing else '收文'} {d.number}")
        while self.fields.rowCount():
            self.fields.removeRow(0)
        readers, groups = documents.scope_of(db, d.id)
        for label, value in _field_rows(d, readers + groups):
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields.addRow(label, text)
        self.copies_model.set_rows([(c.copy_no, c.pages, c.state) for c in self._copies])
        self.void_button.setEnabled(d.voided_at is None)
        self.edit_button.setEnabled(d.voided_at is None)
        self._document = d
        if self._copies:
            self.copies_view.selectRow(0)

    def _show_history(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        copy: Copy = self._copies[current.row()]
        events = documents.copy_history(self._session.db, copy.id)
        self.history_title.setText(f"<b>第 {copy.copy_no} 份的保管经历</b>")
        db = self._session.db
        name_of = functools.cache(lambda login: accounts.display_name(db, login))
        self.history_model.set_rows([_event_row(e, name_of) for e in events])

    def print_slips(self, all_copies: bool) -> PdfOutputDialog | None:
        selected = self.copies_view.selectionModel().selectedRows()
        copy_ids = None if all_copies or not selected else [self._copies[selected[0].row()].id]
        what = "各份" if copy_ids is None else f"第{self._copies[selected[0].row()].copy_no}份"
        return offer_pdf(
            self,
            f"{self._document.number} {what}处理笺",
            f"处理笺-{self._document.number}.pdf",
            lambda: print_slips(
                self._session,
                self._document_id,
                copy_ids,
                self.form_combo.currentText(),
                self.paper_combo.currentText(),
            ),
        )

    def print_labels(self) -> PdfOutputDialog | None:
        return offer_pdf(
            self,
            f"{self._document.number} 标签",
            f"标签-{self._document.number}.pdf",
            lambda: print_labels(self._session, self._document_id),
        )

    def open_edit(self) -> EditDocumentDialog:
        dialog = EditDocumentDialog(
            self._document,
            lambda changes: registry.edit(self._session, self._document_id, changes),
            self,
        )
        dialog.accepted.connect(self._load)
        dialog.open()
        return dialog

    def open_void(self) -> VoidDialog:
        """The reason, and the 保密员's password where the copies have a history; a registration
        a recall or a destruction batch covers is refused before anything is typed."""
        dialog = VoidDialog(self._session, self._document_id, self)
        dialog.accepted.connect(self._load)
        dialog.open()
        return dialog

    def _void(self) -> None:
        self.open_void()


class VoidDialog(FormDialog):
    def __init__(self, session: Session, document_id: int, parent: QWidget | None = None) -> None:
        super().__init__("作废登记", parent)
        self._session, self._document_id = session, document_id
        db = session.db
        self.reason_edit = QLineEdit()
        self.form.addRow(QLabel("作废后登记簿中保留原记录并划线，不能撤销。"))
        self.form.addRow("作废原因", self.reason_edit)
        self.approver: PersonField | None = None
        if registry.void_needs_approval(db, document_id):
            self.approver = PersonField(session, Role.APPROVER)
            self.form.addRow(QLabel("该密件已有借阅等记录，作废须由保密员本人输入密码确认。"))
            self.form.addRow("确认人", self.approver.combo)
            self.form.addRow("确认人密码", self.approver.password_edit)
        self.finish_layout()
        refusal = registry.void_refusal(db, document_id)
        if refusal is not None:
            self.error_label.setText(refusal)
            self.reason_edit.setEnabled(False)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def submit(self) -> None:
        credential = self.approver.credential() if self.approver is not None else None
        registry.void(self._session, self._document_id, self.reason_edit.text(), credential)


class EditDocumentDialog(FormDialog):
    """Descriptive fields only: numbers, copies and 密级 stay as registered (void and re-register)."""

    LABELS = {
        "proposal": "拟办意见",
        "issuer": "来文单位",
        "doc_number": "文号",
        "title": "标题",
        "cabinet": "存放位置",
        "attachments": "附件",
        "status_note": "办理情况",
        "remarks": "备注",
    }

    def __init__(
        self, d: Document, apply: Callable[[dict[str, str]], object], parent: QWidget | None = None
    ) -> None:
        super().__init__(f"修改{'发文' if d.outgoing else '收文'} {d.number}", parent)
        self._apply = apply
        self.edits = {field: QLineEdit(str(getattr(d, field))) for field in self.LABELS}
        for field, label in self.LABELS.items():
            self.form.addRow(label, self.edits[field])
        self.finish_layout()

    def submit(self) -> None:
        self._apply({field: edit.text() for field, edit in self.edits.items()})


def _field_rows(d: Document, scope: list[str]) -> list[tuple[str, str]]:
    # A 发文 (app/outgoing.py) is the office's own: its number is the 发文 series', its
    # "received" time the time its copies were registered, its issuer the office.
    own = d.outgoing
    number = d.number + ("　【已作废】" + (d.void_reason or "") if d.voided_at else "")
    rows = [
        ("各份编号" if own else "收文编号", number),
        ("发文机关" if own else "来文单位", d.issuer if own else f"{d.issuer}（{d.source}）"),
        (
            "发文字号" if own else "文号",
            d.doc_number + ("" if d.doc_number_ok else "　（格式无法识别，按原样保存）"),
        ),
        ("标题", d.title),
        ("密级", d.level_label + ("（法定默认期限）" if d.period.defaulted else "")),
        # 办件/阅件 is how a received document is handled; a 发文 has none.
        (
            "紧急程度",
            ("电报 " if d.telegram else "") + d.urgency + ("" if own else "　" + d.handling),
        ),
        ("签发日期" if own else "成文日期", d.written_on.isoformat() if d.written_on else "—"),
        ("登记时间" if own else "签收时间", d.received_at.strftime("%Y-%m-%d %H:%M")),
        ("办理时限", d.deadline.strftime("%Y-%m-%d %H:%M") if d.deadline else "—"),
        ("阅文范围", "、".join(scope) if scope else "按涉密等级"),
        ("存放位置", d.cabinet or "—"),
        ("附件", d.attachments or "—"),
        ("备注", d.remarks or "—"),
    ]
    return rows


def _event_row(e: CopyEvent, name_of: Callable[[str], str]) -> tuple[str, str, str, str]:
    note = documents.event_note(e.kind, e.details, name_of)
    return (e.at.strftime("%Y-%m-%d %H:%M"), name_of(e.account), e.kind, note)
