"""Chinese fonts for the window: the system's Song/FangSong where present, else the shipped one."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.paths import resource_path

PREFERRED = ("SimSun", "宋体", "FangSong", "仿宋", "Noto Serif CJK SC", "Source Han Serif SC")
SHIPPED = "fonts/uming.ttc"


def install_fonts(app: QApplication) -> str:
    """Register the shipped CJK face and set the application font; returns the family used."""
    shipped = []
    font_id = QFontDatabase.addApplicationFont(str(resource_path(SHIPPED)))
    if font_id >= 0:
        shipped = QFontDatabase.applicationFontFamilies(font_id)
    available = set(QFontDatabase.families())
    family = next((f for f in PREFERRED if f in available), None)
    if family is None:
        family = next(
            (f for f in shipped if "CN" in f), shipped[0] if shipped else app.font().family()
        )
    font = QFont(family, 11)
    app.setFont(font)
    return family
