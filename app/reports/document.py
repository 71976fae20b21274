"""Building a flowing PDF in memory: the page, margins and metadata every report shares."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate


def build_pdf(
    story: Sequence[Flowable],
    title: str,
    unit: str,
    pagesize: tuple[float, float] = A4,
    margins_mm: tuple[float, float] = (20, 20),
) -> bytes:
    """`margins_mm` is (left and right, top and bottom)."""
    side, top = margins_mm[0] * mm, margins_mm[1] * mm
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=side,
        rightMargin=side,
        topMargin=top,
        bottomMargin=top,
        title=title,
        author=unit,
    ).build(list(story))
    return buffer.getvalue()
