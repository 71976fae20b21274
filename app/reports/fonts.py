"""The fonts every printed page embeds (subset), so every printer and viewer shows the same.

AR PL UMing (Song style) draws Chinese and Latin. What it lacks — CJK Ext-A, Ext-B and beyond,
common in personal and place names (䶮, 𠮷) — is drawn in Hanazono Mincho A or B (GlyphWiki,
free licence, about 107,000 characters between them). Text is split into runs by glyph coverage
(`runs`): each character goes to the first face that has it, so a name prints whole in whatever
mix of faces it needs. Paragraphs take `markup`; canvas strings are split by the canvas itself
(app/reports/document.py: SongCanvas), so a plain table cell needs nothing.

UMing ships in resources/fonts. The Hanazono faces (53 MB) are not kept in git: the one-folder
build copies them from the Debian package fonts-hanazono into its resources/fonts (build.spec),
and a source checkout finds them where that package puts them (tools/setup.sh installs it).
Whatever faces are found, `printable_code_points` is what they draw together, and input refuses
anything else (app/text_rules.py), so nothing typed is ever printed blank.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from app.paths import resource_path
from app.reports.cmap import code_points

SONG = "MJSong"
HANAZONO_DIR = Path("/usr/share/fonts/truetype/hanazono")


@dataclass(frozen=True)
class Face:
    name: str  # the name reportlab knows it by
    file: str  # its file name under resources/fonts (or `system_dir`)
    system_dir: Path | None = None  # where a Debian package installs it, if it is not shipped
    subfont: int = 0


# In order of preference: a character is drawn in the first face that has it.
FACES = (
    Face(SONG, "uming.ttc"),
    Face("MJHanaMinA", "HanaMinA.ttf", HANAZONO_DIR),
    Face("MJHanaMinB", "HanaMinB.ttf", HANAZONO_DIR),
)


def find_font(file: str, system_dir: Path | None = None) -> Path | None:
    """A font file in the shipped resources/fonts (the frozen build, a source checkout), else in
    `system_dir`; None when neither has it."""
    for folder in (resource_path("fonts"), system_dir):
        if folder is not None and (folder / file).is_file():
            return folder / file
    return None


@cache
def _paths() -> dict[str, Path]:
    """Each face found, Song first, with its file."""
    found = {}
    for face in FACES:
        path = find_font(face.file, face.system_dir)
        if path is not None:
            found[face.name] = path
        elif face.name == SONG:
            raise FileNotFoundError(f"resources/fonts/{face.file} is missing")
    return found


@cache
def _register(name: str) -> TTFont:
    """Register one face with reportlab, once per process. The Hanazono faces cost about 60 MB
    each there, so they are registered only when some text needs them (`runs`)."""
    face = next(f for f in FACES if f.name == name)
    font = TTFont(name, str(_paths()[name]), subfontIndex=face.subfont)
    pdfmetrics.registerFont(font)
    return font


@cache
def _coverage() -> dict[str, frozenset[int]]:
    """Each face found, Song first, with the code points it draws, read from its cmap alone
    (through reportlab only for a face without a full-Unicode cmap)."""
    coverage = {}
    for face in FACES:
        path = _paths().get(face.name)
        if path is None:
            continue
        points = code_points(path, face.subfont)
        if points is None:
            points = frozenset(_register(face.name).face.charToGlyph)
        coverage[face.name] = points
    return coverage


@cache
def _lacking(base: str) -> re.Pattern[str]:
    """A pattern matching any character `base` does not draw: a class of its ranges, negated.
    Ten times faster than a set test per character, and every table cell is tested."""
    ranges: list[list[int]] = []
    for code in sorted(_coverage().get(base, ())):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    spans = "".join(
        re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last > first else "")
        for first, last in ranges
    )
    return re.compile(f"[^{spans}]" if spans else "(?s:.)")


def register_fonts() -> str:
    """Register the Song face (the fallbacks follow when needed); returns its name, the base font."""
    _register(SONG)
    return SONG


def faces() -> list[str]:
    """The names of the faces found, Song first."""
    return list(_coverage())


@cache
def printable_code_points() -> frozenset[int]:
    """Every code point the faces draw together. Anything else would print blank, so input
    refuses it (app/text_rules.py)."""
    return frozenset().union(*_coverage().values())


def runs(text: str, base: str = SONG) -> list[tuple[str, str]]:
    """`text` as (font, part) runs, each part drawn in the first face that has all its characters.
    A character `base` has is drawn in `base`; one no face has (input refuses those) stays in
    the run it interrupts."""
    if _lacking(base).search(text) is None:  # the common case, at regex speed
        return [(base, text)] if text else []
    points = _coverage()
    out: list[tuple[str, list[str]]] = []
    for char in text:
        code = ord(char)
        current = out[-1][0] if out else base
        if code in points.get(base, ()):
            font = base
        elif code in points.get(current, ()):
            font = current
        else:
            font = next((name for name, covered in points.items() if code in covered), current)
        if font != base:
            _register(font)
        if out and out[-1][0] == font:
            out[-1][1].append(char)
        else:
            out.append((font, [char]))
    return [(font, "".join(chars)) for font, chars in out]


def markup(text: str, base: str = SONG) -> str:
    """`text` escaped for a reportlab Paragraph whose font is `base`, with every run `base` lacks
    wrapped in its own <font face>."""
    return "".join(
        escape(part) if font == base else f'<font face="{font}">{escape(part)}</font>'
        for font, part in runs(text, base)
    )


@lru_cache(maxsize=8192)
def string_width(text: str, size: float, base: str = SONG) -> float:
    """The printed width of `text` drawn in runs (points). Remembered for the last few thousand
    texts: a long register measures the same names, units and titles over and over."""
    return float(sum(pdfmetrics.stringWidth(part, font, size) for font, part in runs(text, base)))


def is_ours(font: str) -> bool:
    """Whether `font` is one of the faces text is split among (not Courier, say)."""
    return font in _OURS


_OURS = frozenset(face.name for face in FACES)


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond U+FFFF written as UTF-16 surrogate
    pairs as the PDF reference requires. reportlab 4/5 writes `<%04X>`, so U+20BB7 came out as
    <20BB7> and viewers read it as U+20BB and a stray 7: the glyph printed right but copying,
    searching or `pdftotext` gave the wrong character (tests/app/test_fonts_fallback.py)."""

    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


# reportlab looks the function up in its module when it writes each font subset.
ttfonts.makeToUnicodeCMap = _to_unicode_cmap
