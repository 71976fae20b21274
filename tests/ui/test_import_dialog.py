"""The import dialog: the import runs on the task worker, the window keeps ticking, the desk
keeps working between chunks, 取消 stops after a chunk and the same file resumes."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from app import register_query
from app.register_query import RegisterFilter
from app.session import Session
from tests.app.test_ledger_import import ROWS, write_xlsx
from tests.app.test_ledger_import_jobs import ledger_rows, write_csv
from ui.import_dialog import ImportDialog
from ui.pages.desk_page import DeskPage
from ui.tasks import SyncRunner

# A stall this long means a job ran on the GUI thread, not that the machine was busy: every job
# these tests start takes longer than this when run on the GUI thread. The targets (no stall
# over 200 ms, scans p95 ≤ 100 ms) are figures of bench/desk.py and bench/login.py on a quiet
# machine; the suite runs on two busy workers and asserts no timings tighter than this.
FROZEN_MS = 1000


class Ticks:
    """A 10 ms QTimer on the GUI thread; the longest gap between ticks is the longest stall."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last: int | None = None
        self.gaps: list[int] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        if self.last is not None:
            self.gaps.append(now - self.last)
        self.last = now

    def pause(self) -> None:
        """The test itself is about to block the GUI thread: not the import's stall."""
        self.last = None

    def resume(self) -> None:
        self.last = self.clock.elapsed()

    def stop(self) -> int:
        self.timer.stop()
        return max(self.gaps)


def test_the_window_keeps_ticking_and_the_desk_keeps_working_during_an_import(
    counter, qtbot, tmp_path: Path
) -> None:
    custodian, _, _, _ = counter
    ledger = write_csv(tmp_path / "big.csv", ledger_rows(3000))
    dialog = ImportDialog(custodian, lambda parent: ledger)  # its own worker thread
    qtbot.addWidget(dialog)
    desk_page = DeskPage(custodian)  # the counter, on the window's own connection
    qtbot.addWidget(desk_page)
    desk_page.show()
    dialog.open()
    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=30_000)
    assert dialog.import_button.text() == "导入全部"
    assert "前 1000 行中：可导入 1000 行" in dialog.summary_label.text()

    ticks = Ticks()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.bar.value() > 0, timeout=30_000)
    scans: list[float] = []

    def scan(code: str) -> None:
        """A scanner types the code and Enter; the GUI thread is ours meanwhile, not a stall."""
        ticks.pause()
        started = time.perf_counter()
        qtbot.keyClicks(desk_page.scan_edit, code)
        qtbot.keyClick(desk_page.scan_edit, Qt.Key.Key_Return)
        scans.append(time.perf_counter() - started)
        ticks.resume()
        qtbot.wait(30)

    rounds = 0
    while dialog.busy and rounds < 6:
        scan("B0002")
        scan("2026-0001/000001")
        scan("")  # Enter: hand over (a commit, between the import's transactions)
        assert "已借出 1 份给 王芳" in desk_page.banner.text(), desk_page.banner.text()
        scan("2026-0001/000001")
        scan("")  # Enter: checked and taken back (another commit)
        assert "已归还" in desk_page.banner.text(), desk_page.banner.text()
        rounds += 1
    assert rounds >= 2, "the import ended too soon: make the ledger longer"
    qtbot.waitUntil(lambda: not dialog.busy, timeout=180_000)
    longest = ticks.stop()

    assert dialog.summary_label.text() == "已导入 3000 行，已存在 0 行，未导入 0 行。"
    assert register_query.count(custodian.db, RegisterFilter()) == 4 + 3000
    ordered = sorted(scans)
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    print(
        f"longest stall {longest} ms; {len(scans)} scans through the page, p95 {p95:.0f} ms,"
        f" max {ordered[-1] * 1000:.0f} ms"
    )
    assert longest < FROZEN_MS, f"the event loop stalled {longest} ms"
    # A handover waits for one short import transaction at most, never for the import.
    assert p95 < FROZEN_MS, p95
    dialog.close()


def test_cancel_stops_after_a_chunk_and_the_same_file_resumes(
    login: Callable[..., Session], qtbot, tmp_path: Path
) -> None:
    custodian = login("jiyao")
    ledger = write_csv(tmp_path / "l.csv", ledger_rows(3000))
    dialog = ImportDialog(custodian, lambda parent: ledger)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=30_000)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.bar.value() > 0, timeout=30_000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    text = dialog.summary_label.text()
    assert "已取消：已提交到第" in text, text
    committed = register_query.count(custodian.db, RegisterFilter())
    assert 0 < committed < 3000 and committed % 500 == 0

    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=30_000)
    assert f"将从第 {committed + 2} 行继续" in dialog.note_label.text()
    assert dialog.import_button.text() == "继续导入"
    assert not dialog.combos["title"].isEnabled()  # a resume keeps its column mapping
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=180_000)
    assert dialog.summary_label.text().startswith(f"从第 {committed + 2} 行继续导入")
    assert register_query.count(custodian.db, RegisterFilter()) == 3000

    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_button.text() == "已导入", timeout=30_000)
    assert "不会再次导入" in dialog.note_label.text() and not dialog.import_button.isEnabled()
    dialog.close()


@pytest.mark.parametrize("name", ["random.xlsx", "empty.csv"])
def test_an_unreadable_file_is_a_calm_message(
    login: Callable[..., Session], qtbot, tmp_path: Path, name: str
) -> None:
    custodian = login("jiyao")
    path = tmp_path / name
    path.write_bytes(b"\x00\x01garbage" if name.endswith("xlsx") else b"")
    dialog = ImportDialog(custodian, lambda parent: path, runner=SyncRunner(custodian))
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    assert name in dialog.summary_label.text()
    assert ("不是有效的 .xlsx 工作簿" if name.endswith("xlsx") else "空文件") in (
        dialog.summary_label.text()
    )
    assert not dialog.import_button.isEnabled()


def test_a_small_ledger_is_checked_whole_before_import(
    login: Callable[..., Session], qtbot, tmp_path: Path
) -> None:
    custodian = login("jiyao")
    ledger = tmp_path / "台账.xlsx"
    write_xlsx(ledger, ROWS)
    dialog = ImportDialog(custodian, lambda parent: ledger, runner=SyncRunner(custodian))
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    assert dialog.summary_label.text() == "可导入 3 行　已存在 0 行　错误 3 行"
    assert dialog.preview_model.rowCount() == 6
    dialog.combos["title"].setCurrentIndex(0)  # no title column: the mapping is refused
    assert "找不到“标题”列" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
