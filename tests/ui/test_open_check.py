"""开启校验: the quick gate runs when the window opens, off the GUI thread, and says what it found."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox

from app import registry
from app.session import Session
from app.vocab import CopyState, sql_value
from tests.app.test_registry import doc
from ui.main_window import MainWindow
from ui.tasks import runner_for


def test_the_window_opens_at_once_and_the_quick_gate_reports_in_the_status_bar(
    qtbot, login: Callable[..., Session], monkeypatch, shot
) -> None:
    custodian = login("jiyao")
    copy_id = registry.register(custodian, doc(level="机密", copy_numbers="1")).copies[0].id
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))

    window = MainWindow(custodian)
    qtbot.addWidget(window)
    window.show()
    window.open_check.start()  # the real runner: a worker thread with its own connection
    assert window.open_check.text() == "开启校验：进行中…"
    qtbot.waitUntil(lambda: window.open_check.report is not None, timeout=30_000)
    assert window.open_check.text() == "开启校验：通过"
    assert "快速校验用时" in window.open_check.toolTip()
    assert warned == []
    # The report process was started beside it, ready for the first report (app/apart.py).
    far = runner_for(window, custodian)._worker.apart  # type: ignore[attr-defined]
    assert far.pid is not None
    shot(window, "open-check-passed")

    # A copy marked 借出 with no handover behind it (an insider's edit): the next opening says so.
    lent = sql_value(CopyState.LENT)
    custodian.db.execute(f"UPDATE copy SET state = {lent} WHERE id = ?", (copy_id,))
    window.open_check.report = None
    window.open_check.start()
    qtbot.waitUntil(lambda: window.open_check.report is not None, timeout=30_000)
    assert window.open_check.text() == "开启校验：发现问题"
    assert len(warned) == 1
    assert "1 份记为借出，未归还的借出记录却有 0 条" in warned[0]
    assert "完整校验" in warned[0]
