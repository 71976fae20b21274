"""传阅: one document's route — who has read it, who holds which copy, who is next — and the
custodian's decisions on it: set the route (a saved route or names typed in order), widen or
narrow it with a reason, keep it as a saved route, print the 传阅单.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
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

from app import circulation, documents
from app.circulation_records import RouteStatus, Step
from app.errors import InvalidInput
from app.reports import catalog
from app.roles import Role
from app.session import Session
from app.vocab import CopyState
from ui.errors import attempt, attempted, show_error
from ui.printing import offer_pdf
from ui.table_model import Column, ColumnsModel, ListModel, table_view


class StepsModel(ColumnsModel):
    spec = (
        Column("seq", "序"),
        Column("name", "阅文人"),
        Column("position", "职务"),
        Column("state", "状态"),
        Column("read_at", "阅毕时间"),
        Column("instructed", "批示"),
        Column("held", "阅时"),
        Column("note", "说明"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now: Any = None

    def cells(self, row: Step) -> dict[str, Any]:
        if row.read_at is not None:
            state = "已阅"
        elif row.holding is not None:
            state = f"在阅（{row.holding.copy_no}）"
        else:
            state = "未阅"
        minutes = row.held_minutes(self.now) if self.now else 0
        return {
            "seq": row.seq,
            "name": row.name,
            "position": row.position,
            "state": state,
            "read_at": row.read_at.strftime("%m-%d %H:%M") if row.read_at else "",
            "instructed": "有" if row.instructed else "",
            "held": f"{minutes // 60}小时{minutes % 60}分"
            if minutes >= 60
            else (f"{minutes}分" if minutes else ""),
            "note": f"扩大：{row.added_reason}" if row.added_kind == "扩大" else "",
        }


class CirculationPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._document_id: int | None = None
        custodian = session.role is Role.CUSTODIAN
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText("收文编号，如 2026-0012（回车查看）")
        self.info_label = QLabel("输入收文编号查看传阅情况。")
        self.progress_label = QLabel()
        self.steps_model = StepsModel(self)
        self.steps_view = table_view(self.steps_model)
        self.copies_model = ListModel(("份号", "状态", "持有人", "借出时间", "下一位"), self)
        self.copies_view = table_view(self.copies_model, select_rows=False)
        self.progress_model = ListModel(
            ("收文编号", "文件", "密级", "时限", "已阅", "现在在"), self
        )
        self.progress_view = table_view(self.progress_model)
        self._progress_ids: list[int] = []
        self.route_combo = QComboBox()
        self.readers_edit = QLineEdit()
        self.readers_edit.setPlaceholderText("读者姓名，按传阅顺序，以空格或顿号分隔")
        self.rank_check = QCheckBox("按阅读层次排序")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text in (
            ("by_route", "按路线设定"),
            ("by_names", "按名单设定"),
            ("widen", "扩大范围…"),
            ("narrow", "缩小范围…"),
            ("save", "存为路线…"),
            ("print", "打印传阅单…"),
        ):
            button = QPushButton(text)
            button.setVisible(custodian or key == "print")
            self.buttons[key] = button
        setting = QHBoxLayout()
        for item in (self.route_combo, self.buttons["by_route"], self.readers_edit):
            setting.addWidget(item)
        setting.addWidget(self.rank_check)
        setting.addWidget(self.buttons["by_names"])
        for key in ("widen", "narrow", "save", "print"):
            row.addWidget(self.buttons[key])
        row.addStretch(1)
        for widget in (self.route_combo, self.readers_edit, self.rank_check):
            widget.setVisible(custodian)
        splitter = QSplitter()
        splitter.addWidget(self.steps_view)
        splitter.addWidget(self.copies_view)
        splitter.setSizes([700, 420])
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(splitter)
        outer.addWidget(self.progress_view)
        outer.setSizes([320, 240])
        layout = QVBoxLayout(self)
        layout.addWidget(self.number_edit)
        layout.addWidget(self.info_label)
        layout.addWidget(self.progress_label)
        layout.addLayout(setting)
        layout.addLayout(row)
        layout.addWidget(outer, 1)

        self.number_edit.returnPressed.connect(self._open_number)
        self.progress_view.doubleClicked.connect(self._open_progress_row)
        self.progress_view.activated.connect(self._open_progress_row)
        self.buttons["by_route"].clicked.connect(self._set_by_route)
        self.buttons["by_names"].clicked.connect(self._set_by_names)
        self.buttons["widen"].clicked.connect(self._widen)
        self.buttons["narrow"].clicked.connect(self._narrow)
        self.buttons["save"].clicked.connect(self._save_route)
        self.buttons["print"].clicked.connect(self.print_sheet)
        self._load_routes()
        self.refresh_progress()

    # ---- showing ------------------------------------------------------------------------
    def show_document(self, document_id: int) -> None:
        self._document_id = document_id
        db = self._session.db
        now = self._session.clock.now()
        route: RouteStatus = circulation.status(db, document_id)
        doc = documents.get_document(db, document_id)
        self.steps_model.now = now
        self.steps_model.set_rows(list(route.steps))
        self.copies_model.set_rows(
            [
                (
                    c.copy_no,
                    c.state,
                    c.holder or "",
                    c.since.strftime("%m-%d %H:%M") if c.since else "",
                    _next_name(db, c.copy_id) if c.state == CopyState.IN_CABINET else "",
                )
                for c in route.copies
            ]
        )
        limit = f"　时限 {doc.deadline:%m-%d %H:%M}" if doc.deadline else ""
        if not route.steps:
            progress = "尚未设定传阅路线"
        elif route.complete:
            progress = f"已全部阅毕（{len(route.steps)} 人）"
        else:
            progress = f"已阅 {len(route.read)}/{len(route.steps)}，未阅：" + "、".join(
                s.name for s in route.unread
            )
        self.info_label.setText(
            f"<b>{route.number}《{route.title}》</b>　{route.level}　{doc.handling}{limit}"
        )
        self.progress_label.setText(progress)

    def refresh_progress(self) -> None:
        """在传阅: every document still going round, the earliest limit first."""
        rows = circulation.in_progress(self._session.db)
        self._progress_ids = [r.document_id for r in rows]
        self.progress_model.set_rows(
            [
                (
                    r.number,
                    r.title,
                    r.level,
                    r.deadline.strftime("%m-%d %H:%M") if r.deadline else "",
                    f"{r.read}/{r.readers}",
                    r.holders or CopyState.IN_CABINET,
                )
                for r in rows
            ]
        )

    def _open_progress_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_document(self._progress_ids[index.row()])

    def refresh(self) -> None:
        """The page as the room is now (the window calls this each time the page is shown):
        the documents going round, the saved routes, and the document in view."""
        self.refresh_progress()
        self._load_routes()
        if self._document_id is not None:
            self.show_document(self._document_id)

    def _open_number(self) -> None:
        number = self.number_edit.text()
        attempted(
            self, lambda: self.show_document(documents.id_by_number(self._session.db, number))
        )

    def _load_routes(self) -> None:
        self.route_combo.clear()
        for saved in circulation.saved_routes(self._session.db):
            self.route_combo.addItem(f"{saved.name}（{'、'.join(saved.names)}）", saved.id)

    # ---- acting -------------------------------------------------------------------------
    def _act(self, action: Any) -> None:
        def run() -> int:
            if self._document_id is None:
                raise InvalidInput("请先输入收文编号查看一件文件。")
            action(self._document_id)
            return self._document_id

        document_id = attempt(self, run)
        if document_id is not None:
            self.show_document(document_id)
            self.refresh_progress()

    def _set_by_route(self) -> None:
        def run(document_id: int) -> None:
            route_id = self.route_combo.currentData()
            if route_id is None:
                raise InvalidInput("还没有已存的传阅路线。")
            circulation.set_route(self._session, document_id, route_id=int(route_id))

        self._act(run)

    def _set_by_names(self) -> None:
        def run(document_id: int) -> None:
            ids = circulation.readers_from_text(self._session.db, self.readers_edit.text())
            circulation.set_route(
                self._session, document_id, ids, by_rank=self.rank_check.isChecked()
            )

        self._act(run)

    def _widen(self) -> None:
        def run(document_id: int) -> None:
            name, ok = QInputDialog.getText(self, "扩大阅文范围", "增加的读者：")
            if not ok:
                return
            ids = circulation.readers_from_text(self._session.db, name)
            reason, ok = QInputDialog.getText(self, "扩大阅文范围", "理由（如 书记批示增阅）：")
            if ok:
                for reader_id in ids:
                    circulation.widen(self._session, document_id, reader_id, reason)

        self._act(run)

    def _narrow(self) -> None:
        def run(document_id: int) -> None:
            index = self.steps_view.currentIndex()
            if not index.isValid():
                raise InvalidInput("请先在路线中选中一位读者。")
            step: Step = self.steps_model.row_at(index.row())
            reason, ok = QInputDialog.getText(
                self, "缩小阅文范围", f"不再送 {step.name} 阅的理由："
            )
            if ok:
                circulation.narrow(self._session, document_id, step.reader_id, reason)

        self._act(run)

    def _save_route(self) -> None:
        def run(document_id: int) -> None:
            steps = circulation.status(self._session.db, document_id).steps
            if not steps:
                raise InvalidInput("这件还没有传阅路线可存。")
            name, ok = QInputDialog.getText(self, "存为传阅路线", "路线名称（如 常委传阅）：")
            if ok:
                circulation.save_route(self._session, name, [s.reader_id for s in steps])
                self._load_routes()

        self._act(run)

    def print_sheet(self) -> Any:
        if self._document_id is None:
            show_error(self, InvalidInput("请先输入收文编号查看一件文件。"))
            return None
        document_id = self._document_id
        number = circulation.status(self._session.db, document_id).number
        return offer_pdf(
            self,
            f"{number} 传阅单",
            f"传阅单-{number}.pdf",
            lambda: catalog.circulation_sheet(self._session, document_id),
        )


def _next_name(db: Any, copy_id: int) -> str:
    found = circulation.next_reader(db, copy_id)
    return f"下一位：{found.name}" if found else ""
