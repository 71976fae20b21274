"""单位 (custodian): the units the room distributes to, and who belongs to each."""

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

from app import people, units
from app.errors import InvalidInput
from app.session import Session
from app.units import Unit, UnitInput, UnitKind
from ui.account_dialogs import FormDialog
from ui.errors import attempt, attempted
from ui.table_model import Column, ColumnsModel


class UnitsModel(ColumnsModel):
    spec = (
        Column("name", "单位名称"),
        Column("short_name", "简称"),
        Column("initials", "拼音"),
        Column("kind", "类别"),
        Column("contact", "联系人"),
        Column("phone", "电话"),
        Column("active", "状态"),
    )

    def cells(self, u: Unit) -> dict[str, Any]:
        return {
            "name": u.name,
            "short_name": u.short_name,
            "initials": u.initials,
            "kind": str(u.kind),
            "contact": u.contact,
            "phone": u.phone,
            "active": "有效" if u.active else "已撤销",
        }


class UnitDialog(FormDialog):
    def __init__(
        self,
        title: str,
        apply: Callable[[UnitInput], object],
        current: Unit | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._apply = apply
        self.name_edit = QLineEdit(current.name if current else "")
        self.short_edit = QLineEdit(current.short_name if current else "")
        self.kind_combo = QComboBox()
        for kind in UnitKind:
            self.kind_combo.addItem(str(kind), str(kind))
        if current is not None:
            self.kind_combo.setCurrentIndex(list(UnitKind).index(current.kind))
        self.contact_edit = QLineEdit(current.contact if current else "")
        self.phone_edit = QLineEdit(current.phone if current else "")
        for label, widget in (
            ("单位名称", self.name_edit),
            ("简称", self.short_edit),
            ("类别", self.kind_combo),
            ("联系人", self.contact_edit),
            ("电话", self.phone_edit),
        ):
            self.form.addRow(label, widget)
        self.finish_layout()

    def submit(self) -> None:
        self._apply(
            UnitInput(
                self.name_edit.text(),
                self.kind_combo.currentData(),
                self.short_edit.text(),
                self.contact_edit.text(),
                self.phone_edit.text(),
            )
        )


class MemberDialog(FormDialog):
    """Put a reader (found by name, pinyin or badge) into the selected unit."""

    def __init__(self, session: Session, unit: Unit, parent: QWidget | None = None) -> None:
        super().__init__(f"{unit.name}：加入人员", parent)
        self._session = session
        self._unit = unit
        self.reader_edit = QLineEdit()
        self.reader_edit.setPlaceholderText("姓名、拼音首字母或证件码")
        self.form.addRow("读者", self.reader_edit)
        self.finish_layout()

    def submit(self) -> None:
        text = self.reader_edit.text().strip()
        found = people.find_readers(self._session.db, text, limit=5) if text else []
        exact = [r for r in found if text in (r.name, r.initials, r.badge_code)]
        chosen = exact or found
        if len(chosen) != 1:
            raise InvalidInput(f"“{text}”没有对应唯一的在岗读者。")
        units.set_reader_unit(self._session, chosen[0].id, self._unit.id)


class UnitsPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._members: dict[int, list[str]] = {}
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("单位名称、简称或拼音首字母（如 qwb）")
        self.add_button = QPushButton("新增单位…")
        self.edit_button = QPushButton("修改…")
        self.retire_button = QPushButton("撤销")
        self.member_button = QPushButton("加入人员…")
        self.members_label = QLabel()
        self.members_label.setWordWrap(True)
        self.model = UnitsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        for button in (self.add_button, self.edit_button, self.retire_button, self.member_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.members_label)
        self.search_edit.textChanged.connect(self.refresh)
        self.add_button.clicked.connect(self._add)
        self.edit_button.clicked.connect(self._edit)
        self.retire_button.clicked.connect(self._retire)
        self.member_button.clicked.connect(self._member)
        self.table.selectionModel().selectionChanged.connect(self._show_members)
        self.refresh()

    def refresh(self) -> None:
        db = self._session.db
        text = self.search_edit.text().strip()
        rows = (
            units.find_units(db, text, include_retired=True, limit=500)
            if text
            else units.list_units(db)
        )
        # Read here, not on selection: a selection signal may come while the window closes.
        self._members = units.member_names(db)
        self.model.set_rows(rows)
        self._show_members()

    def _show_members(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.members_label.setText("选中一个单位可查看其人员。")
            return
        unit: Unit = self.model.row_at(rows[0].row())
        names = self._members.get(unit.id, [])
        self.members_label.setText(f"{unit.name} 人员：" + ("、".join(names) or "无"))

    def _selected(self) -> Unit:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            raise InvalidInput("请先在表中选中一个单位。")
        unit: Unit = self.model.row_at(rows[0].row())
        return unit

    def _add(self) -> None:
        apply = lambda data: units.add_unit(self._session, data)  # noqa: E731
        if UnitDialog("新增单位", apply, None, self).exec():
            self.refresh()

    def _edit(self) -> None:
        unit = attempt(self, self._selected)
        if unit is None:
            return
        apply = lambda data: units.update_unit(self._session, unit.id, data)  # noqa: E731
        if UnitDialog(f"修改 {unit.name}", apply, unit, self).exec():
            self.refresh()

    def _retire(self) -> None:
        unit = attempt(self, self._selected)
        if unit is None:
            return
        answer = QMessageBox.question(self, "撤销单位", f"撤销 {unit.name}？记录保留，不再能分发。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        attempted(self, lambda: units.retire_unit(self._session, unit.id), self.refresh)

    def _member(self) -> None:
        unit = attempt(self, self._selected)
        if unit is None:
            return
        if MemberDialog(self._session, unit, self).exec():
            self.refresh()
