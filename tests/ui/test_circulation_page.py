"""传阅 through the window: set a route by names typed in order, see who is next, narrow it
with a reason, keep it as a saved route, print the 传阅单."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from app import audit, circulation, desk
from tests.app.test_circulation import leaders  # noqa: F401 (fixture)
from tests.pdf_tools import text_of
from ui.pages.circulation_page import CirculationPage


def test_route_typed_by_name_shown_narrowed_and_printed(
    leaders,  # noqa: F811
    qtbot,
    monkeypatch,
    shot,
    tmp_path,
) -> None:
    custodian, _, readers, reg = leaders
    page = CirculationPage(custodian)
    qtbot.addWidget(page)
    page.resize(1300, 600)
    page.show()
    qtbot.keyClicks(page.number_edit, reg.document.number)
    qtbot.keyClick(page.number_edit, Qt.Key.Key_Return)
    assert page.progress_label.text() == "尚未设定传阅路线"
    page.readers_edit.setText("钱常、张建国 赵副")
    page.rank_check.setChecked(True)
    page.buttons["by_names"].click()
    names = [page.steps_model.display(page.steps_model.row_at(r), 1) for r in range(3)]
    assert names == ["张建国", "赵副", "钱常"]  # by 阅读层次
    assert page.progress_label.text() == "已阅 0/3，未阅：张建国、赵副、钱常"
    assert page.copies_model.row_at(0)[4] == "下一位：张建国"
    assert [r[0] for r in page.progress_model._rows] == [reg.document.number]  # 在传阅
    assert page.progress_model.row_at(0)[4] == "0/3"
    # The first copy goes to 张建国: the next copy in the room goes to 赵副.
    desk.checkout(custodian, readers["zhang"].id, [reg.copies[0].id])
    page.show_document(reg.document.id)
    assert page.steps_model.display(page.steps_model.row_at(0), 3) == "在阅（000031）"
    assert page.copies_model.row_at(0)[2] == "张建国"
    assert page.copies_model.row_at(1)[4] == "下一位：赵副"
    # Narrow: 钱常 is taken off, with the reason asked for.
    page.steps_view.selectRow(2)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("外出学习，改由书记传达", True))
    page.buttons["narrow"].click()
    assert page.steps_model.rowCount() == 2
    assert audit.page(custodian.db, None, 1)[0].action == "缩小阅文范围"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("常委传阅", True))
    page.buttons["save"].click()
    assert [s.name for s in circulation.saved_routes(custodian.db)] == ["常委传阅"]
    assert page.route_combo.count() == 1
    page.refresh_progress()
    assert page.progress_model.row_at(0)[5] == "张建国（000031）"
    page.number_edit.clear()
    page.progress_view.doubleClicked.emit(page.progress_model.index(0, 0))
    assert page.info_label.text().startswith(f"<b>{reg.document.number}")
    shot(page, "circulation-page")
    dialog = page.print_sheet()
    assert dialog is not None
    target = tmp_path / "sheet.pdf"
    target.write_bytes(dialog._pdf)
    assert "张建国→赵副" in text_of(target)
    dialog.close()
