"""归档 through the window: the custodian picks the year's documents, files them in a volume,
and saves the 归档移交清单; the 保密员 sees the list but files nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app import audit, desk, documents, instructions
from tests.app.test_filing import year_end  # noqa: F401
from tests.conftest import BEIJING
from tests.pdf_tools import text_of
from ui.pages.recall_page import RecallPage
from ui.pages.register_page import RegisterPage


def test_filing_from_the_window(year_end, clock, qtbot, shot, tmp_path: Path) -> None:  # noqa: F811
    custodian, officer, readers, docs, kept, other = year_end
    instructions.add(custodian, kept.id, "张建国", "请区委办阅处", unit="区委办公室")
    first = documents.copies_of(custodian.db, kept.id)[0].id
    desk.checkout(custodian, readers["zhang"].id, [first])
    desk.take_back(custodian, first)
    clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=BEIJING))
    window = RecallPage(custodian)
    qtbot.addWidget(window)
    window.resize(1300, 700)
    window.show()
    window.setCurrentWidget(window.filing)
    page = window.filing
    assert page.year_spin.value() == 2026
    numbers = [page.model.row_at(i).number for i in range(page.model.rowCount())]
    assert kept.number in numbers and other.number in numbers
    page.file_button.click()
    assert "请先" in page.message_label.text()
    row = numbers.index(other.number)
    page.table.selectRow(row)
    page.file_button.click()
    assert page.message_label.text() == "请填写卷号。"
    page.volume_edit.setText("2026-永久-001")
    page.file_button.click()
    assert page.message_label.text() == "已归档 1 件 1 份，卷号 2026-永久-001。"
    assert other.number not in [page.model.row_at(i).number for i in range(page.model.rowCount())]
    shot(window, "filing-page")
    # The on-screen 收文登记簿 has the paper form's 承办单位, 签收人 and 归卷日期.
    register = RegisterPage(custodian)
    qtbot.addWidget(register)
    register.resize(1400, 600)
    register.show()
    model = register.model
    rows = {model.row_at(i).number: model.row_at(i) for i in range(model.rowCount())}
    assert model.display(rows[other.number], model.column_of("filed_on")) == "2026-12-21"
    assert model.display(rows[kept.number], model.column_of("handlers")) == "区委办公室"
    assert model.display(rows[kept.number], model.column_of("signers")) == "张建国"
    shot(register, "register-paper-columns")

    target = tmp_path / "filing.pdf"
    page._choose = lambda *_: target
    dialog = page._report("filing")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saved == target, timeout=30_000)
    text = text_of(target)
    assert "归档移交清单" in text and "2026-永久-001" in text and "关于加强档案管理的意见" in text
    assert audit.page(custodian.db, None, 1)[0].object == "report:filing"
    dialog.accept()

    officer_view = RecallPage(officer)
    qtbot.addWidget(officer_view)
    officer_view.filing.refresh()
    assert officer_view.filing.file_button.isHidden()
    assert officer_view.filing.model.rowCount() == page.model.rowCount()
