"""The file dialogs speak Chinese everywhere (Qt's zh_CN catalogue leaves some labels English)
and are wide enough for names, sizes and dates (walk-through findings)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel, QPushButton

from ui.file_dialogs import SIZE, file_dialog
from ui.translations import install_translations


def test_no_english_label_in_the_save_and_open_dialogs(qapp, qtbot) -> None:
    translators = install_translations(qapp)
    try:
        for save in (True, False):
            dialog = file_dialog(None, "保存为 PDF", "PDF 文件 (*.pdf)", save=save)
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            texts = [w.text() for w in dialog.findChildren(QLabel) if w.isVisible()]
            texts += [w.text() for w in dialog.findChildren(QPushButton) if w.isVisible()]
            english = [t for t in texts if re.search(r"[A-Za-z]{2,}", t.replace("PDF", ""))]
            assert not english, english
            assert "查找范围：" in texts and "文件类型：" in texts
            assert ("保存" if save else "打开") in " ".join(texts)
            assert dialog.width() >= SIZE[0]
            dialog.reject()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
