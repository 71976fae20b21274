"""The 审计 page as the auditor uses it (issue 13, item 13): readable Chinese, filters, a debounced
search, one event in full, and a printed 审计报告 read back with pdftotext."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from app import audit, registry
from app.clock import FixedClock
from app.session import Session
from tests.app.test_registry import doc
from tests.pdf_tools import text_of, unembedded_fonts
from ui.audit_detail import REDUCED_NOTE, AuditDetailDialog
from ui.audit_model import REDUCED
from ui.main_window import MainWindow
from ui.pages.audit_page import AuditPage

TITLES = ("甲件标题", "乙件标题", "丙件标题")


@pytest.fixture
def page(qtbot, login: Callable[..., Session], clock: FixedClock) -> AuditPage:
    custodian = login("jiyao")
    for n, title in enumerate(TITLES, start=1):
        registry.register(custodian, doc(title=title, doc_number=f"F〔2026〕{n}号"))
        clock.advance(days=1)
    window = MainWindow(login("shenji"))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    found = window.pages.widget(0)
    assert isinstance(found, AuditPage)
    return found


def _rows(page: AuditPage) -> list[list[str]]:
    m = page.model
    return [[str(m.index(r, c).data()) for c in range(6)] for r in range(m.rowCount())]


def _ime(widget, text: str) -> None:
    """Chinese typed through an input method: each character committed as the IME commits it."""
    for ch in text:
        event = QInputMethodEvent()
        event.setCommitString(ch)
        QApplication.sendEvent(widget, event)


def _pick(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_the_trail_reads_in_chinese_with_names_roles_and_objects(page: AuditPage, shot) -> None:
    assert page.seal_panel is not None and page.seal_panel.isVisible()  # kept as it was
    rows = _rows(page)
    registered = [r for r in rows if r[3] == "登记收文"]
    assert [r[4] for r in registered] == ["收文 2026-0003", "收文 2026-0002", "收文 2026-0001"]
    assert {r[2] for r in registered} == {"李晓梅（机要员）"} and {r[5] for r in registered} == {
        REDUCED
    }
    created = next(r for r in rows if r[3] == "创建账户" and "xitong" in r[4])
    assert created[4] == "账户 xitong（张志强）" and "姓名：张志强" in created[5]
    assert created[2] == "系统（程序自动记录）"
    shown = "\n".join("\t".join(r) for r in rows)
    for raw in ("account:", "copy:", "document:", "{", "custodian", *TITLES):
        assert raw not in shown
    shot(page, "audit-page-chinese")


def test_filters_and_a_debounced_search(page: AuditPage, qtbot) -> None:
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    _pick(page.group_combo, "收文登记")
    _pick(page.action_combo, "登记收文")
    assert {r[3] for r in _rows(page)} == {"登记收文"} and len(_rows(page)) == 3
    page.since_edit.setDate(QDate(2026, 11, 21))
    page.until_edit.setDate(QDate(2026, 11, 21))
    assert [r[4] for r in _rows(page)] == ["收文 2026-0002"]
    page.clear_filters()
    assert page.current_filter().group == "" and page.since_edit.text() == "不限"

    # Typed as a person types: nothing is read until typing pauses, then the trail is read once.
    resets.clear()
    _ime(page.search_edit, "张志强")
    assert resets == []
    qtbot.waitUntil(lambda: len(resets) == 1, timeout=2000)
    qtbot.wait(400)
    assert len(resets) == 1
    assert _rows(page) and all("张志强" in "".join(r) for r in _rows(page))

    page.search_edit.clear()
    _ime(page.search_edit, "乙件标题")  # a title: only in a reduced event's details
    qtbot.waitUntil(lambda: page.count_label.text() == "没有符合条件的记录。", timeout=2000)
    assert page.model.rowCount() == 0

    page.clear_filters()
    _pick(page.object_combo, "收文")
    _ime(page.object_edit, "０００３")  # full-width, as an input method types it
    qtbot.waitUntil(lambda: [r[4] for r in _rows(page)] == ["收文 2026-0003"], timeout=2000)
    page.clear_filters()
    _pick(page.role_combo, "系统管理员")
    assert {r[2] for r in _rows(page)} == {"张志强（系统管理员）"}
    _pick(page.account_combo, "刘芳（安全审计员） shenji")
    assert page.model.rowCount() == 0 and page.count_label.text() == "没有符合条件的记录。"


def test_one_event_in_full(page: AuditPage, qtbot, shot) -> None:
    rows = _rows(page)
    business = next(i for i, r in enumerate(rows) if r[3] == "登记收文")
    page.table.doubleClicked.emit(page.model.index(business, 0, QModelIndex()))
    dialog = page.findChild(AuditDetailDialog)
    assert dialog is not None and dialog.isVisible()
    text = dialog.text()
    assert REDUCED_NOTE in text and "李晓梅（机要员）" in text and "收文 2026-000" in text
    assert not any(t in text for t in TITLES) and "F〔2026〕" not in text
    dialog.close()
    dialog.deleteLater()

    admin = next(i for i, r in enumerate(rows) if r[3] == "创建账户" and "xitong" in r[4])
    page.select_row(admin)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter on a row opens it too
    opened = [d for d in page.findChildren(AuditDetailDialog) if d.isVisible()]
    assert len(opened) == 1
    text = opened[0].text()
    assert "姓名：" in text and "张志强" in text and "角色：" in text and "系统管理员" in text
    shot(opened[0], "audit-detail")
    assert "本条哈希" in text
    assert [len(ln) for ln in text.splitlines() if len(ln) == 32 and " " not in ln] == [32, 32]


def test_the_report_prints_what_the_page_shows_and_is_audited_once_saved(
    page: AuditPage, qtbot, tmp_path: Path
) -> None:
    _pick(page.group_combo, "收文登记")
    page.until_edit.setDate(QDate(2026, 11, 22))
    assert page.current_filter().until == date(2026, 11, 22)
    db = page.model._db
    before = audit.count(db)
    printing = page.print_report()  # laid out on the window's task runner
    assert printing is not None
    qtbot.waitUntil(lambda: printing.dialog is not None, timeout=30_000)
    dialog = printing.dialog
    assert dialog is not None and audit.count(db) == before  # shown, not yet output
    target = tmp_path / "审计报告.pdf"
    dialog._choose = lambda *_: target
    assert dialog.save() == target
    text = text_of(target)
    assert "审计报告" in text and "最早 至 2026-11-22" in text and "类别 收文登记" in text
    assert "收文 2026-0001" in text and "收文 2026-0003" in text and "李晓梅（机要员）" in text
    assert not any(t in text for t in TITLES) and "F〔2026〕" not in text
    assert unembedded_fonts(target) == []
    (event,) = audit.page(db, None, 1)
    assert event.action == "输出审计报告" and event.details["where"] == str(target)
    assert event.details["events"] == 3
    dialog.close()


def test_verifying_the_chain_runs_on_the_task_runner(
    page: AuditPage, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.job_threads import JobThreads

    jobs = JobThreads(monkeypatch)
    page.verify_button.click()
    assert not page.verify_button.isEnabled() and page.result_label.text() == "正在校验审计链…"
    qtbot.waitUntil(lambda: page.result_label.text().startswith("链完整："), timeout=30_000)
    assert page.verify_button.isEnabled() and jobs.all_off_the_gui_thread


def test_the_time_and_the_object_are_never_cut(page: AuditPage) -> None:
    """Seen at the window: 时间 read "2026-12-02 05:0…". Each cell of the first rows fits."""
    metrics = page.table.fontMetrics()
    for row in range(min(page.model.rowCount(), 20)):
        for column in (1, 3, 4):
            text = str(page.model.index(row, column).data())
            assert metrics.horizontalAdvance(text) + 8 <= page.table.columnWidth(column), text
