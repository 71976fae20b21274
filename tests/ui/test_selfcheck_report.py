"""保密自查自评统计 in 报表: chosen from the list, laid out on the task runner, saved and read."""

from __future__ import annotations

from pathlib import Path

from app import audit
from tests.pdf_tools import text_of
from ui.pages.reports_page import ReportsPage


def test_the_selfcheck_figures_from_the_reports_page(counter, qtbot, tmp_path: Path) -> None:
    custodian, officer, readers, docs = counter
    page = ReportsPage(officer)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    page.select("selfcheck")
    assert page.kind == "selfcheck"
    laying_out = page.show_pdf()
    qtbot.waitUntil(lambda: laying_out.dialog is not None, timeout=30_000)
    dialog = laying_out.dialog
    assert "保密自查自评统计" in dialog.windowTitle()
    target = tmp_path / "selfcheck.pdf"
    dialog._choose = lambda *_: target
    assert dialog.save() == target
    text = text_of(target)
    assert "期末在管（秘密）" in text and "收文" in text
    assert audit.page(officer.db, None, 1)[0].object == "report:selfcheck"
    dialog.reject()
    page.task_runner.shutdown()
