"""定密审查 through the window: the 保密员 picks a document from the review list and records
解密 (a wrong password first), then 变更密级; the list and the printed review follow."""

from __future__ import annotations

from pathlib import Path

from app import documents
from app.declassify import Decision
from app.reports import catalog
from tests.app.test_declassify import review_room  # noqa: F401
from tests.conftest import PASSWORD
from tests.pdf_tools import rasterise, text_of
from ui.main_window import MainWindow


def _confirm(qtbot, dialog) -> None:
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


def test_the_officer_declassifies_from_the_review_list(
    review_room,  # noqa: F811
    qtbot,
    shot,
    tmp_path: Path,
) -> None:
    custodian, officer, readers, docs, near, conditional = review_room
    window = MainWindow(officer)
    qtbot.addWidget(window)
    window.resize(1300, 760)
    window.show()
    window.nav.setCurrentRow(window.page_titles().index("定密审查"))
    page = window.pages.currentWidget()
    assert page.model.rowCount() == 2
    assert page.decide(Decision.DECLASSIFY) is None
    assert "请先" in page.message_label.text()
    page.table.selectRow(0)
    assert page.model.row_at(0).number == near.number
    dialog = page.decide(Decision.DECLASSIFY)
    dialog.reason_edit.setText("保密期限届满，经审查不再需要保密")
    dialog.approver.password_edit.setText("typo")
    _confirm(qtbot, dialog)
    assert "密码不正确" in dialog.error_label.text()
    dialog.approver.password_edit.setText(PASSWORD)
    _confirm(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert documents.get_document(officer.db, near.id).level == "非密"
    assert page.model.rowCount() == 1 and "已记录解密" in page.message_label.text()
    shot(window, "review-page")

    # 变更密级 of the conditional document, keeping its condition.
    page.table.selectRow(0)
    dialog = page.decide(Decision.CHANGE_LEVEL)
    dialog.level_combo.setCurrentText("绝密")
    dialog.reason_edit.setText("涉及核心事项")
    dialog.approver.password_edit.setText(PASSWORD)
    _confirm(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert (
        documents.get_document(officer.db, conditional.id).level_label
        == "绝密★解密条件：项目验收后"
    )
    # The printed review list reads the new level.
    target = tmp_path / "review.pdf"
    target.write_bytes(catalog.render(officer, "review", 2026))
    text = text_of(target)
    assert "绝密★解密条件：项目验收后" in text and near.number not in text
    assert rasterise(target)
