"""日终清点: what is still out tonight, exceptions, incidents, and closing the day on paper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import day_close, desk, settings
from app.day_close import Incident
from app.errors import InvalidInput, MijianError
from app.model import Credential
from app.output import PRINTER, Output
from app.reports.catalog import output
from app.roles import Role
from app.session import Session
from app.vocab import CopyState, Level
from ui.confirmed_dialog import ConfirmedFormDialog, Work
from ui.errors import attempt, attempted
from ui.out_model import OUT_SAMPLES, OutModel, out_view, size_columns
from ui.printing import PdfOutputDialog, ask_pdf_path
from ui.table_model import Column, ColumnsModel, RowsModel, table_view

ChoosePdf = Callable[[QWidget, str], Path | None]
# What the 保密员 decides about a copy a 核对异常 names (app.day_close.resolve_incident).
OUTCOMES = {"找回（文件已交回或在柜）": "归还", "确认遗失（按失泄密事件查处）": "遗失"}
INCIDENT_SAMPLES = ("核对异常", OUT_SAMPLES[0], "00-00 00:00", None)


class IncidentModel(ColumnsModel):
    spec = (
        Column("kind", "类别", sample="核对异常"),
        Column("copy", "份", sample=OUT_SAMPLES[0]),
        Column("at", "发生", sample="00-00 00:00"),
        Column("description", "情况"),  # stretches
    )

    def cells(self, i: Incident) -> dict[str, Any]:
        return {
            "kind": i.kind,
            "copy": i.copy_label,
            "at": i.at.strftime("%m-%d %H:%M"),
            "description": i.description,
        }


class ReopenDialog(ConfirmedFormDialog):
    """重新开启当日: the 保密员's reason, and at the custodian's window their login and their
    own password (checked on the one confirmation path, lockout honoured, off the GUI thread)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("重新开启当日", parent)
        self._session = session
        self.asks_approver = session.role is not Role.APPROVER
        self.login_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("如 领导急需阅看某件")
        note = QLabel(
            "今日已清点关闭，清点表已记下在柜与借出。重新开启后可以再借出，"
            "借出的文件收回（或登记例外）后须再次日终清点。已签字的清点表仍然有效。"
            "须由保密员确认并写明理由，此操作记入审计。"
        )
        note.setWordWrap(True)
        self.form.addRow(note)
        if self.asks_approver:
            self.form.addRow("保密员登录名", self.login_edit)
            self.form.addRow("密码", self.password_edit)
        self.form.addRow("理由", self.reason_edit)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("重新开启")
        self.finish_layout()

    def work(self) -> Work:
        approver = None
        if self.asks_approver:
            approver = Credential(self.login_edit.text().strip(), self.password_edit.text())
        self.password_edit.clear()
        reason = self.reason_edit.text()
        return lambda session: day_close.reopen_day(session, reason, approver)


class DayClosePage(QWidget):
    def __init__(
        self, session: Session, choose_pdf: ChoosePdf = ask_pdf_path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._choose_pdf = choose_pdf
        self.sheet_delivered = False
        officer = session.role is Role.APPROVER
        self.summary_label = QLabel()
        self.summary_label.setStyleSheet("font-size: 16px;")
        self.summary_label.setWordWrap(True)
        self.out_model = OutModel(self)
        self.out_view = out_view(self.out_model)
        self.incident_model = IncidentModel(self)
        self.incident_view = table_view(self.incident_model, fit_contents=False)
        size_columns(self.incident_view, [c.sample for c in IncidentModel.spec])
        self.exception_button = QPushButton("登记过夜例外…")
        self.exception_button.setVisible(officer)
        self.resolve_button = QPushButton("处理事件…")
        self.resolve_button.setVisible(officer)
        self.reopen_button = QPushButton("重新开启当日（保密员）…")
        self.sheet_button = QPushButton("重新输出清点表…")
        self.close_button = QPushButton("日终清点并输出清点表…")
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.exception_button, self.resolve_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.sheet_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(QLabel("<b>在外文件</b>（密件须于闭库前全部收回）"))
        layout.addWidget(self.out_view, 2)
        layout.addWidget(QLabel("<b>待处理事件</b>"))
        layout.addWidget(self.incident_view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.result_label)
        self.exception_button.clicked.connect(self._exception)
        self.resolve_button.clicked.connect(self._resolve)
        self.reopen_button.clicked.connect(self.reopen)
        self.sheet_button.clicked.connect(self._sheet_again)
        self.close_button.clicked.connect(self._ask_and_close)
        self.refresh()

    def refresh(self) -> None:
        """The room as it is now: called whenever the page is shown (ui.main_window)."""
        self.result_label.clear()  # a refusal from before says nothing of the room now
        db = self._session.db
        now = self._session.clock.now()
        today = now.date()
        self.out_model.now = now
        self.out_model.set_rows(desk.out_now(db, today.isoformat()))
        self.incident_model.set_rows(day_close.open_incidents(db))
        waiting = day_close.blockers(db, today)
        closes = day_close.closes_of(db, today)
        closed_today = desk.counter_closed(db, today)
        tally = day_close.counts(db)
        classified = [v for k, v in tally.items() if k != Level.UNCLASSIFIED]
        in_room = sum(v[CopyState.IN_CABINET] for v in classified)
        out = sum(v[CopyState.LENT] for v in classified)
        held = sum(v[CopyState.DISTRIBUTED] for v in classified)
        state = (
            "今日已清点关闭"
            if closed_today
            else f"<span style='color:#b00020'>尚有 {len(waiting)} 份密件未归还，不能清点</span>"
            if waiting
            else "<span style='color:#1b5e20'>密件已全部归还（或已登记例外），可以清点</span>"
        )
        if closes and not closed_today:
            state = "今日已由保密员重新开启，收回后须再次清点　｜　" + state
        self.summary_label.setText(
            f"{now:%Y年%m月%d日}　密件在柜 {in_room} 份，借出 {out} 份，"
            f"分发在外 {held} 份　｜　{state}"
        )
        self.close_button.setEnabled(not closed_today)
        self.reopen_button.setVisible(closed_today)
        self.sheet_button.setEnabled(bool(closes))

    def close_question(self) -> str:
        """What the custodian confirms before the close: nothing may go out afterwards, and
        what is still open goes on the sheet."""
        db = self._session.db
        now = self._session.clock.now()
        close_at = settings.load(db).close_time
        matters = day_close.open_matters(db)
        text = (
            f"现在 {now:%H:%M} 日终清点（闭库时间 {close_at:%H:%M}）。清点后今日不能再借出，"
            "须保密员重新开启。"
        )
        if matters:
            listed = "；".join(f"{m['kind']} {m['copy']}" for m in matters[:5])
            more = f" 等 {len(matters)} 项" if len(matters) > 5 else ""
            text += f"\n\n尚有未结事项将列入清点表：{listed}{more}。"
        return text + "\n\n确定现在清点吗？"

    def _ask_and_close(self) -> None:
        answer = QMessageBox.question(
            self,
            "日终清点",
            self.close_question(),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.close_today()

    def close_today(self) -> PdfOutputDialog | None:
        """Close the day, then offer the sheet to print (preview, print, or save) at once."""
        # Closed or refused, the page first shows the room as it is now, then says what happened.
        closed = attempt(
            self, lambda: day_close.close_day(self._session), self.refresh, show=self._refreshed
        )
        if closed is None:
            return None
        self.result_label.setText(
            f"已于 {closed.closed_at:%H:%M} 清点关闭。审计链第 {closed.chain_seq} 条，"
            f"链头 {closed.chain_head}\n请在打开的窗口中打印清点表，签字存档。"
        )
        return self.offer_sheet()

    def offer_sheet(self) -> PdfOutputDialog | None:
        """Today's 日终清点表 through the common print path; audited once printed or saved."""
        today = self._session.clock.now().date()
        title = "日终清点表"
        report = attempt(
            self, lambda: output(self._session, "day-close", today.year, day=today), show=self._said
        )
        if report is None:
            return None

        self.sheet_delivered = False

        def delivered(where: str) -> None:
            report.delivered(where)
            self.sheet_delivered = True
            done = "已送打印机" if where == PRINTER else f"已保存到 {where}"
            self.result_label.setText(f"清点表{done}，请签字存档。")

        dialog = PdfOutputDialog(
            title,
            Output(report.pdf, delivered, report.if_lost),
            f"{title}-{today:%Y%m%d}.pdf",
            self._choose_pdf,
            self,
        )
        dialog.finished.connect(self._after_sheet_dialog)
        dialog.open()
        return dialog

    def _sheet_again(self) -> None:
        self.offer_sheet()

    def _after_sheet_dialog(self, _result: int) -> None:
        if not self.sheet_delivered:
            said = self.result_label.text().replace("\n请在打开的窗口中打印清点表，签字存档。", "")
            missing = (
                "清点表尚未打印：请点“重新输出清点表”，或在 报表 → 日终清点表 中输出，"
                "打印后签字存档。"
            )
            self.result_label.setText("\n".join(t for t in (said, missing) if t))

    def reopen(self) -> bool:
        """The 保密员 reopens today (ReopenDialog); True once done."""
        done = bool(ReopenDialog(self._session, self).exec())
        self.refresh()
        if done:
            self.result_label.setText("今日已重新开启：可以借出，收回后请再次日终清点。")
        return done

    def _selected(self, view: QTableView, model: RowsModel) -> Any:
        rows = view.selectionModel().selectedRows()
        if not rows:
            raise InvalidInput("请先在表中选中一行。")
        return model.row_at(rows[0].row())

    def _said(self, exc: MijianError) -> None:
        self.result_label.setText(exc.message)

    def _refreshed(self, exc: MijianError) -> None:
        self.refresh()  # clears the line: said after it
        self._said(exc)

    def _exception(self) -> None:
        row = attempt(self, lambda: self._selected(self.out_view, self.out_model))
        if row is None:
            return
        reason, ok = QInputDialog.getText(
            self, "登记过夜例外", f"{row.copy.label}（{row.reader}）过夜的理由："
        )
        if not ok:
            return
        expected = self._session.clock.now() + timedelta(days=1)
        back = expected.replace(hour=9, minute=0, second=0)
        attempted(
            self,
            lambda: day_close.add_exception(self._session, row.handover_id, reason, back),
            self.refresh,
        )

    def _resolve(self) -> None:
        incident = attempt(self, lambda: self._selected(self.incident_view, self.incident_model))
        if incident is None:
            return
        text, ok = QInputDialog.getText(
            self, "处理事件", f"【{incident.kind}】{incident.description}\n处理意见："
        )
        if not ok:
            return
        outcome = "归还"
        if incident.kind == "核对异常":  # the copy is back, or it is lost: the 保密员 says which
            choice, ok = QInputDialog.getItem(
                self, "处理结果", f"{incident.copy_label}：", list(OUTCOMES), 0, False
            )
            if not ok:
                return
            outcome = OUTCOMES[choice]
        attempted(
            self,
            lambda: day_close.resolve_incident(self._session, incident.id, text, outcome),
            self.refresh,
        )
