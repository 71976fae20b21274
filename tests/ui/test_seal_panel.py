"""The auditor's sealed-trail tools in the window, and the printed 审计验证密钥 sheet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from app import seal
from app.reports.seal_sheet_pdf import render_seal_sheet
from app.session import Session
from tests.pdf_tools import rasterise, text_of, unembedded_fonts
from ui.seal_panel import SealPanel
from ui.tasks import SyncRunner, use_runner


def test_the_sheet_prints_its_key_as_text_and_as_a_code_that_scans(
    tmp_path: Path, sheet_text: str, clock
) -> None:
    room_id = sheet_text.split(":")[1].lower()
    key = seal.parse_verification_key(sheet_text, room_id)
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(render_seal_sheet(key, "某单位", "机要室", clock.now()))
    text = text_of(pdf)
    assert "审计验证密钥" in text and key.check in text
    assert all(group in text for group in key.groups)
    assert unembedded_fonts(pdf) == []
    page = rasterise(pdf, dpi=150)[0]
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(page))]
    assert found == [key.text]
    assert seal.parse_verification_key(found[0], room_id) == key


def test_the_auditor_verifies_with_the_sheet_and_looks_up_a_head(
    qtbot, login: Callable[..., Session], sheet_text: str, shot
) -> None:
    auditor = login("shenji")
    panel = SealPanel(auditor)
    qtbot.addWidget(panel)
    use_runner(panel, SyncRunner(auditor))
    panel.show()
    assert not panel.begin_button.isVisible()  # a new room is sealed from its first event
    qtbot.keyClicks(panel.sheet_edit, sheet_text)
    qtbot.mouseClick(
        panel.verify_button, __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton
    )
    assert "封存验证通过" in panel.result_label.text(), panel.result_label.text()
    assert panel.sheet_edit.text() == ""  # the key does not stay on screen
    shot(panel, "seal-panel-verified")
    qtbot.keyClicks(panel.sheet_edit, "0123")
    panel._verify()
    assert "64 位" in panel.result_label.text()
    head = auditor.db.scalar("SELECT hash FROM audit_event ORDER BY seq LIMIT 1")
    qtbot.keyClicks(panel.head_edit, head[:24])
    panel._find_head()
    assert "是第 1 条" in panel.result_label.text()


def test_the_periods_are_walked_on_the_task_runner(
    qtbot, login: Callable[..., Session], sheet_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chain is read whole (17 s on the stress room): off the GUI thread, the key off the
    screen at once, the button back when the report arrives."""
    from tests.ui.job_threads import JobThreads

    panel = SealPanel(login("shenji"))
    qtbot.addWidget(panel)
    panel.show()
    jobs = JobThreads(monkeypatch)
    panel.sheet_edit.setText(sheet_text)
    panel.verify_button.click()
    assert not panel.verify_button.isEnabled() and panel.sheet_edit.text() == ""
    assert panel.result_label.text() == "正在逐期验证…"
    qtbot.waitUntil(lambda: panel.verify_button.isEnabled(), timeout=30_000)
    assert "封存验证通过" in panel.result_label.text(), panel.result_label.text()
    assert jobs.all_off_the_gui_thread


def test_the_sheet_dialog_will_not_close_unprinted_without_asking(
    qtbot, sheet_text: str, clock, monkeypatch
) -> None:

    from ui.seal_sheet import SealSheetDialog

    room_id = sheet_text.split(":")[1].lower()
    key = seal.parse_verification_key(sheet_text, room_id)
    dialog = SealSheetDialog(render_seal_sheet(key, "某单位", "机要室", clock.now()))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.save_button.isVisible()  # never to a file from the window
    import ui.seal_sheet

    answers = [False, True]
    monkeypatch.setattr(ui.seal_sheet, "confirm_unprinted", lambda parent: answers.pop(0))
    dialog.accept()
    assert dialog.isVisible()  # 返回打印
    dialog.accept()
    assert not dialog.isVisible()  # 仍然关闭


def test_the_unprinted_question_speaks_chinese(qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    from ui.seal_sheet import confirm_unprinted

    seen: list[list[str]] = []

    def click(text: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        buttons = box.findChildren(QPushButton)
        seen.append(sorted(b.text() for b in buttons))
        next(b for b in buttons if b.text() == text).click()

    QTimer.singleShot(50, lambda: click("返回打印"))
    assert confirm_unprinted(None) is False
    QTimer.singleShot(50, lambda: click("仍然关闭"))
    assert confirm_unprinted(None) is True
    assert seen == [["仍然关闭", "返回打印"]] * 2
