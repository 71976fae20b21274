"""The two kinds of failure: expected ones get a calm message; everything else the crash dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.errors import MijianError
from app.output import reason_of

T = TypeVar("T")

log = logging.getLogger("mijian")


def show_error(parent: QWidget | None, exc: MijianError, title: str = "无法完成") -> None:
    QMessageBox.warning(parent, title, exc.message)


def calm(exc: BaseException) -> MijianError | None:
    """The calm form of an expected failure: a MijianError as it is; an OSError (a pulled USB
    stick, a full disk, no permission) as the output rule's message naming the file."""
    if isinstance(exc, MijianError):
        return exc
    if isinstance(exc, OSError):
        where = f"（{exc.filename}）" if exc.filename else ""
        return MijianError(
            f"文件读写失败{where}：{reason_of(exc)}。操作未完成，请检查存储介质后重试。"
        )
    return None


Show = Callable[[MijianError], object]


def attempt(
    parent: QWidget | None,
    action: Callable[[], T],
    then: Callable[[], object] | None = None,
    *,
    show: Show | None = None,
) -> T | None:
    """Run one action of a page: an expected failure (a MijianError, or an OSError in its calm
    form) is shown and returns None, the page unchanged; success runs `then` (usually the
    page's refresh) and returns the result. It is shown in a message box over `parent`, or by
    `show` where the page answers in place (a scanning page's line: a box would swallow the
    next scan; a dialog's red line)."""
    try:
        result = action()
    except (MijianError, OSError) as exc:
        expected = calm(exc)
        assert expected is not None
        if show is None:
            show_error(parent, expected)
        else:
            show(expected)
        return None
    if then is not None:
        then()
    return result


def attempted(
    parent: QWidget | None,
    action: Callable[[], object],
    then: Callable[[], object] | None = None,
    *,
    show: Show | None = None,
) -> bool:
    """attempt() for an action whose result is not needed (it may be None): True once done."""

    def run() -> bool:
        action()
        return True

    return attempt(parent, run, then, show=show) is not None


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
        self.copy_button = QPushButton("复制报告")
        self.copy_button.clicked.connect(self.copy)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        row.addWidget(close)
        layout.addLayout(row)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.report.toPlainText())
        self.copy_button.setText("已复制")


def crash_report(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    lines = traceback.format_exception(kind, exc, tb)
    return f"MiJian {__version__}\n" + "".join(lines)


def install_excepthook() -> None:
    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        expected = calm(exc)
        if expected is not None:
            log.warning("expected failure reached the top: %s", expected.message)
            show_error(QApplication.activeWindow(), expected)
            return
        report = crash_report(kind, exc, tb)
        log.error("unhandled exception\n%s", report)
        if QApplication.instance() is not None:
            CrashDialog(report, QApplication.activeWindow()).exec()
        else:
            sys.__excepthook__(kind, exc, tb)

    sys.excepthook = hook
