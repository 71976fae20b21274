"""Guard against a Qt binding that drops references to None (PySide6 6.12.0 on Python 3.11).

Such a build loses one reference per call that returns nothing; a counter open all day makes
hundreds of thousands of such calls and the interpreter aborts ("deallocating None").
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel


def test_void_calls_keep_none_alive(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    app = QApplication.instance()
    assert app is not None
    before = sys.getrefcount(None)
    for _ in range(2000):
        app.processEvents()
        label.setText("x")
    assert sys.getrefcount(None) > before - 1000
