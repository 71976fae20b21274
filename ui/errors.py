"""The two kinds of failure: expected ones get a calm message; everything else the crash dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from db.errors import MijianError

log = logging.getLogger("mijian")


def show_error(parent: QWidget | None, exc: MijianError, title: str = "无法完成") -> None:
    QMessageBox.warning(parent, title, exc.message)


class CrashDialog(QDialog):
    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("程序出错")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("程序遇到了意外错误。已保存的数据不受影响。\n请复制下面的报告交给系统管理员。")
        )
        self.report = QPlainTextEdit(report)
        self.report.setReadOnly(True)
        layout.addWidget(self.report)


def crash_report(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    lines = traceback.format_exception(kind, exc, tb)
    return f"MiJian {__version__}\n" + "".join(lines)


def install_excepthook() -> None:
    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, MijianError):
            show_error(QApplication.activeWindow(), exc)
            return
        report = crash_report(kind, exc, tb)
        log.error("unhandled exception\n%s", report)
        if QApplication.instance() is not None:
            CrashDialog(report, QApplication.activeWindow()).exec()
        else:
            sys.__excepthook__(kind, exc, tb)

    sys.excepthook = hook
