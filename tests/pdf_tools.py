"""Looking at PDFs as a person would: rasterised pages and the text a reader sees."""

from __future__ import annotations

import subprocess
from pathlib import Path


def rasterise(pdf: Path, dpi: int = 100) -> list[Path]:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(pdf.parent.glob(prefix.name + "-*.png"))


def text_of(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def fonts_of(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout


def unembedded_fonts(pdf: Path) -> list[str]:
    """Fonts the PDF names but does not embed (pdffonts' `emb` column)."""
    lines = fonts_of(pdf).splitlines()[2:]
    return [line.split()[0] for line in lines if line.split()[-5] != "yes"]
