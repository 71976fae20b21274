"""Fonts for the window: a sans face for Latin text, a Song face for Chinese, and the same
Hanazono fallbacks the printed pages use (app/reports/fonts.py) for CJK Ext-A, Ext-B and beyond.

Why a sans first: the Song faces draw Latin as an afterthought; AR PL UMing's "l" is "1", so a
path read ".1oca1" and pinyin initials "1y" (issue 13 item 9). Qt draws each character in the
first family of the application font that has it, so Chinese falls through to the Song face and
a name character neither has to Hanazono Mincho, as on paper.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.reports.fonts import FACES, find_font

PREFERRED_SONG = ("SimSun", "宋体", "FangSong", "仿宋", "Noto Serif CJK SC", "Source Han Serif SC")
SHIPPED_SONG = "uming.ttc"
# DejaVu Sans (free licence, Debian fonts-dejavu-core): the build copies it like Hanazono.
SANS_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
SANS_DIR = Path("/usr/share/fonts/truetype/dejavu")
POINT_SIZE = 11


def _add(file: str, system_dir: Path | None) -> list[str]:
    path = find_font(file, system_dir)
    if path is None:
        return []
    font_id = QFontDatabase.addApplicationFont(str(path))
    return QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []


def window_families() -> list[str]:
    """Register the shipped faces with Qt; the families in the order Qt should try them:
    sans, Song, then the fallbacks."""
    sans = [family for file in SANS_FILES for family in _add(file, SANS_DIR)]
    shipped = _add(SHIPPED_SONG, None)
    fallbacks = [family for face in FACES[1:] for family in _add(face.file, face.system_dir)]
    available = set(QFontDatabase.families())
    song = next((f for f in PREFERRED_SONG if f in available), None)
    if song is None:
        song = next((f for f in shipped if "CN" in f), shipped[0] if shipped else None)
    if not sans:  # no DejaVu: the platform's own sans (Segoe UI on Windows)
        sans = [QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()]
    families = [sans[0]] + ([song] if song else []) + fallbacks
    return list(dict.fromkeys(families))


def install_fonts(app: QApplication) -> list[str]:
    """Set the application font to the sans face falling back to Song and Hanazono; also make
    those the substitutes of the sans family, for a widget that names it alone. Returns the
    families in order."""
    families = window_families()
    QFont.insertSubstitutions(families[0], families[1:])
    font = QFont()
    font.setFamilies(families)
    font.setPointSize(POINT_SIZE)
    app.setFont(font)
    return families
