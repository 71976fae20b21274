"""单位: the custodian keeps the units register through the window."""

from __future__ import annotations

from collections.abc import Callable

from app import units
from app.people import ReaderInput, add_reader
from app.session import Session
from ui.pages.units_page import MemberDialog, UnitDialog, UnitsPage


def test_add_find_and_staff_units(login: Callable[..., Session], qtbot, shot) -> None:
    add_reader(login("baomi"), ReaderInput("张建国", clearance="核心", badge_code="B0001"))
    custodian = login("jiyao")
    page = UnitsPage(custodian)
    qtbot.addWidget(page)
    page.resize(1000, 500)
    page.show()
    dialog = UnitDialog("新增单位", lambda d: units.add_unit(custodian, d), None, page)
    dialog.name_edit.setText("区委办公室")
    dialog.short_edit.setText("区委办")
    dialog.kind_combo.setCurrentIndex(0)
    dialog.buttons.accepted.emit()
    assert dialog.result() == dialog.DialogCode.Accepted
    again = UnitDialog("新增单位", lambda d: units.add_unit(custodian, d), None, page)
    again.name_edit.setText("区委办公室")
    again.buttons.accepted.emit()
    assert "已登记" in again.error_label.text()
    again.name_edit.setText("城关镇")
    again.kind_combo.setCurrentIndex(1)
    again.buttons.accepted.emit()
    page.refresh()
    assert page.model.rowCount() == 2
    qtbot.keyClicks(page.search_edit, "cgz")
    assert page.model.rowCount() == 1 and page.model.row_at(0).kind == "乡镇街道"
    page.search_edit.setText("qwb")
    page.table.selectRow(0)
    member = MemberDialog(custodian, page.model.row_at(0), page)
    member.reader_edit.setText("zjg")
    member.buttons.accepted.emit()
    assert member.result() == member.DialogCode.Accepted
    page.refresh()
    page.table.selectRow(0)
    assert page.members_label.text() == "区委办公室 人员：张建国"
    shot(page, "units-page")
