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


def test_leaving_is_refused_in_the_window_and_the_handover_list_offered(
    counter, clock, qtbot, monkeypatch, tmp_path
) -> None:
    from datetime import datetime

    from PySide6.QtWidgets import QMessageBox

    from app import audit, desk
    from tests.conftest import BEIJING
    from tests.pdf_tools import text_of

    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["zhang"].id, [docs["confidential"].copies[0].id])
    page = PeoplePage(officer)
    qtbot.addWidget(page)
    page.show()
    page.search_edit.setText("zjg")
    page.table.selectRow(0)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *_: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    page.left_button.click()
    assert len(shown) == 1
    assert "张建国 尚有 1 项未清退，不能办理离岗" in shown[0]
    assert "借出未还：2026-0002 第000010份〔机密〕" in shown[0]
    assert page.model.row_at(0).active  # still 在岗
    dialog = page.print_handover_list()
    assert dialog is not None
    qtbot.addWidget(dialog)
    target = tmp_path / "交接清单.pdf"
    dialog._choose = lambda *_: target
    assert dialog.save() == target
    assert "2026-0002 第000010份" in text_of(target)
    event = audit.page(officer.db, None, 1)[0]
    assert event.action == "输出交接清单" and event.details["to"] == str(target)
    desk.take_back(custodian, docs["confidential"].copies[0].id)
    page.left_button.click()
    assert len(shown) == 1 and not page.model.row_at(0).active
