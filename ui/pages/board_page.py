"""今日时限: the custodian's first screen — every limit due today or overdue, most urgent first.

Each row: what kind of limit, the document, its deadline, who holds its copies now and the last
催办. C (or the button) chases the selected row at once by telephone, naming the holder or the
承办; the count goes to the status bar through `counted`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import board, completion
from app.board import Item, Kind
from app.errors import InvalidInput
from app.roles import Role
from app.session import Session
from app.vocab import CopyState
from ui.errors import attempted, show_error
from ui.table_model import Column, ColumnsModel, set_widths, table_view

_RED = QBrush(QColor("#b00020"))
_AMBER = QBrush(QColor("#b26a00"))


class BoardModel(ColumnsModel):
    spec = (
        Column("flag", "", 40),
        Column("kind", "类别", 110),
        Column("number", "收文编号", 190),
        Column("title", "文件", 240),
        Column("level", "密级", 50),
        Column("urgency", "紧急", 50),
        Column("due", "时限", 110),
        Column("state", "状态", 80),
        Column("holders", "文件在", 160),
        Column("chased", "末次催办", 140),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now = datetime.now().astimezone()

    def cells(self, row: Item) -> dict[str, Any]:
        state = "逾期" if row.overdue(self.now) else "今日到期"
        if row.due.date() > self.now.date():
            state = "未到期"
        if row.sign_late:
            state += "·签收逾时"
        kind = f"{row.kind}·{row.who}" if row.kind == Kind.INSTRUCTION else str(row.kind)
        return {
            "flag": "挂牌" if row.flagged else "",
            "kind": kind,
            "number": row.label,
            "title": row.title,
            "level": row.level,
            "urgency": row.urgency,
            "due": board.when_text(row.due, self.now),
            "state": state,
            "holders": row.holders or CopyState.IN_CABINET,
            "chased": chased_text(row, self.now),
        }

    def style(self, row: Item, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and key in ("flag", "due", "state"):
            if row.flagged and key == "flag":
                return _RED
            return _RED if row.overdue(self.now) else _AMBER
        return None


def chased_text(row: Item, now: datetime) -> str:
    if row.last_chase is None:
        return "未催办"
    at, how = row.last_chase
    return f"{board.when_text(at, now)} {how}"


class BoardPage(QWidget):
    counted = Signal(int, int)  # due today or overdue, of which overdue

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.summary_label = QLabel()
        self.summary_label.setStyleSheet("font-size: 15px;")
        self.model = BoardModel(self)
        self.table = table_view(self.model, fit_contents=False)
        set_widths(self.table, self.model.spec)
        self.chase_button = QPushButton("电话催办（C）")
        self.complete_button = QPushButton("办结…")
        self.refresh_button = QPushButton("刷新（F5）")
        self.chase_button.setVisible(session.role is Role.CUSTODIAN)
        self.complete_button.setVisible(session.role is Role.CUSTODIAN)
        self.status_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.chase_button)
        buttons.addWidget(self.complete_button)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.status_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

        self.chase_button.clicked.connect(self.chase_selected)
        self.complete_button.clicked.connect(self._complete)
        self.refresh_button.clicked.connect(self.refresh)
        # C on the table: a key press, not a QShortcut, so that it works as typed on the
        # table whatever window is active (and never in a text field).
        self.table.installEventFilter(self)
        refresh_key = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh_key.activated.connect(self.refresh)
        # The status bar's count follows what other pages do: recounted each minute (one
        # indexed query), the rows re-read only while the board is on screen.
        self._timer = QTimer(self)
        self._timer.setInterval(60_000)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.refresh()

    def tick(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            count = board.count(self._session.db, self._session.clock.now())
            self.counted.emit(count.total, count.overdue)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_C
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self.chase_selected()
            return True
        return super().eventFilter(watched, event)

    # ---- showing ------------------------------------------------------------------------
    def refresh(self) -> None:
        current = self.table.currentIndex().row()
        now = self._session.clock.now()
        rows = board.read_items(self._session)
        count = board.count(self._session.db, now)
        self.model.now = now
        self.model.set_rows(rows)
        shown = f"（显示最急的 {len(rows)} 项）" if len(rows) < count.total else ""
        self.summary_label.setText(
            f"今日到期及逾期 <b>{count.total}</b> 项　逾期 <b>{count.overdue}</b>"
            f"　挂牌督办 <b>{count.flagged}</b>　今日签收逾时 <b>{count.late_signs}</b>{shown}"
        )
        if rows:
            self.table.selectRow(min(max(current, 0), len(rows) - 1))
        self.counted.emit(count.total, count.overdue)

    def selected(self) -> Item | None:
        index: QModelIndex = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    # ---- acting -------------------------------------------------------------------------
    def chase_selected(self) -> None:
        item = self.selected()
        if item is None or self._session.role is not Role.CUSTODIAN:
            return
        if attempted(self, lambda: board.chase(self._session, item)):
            self.status_label.setText(f"已电话催办 {board.default_whom(item)}：{item.label}")
            self.refresh()

    def _complete(self) -> None:
        item = self.selected()
        if item is None or item.kind in (Kind.INSTRUCTION, Kind.OUT):
            show_error(
                self, InvalidInput("请选中一件收文（办件、阅件或电报）再办结；批示在批示页办结。")
            )
            return
        result, ok = QInputDialog.getMultiLineText(self, "办结", f"{item.number} 的办理结果：")
        if ok:
            self.complete_selected(result)

    def complete_selected(self, result: str) -> None:
        """办结 the selected registration with its result; it leaves the board."""
        item = self.selected()
        if item is None or self._session.role is not Role.CUSTODIAN:
            return
        if attempted(self, lambda: completion.complete(self._session, item.document_id, result)):
            self.status_label.setText(f"已办结：{item.number}")
            self.refresh()
