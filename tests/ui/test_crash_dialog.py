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
