"""The window's fonts and Qt's own words: a sans face for Latin ("l" is not "1"), Chinese in the
Song face, name characters in the Hanazono fallback, and Qt's dialogs in Chinese."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontInfo, QFontMetrics, QTextLayout
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from app.session import Session
from ui.fonts import install_fonts
from ui.pages.register_page import RegisterPage
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


def test_a_name_character_beyond_the_song_face_is_registered_through_the_form(
    login: Callable[..., Session], qtbot
) -> None:
    # Before the fallback faces the form refused 𠮷 ("本机打印字库中没有").
    session = login("jiyao")
    page = RegisterPage(session)
    qtbot.addWidget(page)
    form = page.open_registration()
    form.issuer_edit.setText("𠮷田县委办公室")
    form.doc_number_edit.setText("𠮷发〔2026〕3号")
    form.title_edit.setText("关于䶮㐀同志任职的通知")
    form.level_combo.setCurrentText("机密")
    form.copies_edit.setText("000036")
    form.submit()
    assert "已登记" in form.message_label.text(), form.message_label.text()
    form.close()
    assert (
        session.db.scalar(
            "SELECT count(*) FROM document WHERE issuer = '𠮷田县委办公室' AND title = '关于䶮㐀同志任职的通知'"
        )
        == 1
    )
