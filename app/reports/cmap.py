"""The code points a TrueType font draws, read from its cmap table alone.

Why not reportlab's TTFont: it reads the whole file into memory and parses every table; for the
two Hanazono faces that is about 130 MB and two seconds, spent on the first typed text (input is
checked against what prints). The format 12 subtable (full Unicode, including the supplementary
planes where CJK Ext-B lives) is a list of ranges and is read in milliseconds.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO


def code_points(path: Path, subfont: int = 0) -> frozenset[int] | None:
    """Every code point the font's format 12 cmap maps to a glyph; None when it has none.
    `subfont` picks the font of a .ttc collection."""
    with path.open("rb") as font:
        header = font.read(12)
        if header[:4] == b"ttcf":
            font.seek(12 + 4 * subfont)
            (offset,) = struct.unpack(">I", font.read(4))
            font.seek(offset)
            header = font.read(12)
        tables = _table_directory(header, font)
        if b"cmap" not in tables:
            return None
        base = tables[b"cmap"]
        font.seek(base)
        _, count = struct.unpack(">HH", font.read(4))
        records = [struct.unpack(">HHI", font.read(8)) for _ in range(count)]
        for platform, encoding, offset in records:
            if (platform, encoding) not in ((3, 10), (0, 4), (0, 6)):
                continue
            font.seek(base + offset)
            fmt, _, _, _, groups = struct.unpack(">HHIII", font.read(16))
            if fmt != 12:
                continue
            data = font.read(12 * groups)
            points: set[int] = set()
            for first, last, glyph in struct.iter_unpack(">III", data):
                points.update(range(first + (glyph == 0), last + 1))  # glyph 0 draws nothing
            return frozenset(points)
    return None


def _table_directory(header: bytes, font: BinaryIO) -> dict[bytes, int]:
    """Table tag -> file offset, from a font's offset table (`header`) and the entries after it."""
    (count,) = struct.unpack(">H", header[4:6])
    entries = font.read(16 * count)
    return {
        entries[i : i + 4]: struct.unpack(">I", entries[i + 8 : i + 12])[0]
        for i in range(0, 16 * count, 16)
    }
