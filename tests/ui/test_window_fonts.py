"""The window's fonts and Qt's own words: a sans face for Latin ("l" is not "1"), Chinese in the
Song face, name characters in the Hanazono fallback, and Qt's dialogs in Chinese."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontInfo, QFontMetrics, QTextLayout
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from ui.fonts import install_fonts
from ui.translations import install_translations


def test_the_window_font_is_a_sans_face_with_song_and_hanazono_behind(qapp, qtbot) -> None:
    families = install_fonts(qapp)
    assert families[0] == "DejaVu Sans"
    assert families[1].startswith("AR PL UMing") and families[2:] == ["HanaMinA", "HanaMinB"]
    assert QApplication.font().families() == families

    label = QLabel("local l1 路径 张三 𠮷")
    qtbot.addWidget(label)
    assert QFontInfo(label.font()).family() == "DejaVu Sans"
    metrics = QFontMetrics(label.font())
    # In DejaVu Sans "l" is a narrow stroke and "1" a full digit; the Song face drew both alike.
    assert metrics.horizontalAdvance("l") < 0.6 * metrics.horizontalAdvance("1")
    # What Qt really draws each with: the glyph runs of a laid-out line name their faces.
    assert faces_drawing("local l1", label.font()) == {"DejaVu Sans"}
    assert faces_drawing("路径张三", label.font()) == {families[1]}
    assert faces_drawing("𠮷", label.font()) == {"HanaMinA"}


def faces_drawing(text: str, font: QFont) -> set[str]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return {run.rawFont().familyName() for run in layout.glyphRuns()}


def test_qt_dialogs_speak_chinese(qapp, qtbot) -> None:
    translators = install_translations(qapp)
    try:
        assert translators
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
        print_preview = QCoreApplication.translate("QPrintPreviewDialog", "Print Preview")
        assert print_preview == "打印预览"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
