"""今日时限 through the window: the first screen, the rows by urgency, 催办 with one key."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app import instructions
from app.board import Kind
from tests.app.test_board import morning  # noqa: F401 (fixture)
from ui.main_window import MainWindow
from ui.pages.board_page import BoardPage


def test_board_is_the_custodians_first_screen_and_c_chases(morning, qtbot, shot) -> None:  # noqa: F811
    custodian, *_ = morning
    window = MainWindow(custodian)
    qtbot.addWidget(window)
    window.resize(1400, 700)
    window.show()
    page = window.pages.currentWidget()
    assert isinstance(page, BoardPage) and window.nav.currentRow() == 0
    assert window.limits_label.text() == "今日时限 5 项（逾期 3）"
    assert "今日到期及逾期 <b>5</b> 项" in page.summary_label.text()
    model = page.model
    assert [model.display(model.row_at(r), 1).split("·")[0] for r in range(5)] == [
        "电报",
        "批示",
        "办件",
        "批示",
        "借出",
    ]
    assert model.display(model.row_at(4), 8) == "张建国（000001）"
    assert model.display(model.row_at(0), 7) == "逾期"
    assert model.display(model.row_at(3), 7) == "今日到期"
    # One keystroke on the selected row: the instruction due on the 19th is chased by phone.
    page.table.setFocus()
    page.table.selectRow(1)
    item = model.row_at(1)
    assert item.kind == Kind.INSTRUCTION
    qtbot.keyClick(page.table, Qt.Key.Key_C)
    assert instructions.last_chase(custodian.db, item.key).how == "电话"
    assert model.display(model.row_at(1), 9).endswith("电话")
    assert "已电话催办 张建国" in page.status_label.text()
    # The copy out: chased in the board's own log.
    page.table.selectRow(4)
    qtbot.keyClick(page.table, Qt.Key.Key_C)
    assert model.display(model.row_at(4), 9).endswith("电话")
    shot(window, "board-page")
    # The desk is still there, one row down.
    assert "借阅台" in window.page_titles()


def test_flag_from_the_instructions_page_puts_it_first_on_the_board(
    morning,  # noqa: F811
    qtbot,
    monkeypatch,
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from ui.pages.instructions_page import InstructionsPage

    custodian, *_, later = morning
    page = InstructionsPage(custodian)
    qtbot.addWidget(page)
    page.show()
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).item.id == later.id)
    page.table.selectRow(row)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("重点工作，专项督办", True))
    page.buttons["flag"].click()
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).item.id == later.id)
    assert page.model.display(page.model.row_at(row), 7).startswith("挂牌·")
    board_page = BoardPage(custodian)
    qtbot.addWidget(board_page)
    first = board_page.model.row_at(0)
    assert first.key == later.id and board_page.model.display(first, 0) == "挂牌"
    assert "挂牌督办 <b>1</b>" in board_page.summary_label.text()


def test_status_bar_count_follows_the_other_pages(morning, qtbot) -> None:  # noqa: F811
    from app import desk

    custodian, _, docs, *_ = morning
    window = MainWindow(custodian)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(2)  # 借阅台: the board is off screen
    assert window.limits_label.text() == "今日时限 5 项（逾期 3）"
    desk.checkout(custodian, 1, [docs["confidential"].copies[0].id])
    board_page = window.pages.widget(0)
    assert board_page._timer.isActive() and board_page._timer.interval() == 60_000
    board_page.tick()
    assert window.limits_label.text() == "今日时限 6 项（逾期 3）"
    # Seen at the window: a loan at the desk left the count behind until the board was opened.
    # Any page shown recounts at once.
    desk.checkout(custodian, 1, [docs["secret"].copies[1].id])
    window.nav.setCurrentRow(1)
    assert window.limits_label.text() == "今日时限 7 项（逾期 3）"


def test_done_from_the_board_and_last_years_items_show_their_year(
    morning,  # noqa: F811
    qtbot,
    monkeypatch,
) -> None:
    from datetime import datetime

    from PySide6.QtWidgets import QInputDialog

    from app import registry
    from tests.app.test_registry import doc
    from tests.conftest import BEIJING

    custodian, *_ = morning
    old = registry.register(
        custodian,
        doc(
            doc_number="G〔2025〕9号",
            received_at=datetime(2025, 12, 29, 9, tzinfo=BEIJING),
            deadline=datetime(2025, 12, 30, 17, 30, tzinfo=BEIJING),
        ),
    )
    page = BoardPage(custodian)
    qtbot.addWidget(page)
    page.show()
    model = page.model
    rows = [model.row_at(r) for r in range(model.rowCount())]
    first = rows.index(next(r for r in rows if r.document_id == old.document.id))
    assert model.display(rows[first], 6) == "2025-12-30 17:30"  # not 12-30: last year
    assert all(len(model.display(r, 6)) == 11 for r in rows if r.due.year == 2026)
    page.table.selectRow(first)
    monkeypatch.setattr(
        QInputDialog, "getMultiLineText", lambda *a, **k: ("已书面答复，归卷", True)
    )
    qtbot.mouseClick(page.complete_button, Qt.MouseButton.LeftButton)
    assert old.document.id not in [model.row_at(r).document_id for r in range(model.rowCount())]
    assert page.status_label.text() == f"已办结：{old.document.number}"
