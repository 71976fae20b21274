"""Looking at PDFs as a person would: rasterised pages and the text a reader sees."""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path


def rasterise(pdf: Path, dpi: int = 100) -> list[Path]:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(pdf.parent.glob(prefix.name + "-*.png"))


def text_of(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def text_in(pdf: Path, left_pt: float, width_pt: float, page: int = 1) -> str:
    """The text of one column band of a page (points from the left edge, full height), read
    top to bottom as a person reads down that column: a wrapped cell's lines stay together."""
    return subprocess.run(
        [
            "pdftotext",
            "-f",
            str(page),
            "-l",
            str(page),
            "-r",
            "72",
            "-x",
            str(int(left_pt)),
            "-y",
            "0",
            "-W",
            str(int(width_pt)),
            "-H",
            "2000",
            str(pdf),
            "-",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def fonts_of(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout


def unembedded_fonts(pdf: Path) -> list[str]:
    """Fonts the PDF names but does not embed (pdffonts' `emb` column)."""
    lines = fonts_of(pdf).splitlines()[2:]
    return [line.split()[0] for line in lines if line.split()[-5] != "yes"]


def word_boxes(pdf: Path) -> list[tuple[int, str, float, float, float, float]]:
    """Every word pdftotext finds: (page from 1, word, xMin, yMin, xMax, yMax) in points from the
    page's top left."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    boxes = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page,
        ):
            boxes.append((number, unescape(word), float(x0), float(y0), float(x1), float(y1)))
    return boxes
