"""Long reports are laid out on the task runner: the window keeps ticking, 取消 stops the layout,
the worker's connection is closed when the job ends, and the output is audited on the window's
own session once the bytes are on the medium."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app import audit, registry
from app.progress import Cancelled, Progress
from app.reports import catalog
from app.reports.fonts import register_fonts
from app.session import Session
from db.connection import Database
from tests.app.test_registry import doc
from tests.pdf_tools import text_of
from tests.ui.job_threads import JobThreads
from tests.ui.test_import_dialog import FROZEN_MS, Ticks
from ui.pages.reports_page import ReportsPage
from ui.printing import offer_long_pdf
from ui.tasks import ProgressWindow


@pytest.fixture(autouse=True)
def _fonts_loaded_at_login() -> None:
    """The program loads the report fonts while the login dialog waits (ui/login.py)."""
    register_fonts()


def test_a_report_is_laid_out_on_the_worker_and_audited_on_the_window_after_saving(
    login, qtbot, tmp_path: Path
) -> None:
    session = login("jiyao")
    registry.register(session, doc())
    parent = QWidget()
    qtbot.addWidget(parent)
    gui = threading.get_ident()
    seen: list[tuple[int, Database]] = []

    def make(worker: Session, progress: Progress) -> object:
        """The real register, laid out again and again for 1.5 s: a long report."""
        seen.append((threading.get_ident(), worker.db))
        started = time.perf_counter()
        while True:
            made = catalog.output(worker, "register", 2026, progress=progress)
            if time.perf_counter() - started > 1.5:
                return made

    before = audit.count(session.db)
    ticks = Ticks()
    long_pdf = offer_long_pdf(parent, session, "收文登记簿", "收文登记簿-2026.pdf", make)
    assert long_pdf.dialog is None  # not laid out on the GUI thread
    qtbot.waitUntil(lambda: long_pdf.dialog is not None, timeout=60_000)
    longest = ticks.stop()
    print(f"longest stall while the report was laid out: {longest} ms")
    assert longest < FROZEN_MS, f"the event loop stalled {longest} ms"

    thread, worker_db = seen[0]
    assert thread != gui and worker_db is not session.db
    qtbot.waitUntil(lambda: not parent.task_runner._thread.isRunning(), timeout=10_000)
    try:
        worker_db.scalar("SELECT 1")
        raise AssertionError("the worker's connection is still open")
    except Exception as exc:  # noqa: BLE001 — sqlcipher's ProgrammingError
        assert "closed" in str(exc)
    assert long_pdf.progress.ended
    dialog = long_pdf.dialog
    assert audit.count(session.db) == before  # laid out, not output: nothing recorded

    target = tmp_path / "登记簿.pdf"
    dialog._choose = lambda *_: target
    assert dialog.save() == target  # the record runs now, on the window's connection
    assert "关于做好年终保密检查工作的通知" in text_of(target)
    assert audit.count(session.db) == before + 1
    event = audit.page(session.db, None, 1)[0]
    assert event.action == "输出报表" and event.details["to"] == str(target)
    dialog.close()
    parent.task_runner.shutdown()


def test_cancel_in_the_progress_window_stops_the_layout(login, qtbot, monkeypatch) -> None:
    session = login("jiyao")
    registry.register(session, doc())
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    laid_out = [0]

    def make(worker: Session, progress: Progress) -> bytes:
        while True:  # lays the report out until asked to stop
            catalog.render(worker, "register", 2026)
            laid_out[0] += 1
            progress(laid_out[0], 1000)

    ticks = Ticks()
    long_pdf = offer_long_pdf(parent, session, "收文登记簿", "x.pdf", make)
    window = long_pdf.progress
    qtbot.waitUntil(window.isVisible, timeout=10_000)  # shown after 400 ms, with its bar
    qtbot.waitUntil(lambda: window.bar.value() >= 2, timeout=30_000)
    assert window.bar.maximum() == 1000
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)  # the custodian: 取消
    task = long_pdf.task
    assert task is not None
    qtbot.waitUntil(lambda: task.finished, timeout=30_000)
    longest = ticks.stop()
    assert longest < FROZEN_MS, f"the event loop stalled {longest} ms"
    assert long_pdf.dialog is None and isinstance(long_pdf.failed, Cancelled)
    assert window.ended and shown == []  # cancelled: no error message, no dialog
    parent.task_runner.shutdown()


def test_a_failed_report_is_a_calm_message_and_the_progress_window_goes(
    login, qtbot, monkeypatch
) -> None:
    session = login("jiyao")
    page = ReportsPage(session)
    qtbot.addWidget(page)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    page.select("day-close")  # no day was ever closed: a typed refusal from the worker
    long_pdf = page.show_pdf()
    qtbot.waitUntil(lambda: long_pdf.failed is not None, timeout=30_000)
    assert shown == ["还没有日终清点过，没有清点表。"]
    assert long_pdf.dialog is None and long_pdf.progress.ended
    assert not any(isinstance(w, ProgressWindow) and w.isVisible() for w in page.children())
    page.task_runner.shutdown()


def test_save_and_export_run_on_the_worker_and_are_audited_once_written(
    login, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.report_dialog import ReportDialog

    session = login("jiyao")
    registry.register(session, doc())
    target = tmp_path / "登记簿.pdf"
    dialog = ReportDialog(session, "register", 2026, choose=lambda *_: target)
    qtbot.addWidget(dialog)
    before = audit.count(session.db)
    jobs = JobThreads(monkeypatch)
    dialog.save()  # the real runner: laid out and written on the worker, audited on the GUI
    assert dialog.saved is None
    qtbot.waitUntil(lambda: dialog.saved == target, timeout=30_000)
    assert jobs.all_off_the_gui_thread
    assert "关于做好年终保密检查工作的通知" in text_of(target)
    assert audit.count(session.db) == before + 1
    assert audit.page(session.db, None, 1)[0].details["to"] == str(target)
    # Laid out in the runner's process apart (app/apart.py), not beside the window.
    apart = dialog.task_runner._worker.apart
    assert apart.pid is not None and apart.pid != os.getpid()

    sheet = tmp_path / "登记簿.xlsx"
    page = ReportsPage(session, confirm=lambda _: True, choose=lambda *_: sheet)
    qtbot.addWidget(page)
    page.select("register")
    jobs.threads.clear()
    page.export_sheet()
    qtbot.waitUntil(lambda: "已导出 1 行" in page.message_label.text(), timeout=30_000)
    assert jobs.all_off_the_gui_thread
    assert sheet.stat().st_size > 0 and audit.count(session.db) == before + 2
    assert audit.page(session.db, None, 1)[0].action == "导出明文报表"
    dialog.task_runner.shutdown()
    assert apart.pid is None  # the session's end ends its process apart
    page.task_runner.shutdown()


def test_closing_the_window_stops_its_worker_before_the_session_closes(login, qtbot) -> None:
    from ui.main_window import MainWindow

    session = login("jiyao")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    started = threading.Event()

    def make(worker: Session, progress: Progress) -> bytes:
        started.set()
        while True:  # a report that would go on until asked to stop
            catalog.render(worker, "register", 2026)
            progress(1, 2)

    long_pdf = offer_long_pdf(window.centralWidget(), session, "收文登记簿", "x.pdf", make)
    runner = window.task_runner
    qtbot.waitUntil(started.is_set, timeout=30_000)
    window.close()  # as 退出 or 切换用户 do, before ui.main closes the session
    assert not runner._thread.isRunning() and not hasattr(window, "task_runner")
    assert long_pdf.task is not None and long_pdf.task.progress.cancelled
    qtbot.wait(50)
    assert long_pdf.dialog is None  # nothing arrives after the window has gone
