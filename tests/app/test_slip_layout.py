"""The 处理笺 with every field at its longest: each value stays inside its row, no two pieces of
text overlap, and nothing runs off the page (pdftotext boxes against the rules of a raster)."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app import registry, slips
from app.reports.slip_pdf import SlipData, render_slips
from app.session import Session
from app.text_rules import RULES
from tests.app.test_registry import doc
from tests.pdf_tools import rasterise, word_boxes

SAMPLE = "关于做好年终保密检查工作的通知2026年第𠮷号ABC（附件）、"


def longest(field: str) -> str:
    """A value of `field` at the length limit app/text_rules.py allows."""
    return "".join(itertools.islice(itertools.cycle(SAMPLE), RULES[field].limit))


def horizontal_rules(png: Path, dpi: int) -> list[float]:
    """The y (points from the top) of every ruled line across the table's first column: rows
    of pixels dark all the way from its left edge to 40 mm."""
    image = Image.open(png).convert("L")
    px = dpi / 72
    xs = range(round(18.5 * mm * px), round(40 * mm * px))
    ys = [y for y in range(image.height) if all(image.getpixel((x, y)) < 128 for x in xs)]
    rules: list[list[int]] = []
    for y in ys:  # a line is a few adjacent dark rows
        if rules and y == rules[-1][-1] + 1:
            rules[-1].append(y)
        else:
            rules.append([y])
    return [sum(rule) / len(rule) / px for rule in rules]


def test_a_slip_with_every_value_at_its_longest_keeps_each_in_its_row(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    custodian = login("jiyao")
    result = registry.register(custodian, doc(copy_numbers="1"))
    document = dataclasses.replace(
        result.document,
        issuer=longest("issuer"),
        title=longest("title"),
        doc_number=longest("doc_number"),
        attachments=longest("attachments"),
        proposal=longest("proposal"),
    )
    name = longest("reader_name")
    note = f"※ 11-10 09:30 {name} 例外放行：{longest('override_reason')}" + longest("override_head")
    slip = SlipData(
        document=document,
        copy=result.copies[0],
        code=slips.issue(custodian, [result.copies[0].id], "收文处理笺")[0],
        handovers=[(name + "※", "11-10 09:30", "11-10 17:30")] * 6,
        exceptions=[note] * 6,
        instructions=[longest("instruction")] * 3,
        copies_total=99999,
    )
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(render_slips([slip], "某市某区委办公室" * 6))

    dpi = 150
    rules = horizontal_rules(rasterise(pdf, dpi=dpi)[0], dpi)
    assert len(rules) == 15, rules  # the table's top, 13 row lines, its bottom
    words = [b for b in word_boxes(pdf) if b[0] == 1]
    assert len(words) > 40
    width, height = A4
    tolerance = 0.5
    for _, word, x0, y0, x1, y1 in words:
        assert 10 * mm <= x0 and x1 <= width - 10 * mm, word
        assert 10 * mm <= y0 and y1 <= height - 10 * mm, word
        crossed = [r for r in rules if y0 + tolerance < r < y1 - tolerance]
        assert not crossed, (word, y0, y1, crossed)
    for a, b in itertools.combinations(words, 2):
        overlap_x = min(a[4], b[4]) - max(a[2], b[2])
        overlap_y = min(a[5], b[5]) - max(a[3], b[3])
        assert overlap_x <= tolerance or overlap_y <= tolerance, (a, b)
