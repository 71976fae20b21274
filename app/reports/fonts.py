"""The CJK font every printed page embeds (subset), so every printer and viewer shows the same."""

from __future__ import annotations

from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

from app.paths import resource_path

SONG = "MJSong"


def register_fonts() -> str:
    """Register AR PL UMing (Song style) once; returns the font name to use."""
    if SONG not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(SONG, str(resource_path("fonts/uming.ttc")), subfontIndex=0))
    return SONG


@cache
def printable_code_points() -> frozenset[int]:
    """Every code point the bundled fonts draw. Anything else would print blank, so input refuses
    it (app/text_rules.py); a fallback font added here widens what is accepted."""
    face = TTFontFile(str(resource_path("fonts/uming.ttc")), subfontIndex=0)
    return frozenset(face.charToGlyph)
