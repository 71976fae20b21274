"""日终清点: what is still out tonight, exceptions, incidents, and closing the day on paper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import day_close, desk
from app.day_close import Incident
from app.reports.day_close_pdf import render_day_close
from app.roles import Role
from app.session import Session
from db.errors import InvalidInput, MijianError
from ui.errors import show_error
from ui.out_model import OutModel, out_view
from ui.printing import ask_pdf_path
from ui.table_model import RowsModel, table_view

ChoosePdf = Callable[[QWidget, str], Path | None]


class IncidentModel(RowsModel):
    columns = ("类别", "份", "发生", "情况")

    def display(self, i: Incident, column: int) -> Any:
        return (i.kind, i.copy_label, i.at.strftime("%m-%d %H:%M"), i.description)[column]


class DayClosePage(QWidget):
    def __init__(
        self, session: Session, choose_pdf: ChoosePdf = ask_pdf_path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._choose_pdf = choose_pdf
        officer = session.role is Role.APPROVER
        self.summary_label = QLabel()
        self.summary_label.setStyleSheet("font-size: 16px;")
        self.out_model = OutModel(self)
        self.out_view = out_view(self.out_model)
        self.incident_model = IncidentModel(self)
        self.incident_view = table_view(self.incident_model)
        self.exception_button = QPushButton("登记过夜例外…")
        self.exception_button.setVisible(officer)
        self.resolve_button = QPushButton("处理事件…")
        self.resolve_button.setVisible(officer)
        self.close_button = QPushButton("日终清点并输出清点表…")
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.exception_button, self.resolve_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
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
        self.close_button.clicked.connect(self.close_today)
        self.refresh()

    def refresh(self) -> None:
        db = self._session.db
        now = self._session.clock.now()
        self.out_model.now = now
        self.out_model.set_rows(desk.out_now(db, now.date().isoformat()))
        self.incident_model.set_rows(day_close.open_incidents(db))
        waiting = day_close.blockers(db, now.date())
        last = day_close.last_close(db)
        closed_today = last is not None and last.day == now.date()
        tally = day_close.counts(db)
        in_room = sum(v["在柜"] for k, v in tally.items() if k != "非密")
        out = sum(v["借出"] for k, v in tally.items() if k != "非密")
        state = (
            "今日已清点关闭"
            if closed_today
            else f"<span style='color:#b00020'>尚有 {len(waiting)} 份密件未归还，不能清点</span>"
            if waiting
            else "<span style='color:#1b5e20'>密件已全部归还（或已登记例外），可以清点</span>"
        )
        self.summary_label.setText(
            f"{now:%Y年%m月%d日}　密件在柜 {in_room} 份，借出 {out} 份　｜　{state}"
        )
        self.close_button.setEnabled(not closed_today)

    def close_today(self) -> Path | None:
        try:
            closed = day_close.close_day(self._session)
        except MijianError as exc:
            self.result_label.setText(exc.message)
            self.refresh()
            return None
        self.refresh()
        pdf = render_day_close(closed, self._session.room.unit, self._session.account.display_name)
        self.result_label.setText(
            f"已于 {closed.closed_at:%H:%M} 清点关闭。审计链第 {closed.chain_seq} 条，链头 {closed.chain_head}"
        )
        target = self._choose_pdf(self, f"日终清点表-{closed.day:%Y%m%d}.pdf")
        if target is None:
            self.result_label.setText(
                self.result_label.text() + "\n清点表未保存：可稍后在报表中重新输出。"
            )
            return None
        try:
            target.write_bytes(pdf)
        except OSError as exc:
            self.result_label.setText(f"清点表无法写入 {target}：{exc.strerror}")
            return None
        self.result_label.setText(
            self.result_label.text() + f"\n清点表已保存到 {target}，请打印签字存档。"
        )
        return target

    def _selected(self, view: QTableView, model: RowsModel) -> Any:
        rows = view.selectionModel().selectedRows()
        if not rows:
            raise InvalidInput("请先在表中选中一行。")
        return model.row_at(rows[0].row())

    def _exception(self) -> None:
        try:
            row = self._selected(self.out_view, self.out_model)
            reason, ok = QInputDialog.getText(
                self, "登记过夜例外", f"{row.copy.label}（{row.reader}）过夜的理由："
            )
            if not ok:
                return
            expected = self._session.clock.now() + timedelta(days=1)
            day_close.add_exception(
                self._session, row.handover_id, reason, expected.replace(hour=9, minute=0, second=0)
            )
        except MijianError as exc:
            show_error(self, exc)
            return
        self.refresh()

    def _resolve(self) -> None:
        try:
            incident = self._selected(self.incident_view, self.incident_model)
            text, ok = QInputDialog.getText(
                self, "处理事件", f"【{incident.kind}】{incident.description}\n处理意见："
            )
            if not ok:
                return
            day_close.resolve_incident(self._session, incident.id, text)
        except MijianError as exc:
            show_error(self, exc)
            return
        self.refresh()
