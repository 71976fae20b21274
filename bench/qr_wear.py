"""QR codes under print-like wear: how many of 40 slip codes still read at level M and at level Q.

40 real payloads (copy ids 1-40, serials as a room issues them) are drawn at the slip's printed
size (26 mm, quiet zone included) on one A4 page as the slip PDF draws them, the page is
rasterised with pdftoppm, and each code is worn: rotated 1.5 degrees, blurred (Gaussian, 0.8 px),
and 2.5 % of its pixels set to black or white (seeded), then read with zxing-cpp.

    python bench/qr_wear.py [--dpi 150] [--seed 12] [--seeds 10]

prints `qr_wear_M: N/40` and `qr_wear_Q: N/40` for one seed (tests/app/test_qr_wear.py asserts
Q >= M), then the totals over `--seeds` seeds (1..n) of the same 40 codes.

Measured (zxing-cpp 2, 150 dpi): seed 12 gives M 21/40, Q 21/40; seeds 1-10 give M 199/400,
Q 203/400 (at 100 dpi: 278 and 288). Level Q never reads fewer in total, but the gain is small:
taking the wear apart, rotation and blur alone leave 40/40 at both levels, and it is the
single-pixel salt-and-pepper after the blur that defeats zxing-cpp's finder-pattern search and
binarizer, before error correction is reached. With the specks blurred as a lens would blur them
(noise before the blur) both levels read 40/40 at 150 dpi.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from io import BytesIO
from pathlib import Path

import zxingcpp
from PIL import Image, ImageFilter
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import qr_payload  # noqa: E402
from app.reports.slip_pdf import draw_matrix  # noqa: E402
from app.slips import qr_matrix  # noqa: E402

CODES = 40
COLUMNS = 5
SIZE = 26 * mm  # the slip's QR (app/reports/slip_pdf.py: qr_size)
CELL_W, CELL_H = 38 * mm, 34 * mm
LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q}


def payloads() -> list[str]:
    """What a room prints: small copy ids and serials, a 16-character MAC."""
    return [qr_payload.encode(b"w" * 32, "wear-room", n, 3 * n + 7) for n in range(1, CODES + 1)]


def _cell(i: int) -> tuple[float, float]:
    """Lower-left corner of code i's cell, in points."""
    return 10 * mm + (i % COLUMNS) * CELL_W, A4[1] - 10 * mm - (i // COLUMNS + 1) * CELL_H


def sheet(level: int, codes: list[str]) -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for i, payload in enumerate(codes):
        x, y = _cell(i)
        draw_matrix(
            canvas,
            qr_matrix(payload, level),
            x + (CELL_W - SIZE) / 2,
            y + (CELL_H - SIZE) / 2,
            SIZE,
        )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def rasterise(pdf: bytes, dpi: int) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sheet.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), str(path), str(path.with_suffix(""))], check=True
        )
        page = next(Path(tmp).glob("sheet-*.png"))
        with Image.open(page) as image:
            return image.convert("L")


def wear(image: Image.Image, rng: random.Random) -> Image.Image:
    worn = image.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor=255)
    worn = worn.filter(ImageFilter.GaussianBlur(0.8))
    pixels = worn.load()
    assert pixels is not None
    w, h = worn.size
    for _ in range(round(0.025 * w * h)):
        pixels[rng.randrange(w), rng.randrange(h)] = rng.choice((0, 255))
    return worn


def readable(level: str, dpi: int = 150, seed: int = 12) -> int:
    """How many of the 40 worn codes decode to exactly their payload."""
    codes = payloads()
    page = rasterise(sheet(LEVELS[level], codes), dpi)
    scale = dpi / 72
    rng = random.Random(seed)  # the same wear for both levels
    read = 0
    for i, payload in enumerate(codes):
        x, y = _cell(i)
        box = (
            round(x * scale),
            round((A4[1] - y - CELL_H) * scale),
            round((x + CELL_W) * scale),
            round((A4[1] - y) * scale),
        )
        worn = wear(page.crop(box), rng)
        found = zxingcpp.read_barcodes(worn, formats=zxingcpp.BarcodeFormat.QRCode)
        read += any(b.text == payload for b in found)
    return read


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    for level in LEVELS:
        print(f"qr_wear_{level}: {readable(level, args.dpi, args.seed)}/{CODES}")
    for level in LEVELS:
        total = sum(readable(level, args.dpi, seed) for seed in range(1, args.seeds + 1))
        print(f"qr_wear_{level}_seeds_1_{args.seeds}: {total}/{CODES * args.seeds}")


if __name__ == "__main__":
    main()
