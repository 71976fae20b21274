"""批示督办 through the window: one look at the 书记's open instructions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app import desk, instructions, registry
from tests.app.test_registry import doc
from tests.conftest import BEIJING
from tests.pdf_tools import text_of
from ui.pages.instructions_page import InstructionsPage, NewInstructionDialog


def test_open_instructions_by_leader_with_holders_and_last_chase(
    counter, qtbot, clock, shot, tmp_path: Path
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
    assert page.model.rowCount() == 0  # typing waits for a pause: nothing re-read yet
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
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
    chases = len(instructions.events(custodian.db, item.id))
    notice = page.print_notice()

    assert notice is not None
    notice.close()  # made and closed unprinted: nobody was chased
    assert len(instructions.events(custodian.db, item.id)) == chases
    assert instructions.last_chase(custodian.db, item.id).how == "电话"  # type: ignore[union-attr]
    notice = page.print_notice()
    assert notice is not None
    notice._choose = lambda _parent, _name: tmp_path / "missing" / "督办单.pdf"
    assert notice.save() is None  # a folder that does not exist: still nobody chased
    assert len(instructions.events(custodian.db, item.id)) == chases
    notice._choose = lambda _parent, _name: tmp_path / "督办单.pdf"
    assert notice.save() == tmp_path / "督办单.pdf"
    assert "督办〔2026〕" in text_of(tmp_path / "督办单.pdf")
    last = instructions.last_chase(custodian.db, item.id)
    assert last is not None and last.how == "督办单" and "打印督办单" in last.note
    assert page.model.display(page.model.row_at(0), 8).endswith("督办单")  # the page re-read
    notice.close()
