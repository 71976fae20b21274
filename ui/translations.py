"""Qt's own words in Chinese: the print preview, print and file dialogs, OK and Cancel.

The catalogues ship with PySide6 (PySide6/Qt/translations/qtbase_zh_CN.qm); the one-folder build
carries them to the same place (build.spec). Chinese is loaded whatever the system's locale, as
the rest of the window is Chinese too.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger("mijian")

CATALOGUES = ("qtbase",)  # QtWidgets and QtPrintSupport dialogs, QDialogButtonBox


def translation_dirs() -> list[Path]:
    """Where Qt's catalogues may be: Qt's own idea, then the frozen build's PySide6 folder."""
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs.append(Path(frozen) / "PySide6" / "Qt" / "translations")
    return dirs


def install_translations(app: QApplication) -> list[QTranslator]:
    """Install Qt's Simplified Chinese catalogues; returns the translators installed (kept alive
    by `app`, their parent). A missing catalogue leaves that part of Qt in English, logged."""
    installed = []
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    for name in CATALOGUES:
        translator = QTranslator(app)
        if any(translator.load(locale, name, "_", str(d)) for d in translation_dirs()):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Qt translation %s_zh_CN not found", name)
    return installed
