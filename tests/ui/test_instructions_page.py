"""批示督办 through the window: one look at the 书记's open instructions."""

from __future__ import annotations

from datetime import datetime

from app import desk, instructions, registry
from tests.app.test_registry import doc
from tests.conftest import BEIJING
from ui.pages.instructions_page import InstructionsPage, NewInstructionDialog


def test_open_instructions_by_leader_with_holders_and_last_chase(
    counter, qtbot, clock, shot
) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    page = InstructionsPage(custodian)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    dialog = NewInstructionDialog(custodian, page)
    dialog.number_edit.setText("2026-0001")
    dialog.leader_edit.setText("张建国")
    dialog.text_edit.setText("请区委办牵头落实。")
    dialog.unit_edit.setText("区委办公室")
    dialog.buttons.accepted.emit()
    assert dialog.result() == dialog.DialogCode.Accepted
    other = registry.register(custodian, doc(copy_numbers="90", doc_number="H〔2026〕1号")).document
    instructions.add(custodian, other.id, "曾晓东", "请财政局研究。", unit="区财政局")
    desk.checkout(custodian, readers["wang"].id, [docs["secret"].copies[0].id])
    item = instructions.search(custodian.db, leader="张建国")[0]
    instructions.chase(custodian, item.id, "电话", "单立新", "正在办理")
    page.leader_edit.setText("张建国")
    assert page.model.rowCount() == 1
    row = page.model.row_at(0)
    assert page.model.display(row, 5) == "王芳（000001）"  # who holds the document's copy now
    assert page.model.display(row, 8).endswith("电话")
    page.table.selectRow(0)
    assert "请区委办牵头落实" in page.detail_label.text()
    assert page.events_model.rowCount() == 2
    shot(page, "instructions-page")
    clock.set(datetime(2026, 11, 24, 9, 1, tzinfo=BEIJING))
    page.refresh()
    assert "逾期" in page.model.display(page.model.row_at(0), 7)
    page.table.selectRow(0)
    notice = page.print_notice()

    assert notice is not None
    notice.close()
    assert instructions.last_chase(custodian.db, item.id).how == "督办单"  # type: ignore[union-attr]
