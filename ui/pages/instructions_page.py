"""批示督办: open instructions by deadline, leader and 承办单位; chase, extend, answer, print.

One look answers "which of the 书记's instructions are still open, who has them, and when were
they last chased": type the leader, and each row shows the 承办, the copies' holders and the
last chase.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import documents, instruction_records, instructions, supervision, workdays
from app.board import when_text
from app.entry import parse_datetime
from app.errors import InvalidInput
from app.instruction_records import DUE_FILTERS, Listed
from app.instructions import CHASE_WAYS, KINDS, Instruction
from app.output import Output
from app.reports.instructions_pdf import render_chase_notice
from app.roles import Role
from app.session import Session
from app.vocab import CopyState
from ui.account_dialogs import FormDialog
from ui.errors import attempt, attempted
from ui.printing import offer_pdf
from ui.report_dialog import ReportDialog
from ui.table_model import Column, ColumnsModel, ListModel, set_widths, table_view

_BRUSHES = {"逾期": QBrush(QColor("#b00020")), "今日到期": QBrush(QColor("#b26a00"))}


class InstructionsModel(ColumnsModel):
    spec = (
        Column("number", "收文编号", 84),
        Column("title", "文件", 200),
        Column("leader", "批示领导", 70),
        Column("text", "批示内容", 260),
        Column("handler", "承办", 140),
        Column("holders", "文件在", 110),
        Column("deadline", "办理时限", 90),
        Column("state", "状态", 110),
        Column("chased", "末次催办", 150),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now = datetime.now().astimezone()

    def cells(self, row: Listed) -> dict[str, Any]:
        i = row.item
        due = i.due_label(self.now)
        state = i.state if due in ("未到期", "已办结") else f"{i.state}·{due}"
        if i.flagged:
            state = f"挂牌·{state}"
        return {
            "number": i.number,
            "title": i.title,
            "leader": i.leader,
            "text": i.text,
            "handler": "／".join(v for v in (i.unit, i.handler) if v),
            "holders": holders_text(row),
            "deadline": when_text(i.deadline, self.now),
            "state": state,
            "chased": chased_text(row, self.now),
        }

    def style(self, row: Listed, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and key in ("deadline", "state"):
            return _BRUSHES.get(row.item.due_label(self.now))
        return None


def holders_text(row: Listed) -> str:
    return row.holders or CopyState.IN_CABINET


def chased_text(row: Listed, now: datetime) -> str:
    if row.last_chase is None:
        return "未催办"
    at, how = row.last_chase
    return f"{when_text(at, now)} {how}"


class NewInstructionDialog(FormDialog):
    """The 批示 entry; the desk opens it at a return with the document and the leader filled."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, number: str = "", leader: str = ""
    ) -> None:
        super().__init__("登记领导批示", parent)
        self._session = session
        self.number_edit = QLineEdit(number)
        self.number_edit.setPlaceholderText("收文编号，如 2026-0012")
        self.leader_edit = QLineEdit(leader)
        self.text_edit = QLineEdit()
        self.unit_edit = QLineEdit()
        self.handler_edit = QLineEdit()
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(list(KINDS))
        self.given_edit = QLineEdit(session.clock.now().strftime("%Y-%m-%d %H:%M"))
        self.deadline_edit = QLineEdit()
        self.deadline_edit.setPlaceholderText("空 = 按时限类别自动计算（工作日按本室日历）")
        for label, widget in (
            ("收文编号", self.number_edit),
            ("批示领导", self.leader_edit),
            ("批示内容", self.text_edit),
            ("承办单位", self.unit_edit),
            ("承办人", self.handler_edit),
            ("时限类别", self.kind_combo),
            ("批示时间", self.given_edit),
            ("办理时限", self.deadline_edit),
        ):
            self.form.addRow(label, widget)
        self.finish_layout()

    def submit(self) -> None:
        document_id = documents.id_by_number(self._session.db, self.number_edit.text())
        zone = self._session.clock.now().tzinfo
        instructions.add(
            self._session,
            document_id,
            self.leader_edit.text(),
            self.text_edit.text(),
            unit=self.unit_edit.text(),
            handler=self.handler_edit.text(),
            kind=self.kind_combo.currentText(),
            given_at=parse_datetime(self.given_edit.text(), zone, "批示时间"),
            deadline=parse_datetime(self.deadline_edit.text(), zone, "办理时限"),
        )


class InstructionsPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        custodian = session.role is Role.CUSTODIAN
        self.summary_label = QLabel()
        self.summary_label.setStyleSheet("font-size: 15px;")
        self.warning_label = QLabel()
        self.warning_label.setStyleSheet("color: #b26a00;")
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("批示内容、文件标题、文号或收文编号")
        self.leader_edit = QLineEdit()
        self.leader_edit.setPlaceholderText("批示领导")
        self.unit_edit = QLineEdit()
        self.unit_edit.setPlaceholderText("承办单位或承办人")
        self.open_check = QCheckBox("只看在办")
        self.open_check.setChecked(True)
        self.due_combo = QComboBox()
        self.due_combo.addItems(list(DUE_FILTERS))
        self.model = InstructionsModel(self)
        self.table = table_view(self.model, fit_contents=False)
        set_widths(self.table, self.model.spec)
        self.events_model = ListModel(("时间", "事项", "方式", "对象", "说明"), self)
        self.events_view = table_view(self.events_model, select_rows=False)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[str, QPushButton] = {}
        actions = (
            ("new", "登记批示…"),
            ("chase", "催办…"),
            ("notice", "打印督办单…"),
            ("start", "开始办理"),
            ("extend", "申请延期…"),
            ("decide", "延期审批…"),
            ("finish", "办结…"),
            ("flag", "挂牌/摘牌…"),
            ("ledger", "批示件台账…"),
        )
        row = QHBoxLayout()
        for key, text in actions:
            button = QPushButton(text)
            button.setVisible(custodian or key == "ledger")
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        filters = QHBoxLayout()
        for widget in (
            self.search_edit,
            self.leader_edit,
            self.unit_edit,
            self.due_combo,
            self.open_check,
        ):
            filters.addWidget(widget)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.detail_label)
        detail_layout.addWidget(self.events_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setSizes([420, 240])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.warning_label)
        layout.addLayout(filters)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)

        # Typing waits for a pause, as on the register: one query per pause, not per key.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)
        for edit in (self.search_edit, self.leader_edit, self.unit_edit):
            edit.textChanged.connect(self._debounce.start)
        self.open_check.toggled.connect(self.refresh)
        self.due_combo.currentIndexChanged.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.buttons["new"].clicked.connect(self._new)
        self.buttons["chase"].clicked.connect(self._chase)
        self.buttons["notice"].clicked.connect(self.print_notice)
        self.buttons["start"].clicked.connect(
            lambda: self._act(lambda i: instructions.start(self._session, i.id))
        )
        self.buttons["extend"].clicked.connect(self._extend)
        self.buttons["decide"].clicked.connect(self._decide)
        self.buttons["finish"].clicked.connect(self._finish)
        self.buttons["flag"].clicked.connect(self._flag)
        self.buttons["ledger"].clicked.connect(
            lambda: ReportDialog(
                session, "instructions", session.clock.now().year, parent=self
            ).open()
        )
        self.refresh()

    # ---- showing ------------------------------------------------------------------------
    def refresh(self) -> None:
        self._debounce.stop()
        db = self._session.db
        now = self._session.clock.now()
        rows = instruction_records.listing(
            db,
            now,
            text=self.search_edit.text(),
            leader=self.leader_edit.text(),
            unit=self.unit_edit.text(),
            open_only=self.open_check.isChecked(),
            due=self.due_combo.currentText(),
        )
        self.model.now = now
        self.model.set_rows(rows)
        counts = instructions.summary(db, now)
        self.summary_label.setText("　".join(f"{k} <b>{v}</b>" for k, v in counts.items()))
        self.warning_label.setText(workdays.warning_for(db, now.year) or "")
        self.detail_label.setText("选中一条查看批示、文件去向和催办记录。")
        self.events_model.set_rows([])

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row: Listed = self.model.row_at(current.row())
        i = row.item
        self.detail_label.setText(
            f"<b>{i.number}《{i.title}》</b><br>{i.leader} {i.given_at:%Y-%m-%d %H:%M} 批示：{i.text}<br>"
            f"承办：{i.unit or '—'} {i.handler}　办理时限：{i.deadline:%Y-%m-%d %H:%M}　状态：{i.state}"
            f"　文件在：{holders_text(row)}" + (f"<br>反馈：{i.feedback}" if i.feedback else "")
        )
        self.events_model.set_rows(
            [
                (
                    e.at.strftime("%m-%d %H:%M"),
                    e.kind,
                    e.how,
                    e.whom,
                    e.note
                    + (
                        f"（时限 {e.old_deadline[:16].replace('T', ' ')} → "
                        f"{e.new_deadline[:16].replace('T', ' ')}）"
                        if e.old_deadline and e.new_deadline
                        else ""
                    ),
                )
                for e in instructions.events(self._session.db, i.id)
            ]
        )

    # ---- acting -------------------------------------------------------------------------
    def selected(self) -> Instruction:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            raise InvalidInput("请先在表中选中一条批示。")
        row: Listed = self.model.row_at(rows[0].row())
        return row.item

    def _act(self, action: Any) -> None:
        attempted(self, lambda: action(self.selected()), self.refresh)

    def _new(self) -> None:
        if NewInstructionDialog(self._session, self).exec():
            self.refresh()

    def _chase(self) -> None:
        def run(i: Instruction) -> None:
            how, ok = QInputDialog.getItem(self, "催办", "方式：", list(CHASE_WAYS), 0, False)
            if not ok:
                return
            whom, ok = QInputDialog.getText(self, "催办", "催办对象：", text=i.handler or i.unit)
            if not ok:
                return
            note, ok = QInputDialog.getText(self, "催办", "对方答复 / 说明：")
            if ok:
                instructions.chase(self._session, i.id, how, whom, note)

        self._act(run)

    def print_notice(self) -> Any:
        item = attempt(self, self.selected)
        if item is None:
            return None

        def make() -> Output:
            # The chase is recorded when the 督办单 is printed or saved, not when it is made:
            # a preview closed unprinted chased nobody.
            def delivered(where: str) -> None:
                instructions.chase(
                    self._session,
                    item.id,
                    "督办单",
                    item.unit or item.handler or item.leader,
                    f"打印督办单（{where}）",
                )
                self.refresh()

            pdf = render_chase_notice(
                instructions.get(self._session.db, item.id),
                instructions.events(self._session.db, item.id),
                self._session.room.unit,
                self._session.clock.now(),
            )
            return Output(
                pdf, delivered, "督办单已打印或保存，但未记入催办记录，请手工补记一次催办。"
            )

        return offer_pdf(self, f"{item.number} 督办单", f"督办单-{item.number}.pdf", make)

    def _extend(self) -> None:
        def run(i: Instruction) -> None:
            reason, ok = QInputDialog.getText(self, "申请延期", "理由：")
            if not ok:
                return
            text, ok = QInputDialog.getText(self, "申请延期", "延至（如 2026-11-30 17:00）：")
            if ok:
                when = parse_datetime(text, self._session.clock.now().tzinfo, "延期时限")
                if when is None:
                    raise InvalidInput("请填写延期后的时限。")
                instructions.request_extension(self._session, i.id, reason, when)

        self._act(run)

    def _decide(self) -> None:
        def run(i: Instruction) -> None:
            choice, ok = QInputDialog.getItem(
                self, "延期审批", "领导意见：", ["同意延期", "不同意"], 0, False
            )
            if not ok:
                return
            who, ok = QInputDialog.getText(self, "延期审批", "审批领导：", text=i.leader)
            if ok:
                instructions.decide_extension(self._session, i.id, choice == "同意延期", who)

        self._act(run)

    def _flag(self) -> None:
        def run(i: Instruction) -> None:
            what = "摘牌" if i.flagged else "挂牌督办"
            reason, ok = QInputDialog.getText(self, what, f"{what}理由：")
            if ok:
                change = supervision.unflag if i.flagged else supervision.flag
                change(self._session, i.id, reason)

        self._act(run)

    def _finish(self) -> None:
        def run(i: Instruction) -> None:
            feedback, ok = QInputDialog.getText(self, "办结", "办理结果（反馈）：")
            if ok:
                instructions.finish(self._session, i.id, feedback)

        self._act(run)
