"""人员 (security officer): the readers who may receive copies, their clearance, and groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import departure, people
from app.entry import parse_scope
from app.errors import InvalidInput
from app.people import CLEARANCE_LABELS, CLEARANCES, Reader, ReaderInput
from app.session import Session
from app.slip_print import print_badges
from ui.account_dialogs import FormDialog
from ui.errors import attempt, attempted
from ui.printing import PdfOutputDialog, offer_pdf
from ui.table_model import Column, ColumnsModel


class ReadersModel(ColumnsModel):
    spec = (
        Column("name", "姓名"),
        Column("initials", "拼音"),
        Column("unit", "单位"),
        Column("position", "职务"),
        Column("clearance", "涉密等级"),
        Column("phone", "电话"),
        Column("badge", "证件码"),
        Column("active", "状态"),
    )

    def cells(self, r: Reader) -> dict[str, Any]:
        return {
            "name": r.name,
            "initials": r.initials,
            "unit": r.unit,
            "position": r.position,
            "clearance": CLEARANCE_LABELS[r.clearance],
            "phone": r.phone,
            "badge": r.badge_code or "",
            "active": "在岗" if r.active else "已离岗",
        }


class ReaderDialog(FormDialog):
    def __init__(
        self,
        title: str,
        apply: Callable[[ReaderInput], object],
        current: Reader | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._apply = apply
        self.name_edit = QLineEdit(current.name if current else "")
        self.unit_edit = QLineEdit(current.unit if current else "")
        self.position_edit = QLineEdit(current.position if current else "")
        self.clearance_combo = QComboBox()
        for value in CLEARANCES:
            self.clearance_combo.addItem(CLEARANCE_LABELS[value], value)
        self.clearance_combo.setCurrentIndex(CLEARANCES.index(current.clearance) if current else 2)
        self.phone_edit = QLineEdit(current.phone if current else "")
        self.badge_edit = QLineEdit(current.badge_code or "" if current else "")
        for label, widget in (
            ("姓名", self.name_edit),
            ("单位", self.unit_edit),
            ("职务", self.position_edit),
            ("涉密等级", self.clearance_combo),
            ("电话", self.phone_edit),
            ("证件码", self.badge_edit),
        ):
            self.form.addRow(label, widget)
        self.finish_layout()

    def submit(self) -> None:
        self._apply(
            ReaderInput(
                self.name_edit.text(),
                self.unit_edit.text(),
                self.position_edit.text(),
                self.clearance_combo.currentData(),
                self.phone_edit.text(),
                self.badge_edit.text(),
            )
        )


class GroupDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("新建读者分组", parent)
        self._session = session
        self.name_edit = QLineEdit()
        self.members_edit = QLineEdit()
        self.members_edit.setPlaceholderText("成员姓名，用顿号分隔")
        self.form.addRow("分组名称", self.name_edit)
        self.form.addRow("成员", self.members_edit)
        self.finish_layout()

    def submit(self) -> None:
        readers, groups = parse_scope(self._session.db, self.members_edit.text())
        if groups:
            raise InvalidInput("分组成员须是读者，不能是分组。")
        people.add_group(self._session, self.name_edit.text(), list(readers))


class PeoplePage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("姓名、拼音首字母（如 zjg）或证件码")
        self.add_button = QPushButton("新增读者…")
        self.edit_button = QPushButton("修改…")
        self.left_button = QPushButton("离岗")
        self.group_button = QPushButton("新建分组…")
        self.badge_button = QPushButton("打印读者证…")
        self.handover_button = QPushButton("交接清单…")
        self.groups_label = QLabel()
        self.groups_label.setWordWrap(True)
        self.model = ReadersModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        for button in (
            self.add_button,
            self.edit_button,
            self.left_button,
            self.group_button,
            self.badge_button,
            self.handover_button,
        ):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.groups_label)
        self.search_edit.textChanged.connect(self.refresh)
        self.add_button.clicked.connect(self._add)
        self.edit_button.clicked.connect(self._edit)
        self.left_button.clicked.connect(self._left)
        self.group_button.clicked.connect(self._group)
        self.badge_button.clicked.connect(self.print_badge)
        self.handover_button.clicked.connect(self.print_handover_list)
        self.refresh()

    def refresh(self) -> None:
        db = self._session.db
        text = self.search_edit.text().strip()
        readers = (
            people.find_readers(db, text, include_left=True, limit=500)
            if text
            else people.list_readers(db)
        )
        self.model.set_rows(readers)
        names = {r.id: r.name for r in people.list_readers(db)}
        groups = people.list_groups(db)
        self.groups_label.setText(
            "分组："
            + (
                "；".join(
                    f"{g.name}（{'、'.join(names[m] for m in g.member_ids)}）" for g in groups
                )
                or "无"
            )
        )

    def _selected(self) -> Reader:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            raise InvalidInput("请先在表中选中一位读者。")
        reader: Reader = self.model.row_at(rows[0].row())
        return reader

    def _add(self) -> None:
        if ReaderDialog(
            "新增读者", lambda data: people.add_reader(self._session, data), None, self
        ).exec():
            self.refresh()

    def _edit(self) -> None:
        reader = attempt(self, self._selected)
        if reader is None:
            return
        apply = lambda data: people.update_reader(self._session, reader.id, data)  # noqa: E731
        if ReaderDialog(f"修改 {reader.name}", apply, reader, self).exec():
            self.refresh()

    def _left(self) -> None:
        reader = attempt(self, self._selected)
        if reader is None:
            return
        answer = QMessageBox.question(self, "离岗", f"{reader.name} 离岗？记录保留，不再能借阅。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        attempted(self, lambda: people.mark_left(self._session, reader.id), self.refresh)

    def print_badge(self) -> PdfOutputDialog | None:
        reader = attempt(self, self._selected)
        if reader is None:
            return None
        return offer_pdf(
            self,
            f"{reader.name} 读者证",
            f"读者证-{reader.name}.pdf",
            lambda: print_badges(self._session, [reader.id]),
        )

    def print_handover_list(self) -> PdfOutputDialog | None:
        """交接清单 (调离前清退) of the selected reader: what they hold, for two signatures."""
        reader = attempt(self, self._selected)
        if reader is None:
            return None
        return offer_pdf(
            self,
            f"{reader.name} 交接清单",
            f"交接清单-{reader.name}.pdf",
            lambda: departure.handover_list(self._session, reader.id),
        )

    def _group(self) -> None:
        if GroupDialog(self._session, self).exec():
            self.refresh()
