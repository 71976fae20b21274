"""定密审查 (保密员): the 保密期限 review list, and per document a decision — 解密, 延长 or
变更密级 — with date, reason and the 保密员's own password. The decisions are app.declassify."""

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

from app import declassify
from app.classification import CLASSIFIED
from app.declassify import Decision, ReviewItem
from app.entry import parse_period
from app.errors import InvalidInput
from app.roles import Role
from app.session import Session
from ui.confirmed_dialog import ConfirmedFormDialog, Work
from ui.recall_dialogs import PersonField, parse_day
from ui.table_model import RowsModel


class ReviewModel(RowsModel):
    columns = ("期限届满", "收文编号", "文号", "标题", "密级★期限", "在管份数", "备注")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.today: Any = None

    def display(self, r: ReviewItem, column: int) -> Any:
        ends = r.ends.isoformat() if r.ends else "—"
        values = (ends, r.number, r.doc_number, r.title, r.level_label, r.held, r.note(self.today))
        return values[column]


class DecisionDialog(ConfirmedFormDialog):
    def __init__(
        self, session: Session, item: ReviewItem, decision: Decision, parent: QWidget | None
    ) -> None:
        super().__init__(f"{decision.value}：{item.number} {item.level_label}", parent)
        self._session, self._item, self._decision = session, item, decision
        self.date_edit = QLineEdit(session.clock.now().strftime("%Y-%m-%d"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("审查依据，如：保密期限届满，经审查不再需要保密")
        self.level_combo = QComboBox()
        self.level_combo.addItems([lv for lv in CLASSIFIED if lv != item.level])
        self.period_edit = QLineEdit()
        self.period_edit.setPlaceholderText("如 5年、长期、2030-12-31 或 解密条件：……")
        self.approver = PersonField(session, Role.APPROVER)
        self.approver.choose(session.account.login)
        self.form.addRow(QLabel(f"{item.title}（{item.issuer} {item.doc_number}）"))
        self.form.addRow("决定日期", self.date_edit)
        if decision is Decision.CHANGE_LEVEL:
            self.form.addRow("新密级", self.level_combo)
        if decision is not Decision.DECLASSIFY:
            label = "新保密期限" if decision is Decision.EXTEND else "保密期限（空 = 沿用）"
            self.form.addRow(label, self.period_edit)
        self.form.addRow("理由", self.reason_edit)
        self.form.addRow("批准人（保密员）", self.approver.combo)
        self.form.addRow("批准人密码", self.approver.password_edit)
        self.finish_layout()

    def work(self) -> Work:
        decision, document_id = self._decision, self._item.document_id
        on = parse_day(self.date_edit.text(), "决定日期")
        level = self.level_combo.currentText() if decision is Decision.CHANGE_LEVEL else None
        period = None
        if decision is not Decision.DECLASSIFY:
            period = parse_period(self.period_edit.text(), level or self._item.level)
            if decision is Decision.EXTEND and period is None:
                raise InvalidInput("延长须写明新的保密期限。")
        reason, credential = self.reason_edit.text(), self.approver.credential()
        return lambda session: declassify.decide(
            session, document_id, decision, on, reason, credential, level=level, period=period
        )


class ReviewPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.dialog: DecisionDialog | None = None
        self.months_spin = QSpinBox()
        self.months_spin.setRange(1, 120)
        self.months_spin.setValue(12)
        self.months_spin.setSuffix(" 个月内届满")
        self.model = ReviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.buttons = {d: QPushButton(f"{d.value}…") for d in Decision}
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("保密期限届满审查：仍在管、保密期限在"))
        top.addWidget(self.months_spin)
        top.addWidget(QLabel("的密件，及标明解密条件的密件"))
        top.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.message_label, 1)
        for button in self.buttons.values():
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.months_spin.valueChanged.connect(self.refresh)
        for decision, button in self.buttons.items():
            button.clicked.connect(lambda _=False, d=decision: self.decide(d))

    def refresh(self) -> None:
        self.model.today = self._session.clock.now().date()
        self.model.set_rows(declassify.review_for(self._session, self.months_spin.value()))

    def decide(self, decision: Decision) -> DecisionDialog | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.message_label.setText("请先在表中选中一件文件。")
            return None
        item = self.model.row_at(rows[0].row())
        dialog = DecisionDialog(self._session, item, decision, self)
        dialog.accepted.connect(lambda: self._decided(item, decision))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _decided(self, item: ReviewItem, decision: Decision) -> None:
        self.refresh()
        self.message_label.setText(f"{item.number} 已记录{decision.value}审查结论。")
