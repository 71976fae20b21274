"""Our bugs reach one crash dialog with a copyable report; expected failures do not."""

from __future__ import annotations

import sys

from ui.errors import CrashDialog, crash_report


def test_crash_report_names_the_version_and_the_place(qtbot) -> None:
    try:
        {}["missing"]  # noqa: B018
    except KeyError:
        kind, exc, tb = sys.exc_info()
        assert kind is not None and exc is not None
        report = crash_report(kind, exc, tb)
    assert report.startswith("MiJian ")
    assert "KeyError" in report and "test_crash_dialog.py" in report
    dialog = CrashDialog(report)
    qtbot.addWidget(dialog)
    assert dialog.report.toPlainText() == report
    assert dialog.report.isReadOnly()


def test_the_report_is_copied_to_the_clipboard(qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    dialog = CrashDialog("MiJian 0.1.0\nTraceback …")
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == "MiJian 0.1.0\nTraceback …"
    assert dialog.copy_button.text() == "已复制"


def test_a_page_action_that_fails_on_the_medium_is_told_calmly(qtbot, monkeypatch) -> None:
    """A pulled USB stick (EIO) or a full one (ENOSPC) inside any page action: a calm message
    naming the file and the reason, the page's refresh not run, never the crash dialog."""
    import errno

    from PySide6.QtWidgets import QMessageBox, QWidget

    from app.errors import InvalidInput
    from ui.errors import attempt

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    refreshed: list[bool] = []
    page = QWidget()
    qtbot.addWidget(page)

    def pulled() -> None:
        raise OSError(errno.EIO, "Input/output error", "/media/u/backup.mjdb")

    def full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def refused() -> None:
        raise InvalidInput("请先选中一份。")

    for action in (pulled, full, refused):
        assert attempt(page, action, lambda: refreshed.append(True)) is None
    assert attempt(page, lambda: 7, lambda: refreshed.append(True)) == 7
    assert shown == [
        "文件读写失败（/media/u/backup.mjdb）：读写出错，存储介质可能已损坏或已拔出。"
        "操作未完成，请检查存储介质后重试。",
        "文件读写失败：磁盘空间不足。操作未完成，请检查存储介质后重试。",
        "请先选中一份。",
    ]
    assert refreshed == [True]
