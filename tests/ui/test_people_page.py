"""人员: the security officer keeps readers and groups through the window."""

from __future__ import annotations

from collections.abc import Callable

from app import people
from app.session import Session
from ui.pages.people_page import GroupDialog, PeoplePage, ReaderDialog


def test_add_find_and_group_readers(login: Callable[..., Session], qtbot, shot) -> None:
    officer = login("baomi")
    page = PeoplePage(officer)
    qtbot.addWidget(page)
    page.resize(1000, 500)
    page.show()
    dialog = ReaderDialog("新增读者", lambda data: people.add_reader(officer, data), None, page)
    dialog.name_edit.setText("张建国")
    dialog.unit_edit.setText("区委")
    dialog.clearance_combo.setCurrentIndex(0)
    dialog.badge_edit.setText("b0001")
    dialog.buttons.accepted.emit()
    assert dialog.result() == dialog.DialogCode.Accepted
    again = ReaderDialog("新增读者", lambda data: people.add_reader(officer, data), None, page)
    again.name_edit.setText("曾晓东")
    again.badge_edit.setText("B0001")
    again.buttons.accepted.emit()
    assert "已属于 张建国" in again.error_label.text()
    again.badge_edit.setText("B0002")
    again.buttons.accepted.emit()
    page.refresh()
    assert page.model.rowCount() == 2
    page.search_edit.setText("zjg")
    assert page.model.rowCount() == 1 and page.model.row_at(0).clearance == "核心"
    page.search_edit.setText("")
    group = GroupDialog(officer, page)
    group.name_edit.setText("区委常委")
    group.members_edit.setText("张建国、查无此人")
    group.buttons.accepted.emit()
    assert "既不是在岗读者" in group.error_label.text()
    group.members_edit.setText("张建国、曾晓东")
    group.buttons.accepted.emit()
    page.refresh()
    assert "区委常委（张建国、曾晓东）" in page.groups_label.text()
    shot(page, "people-page")
