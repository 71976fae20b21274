"""Building a PDF in memory: the page, margins and metadata every report shares, and for the
registers a footer with the print time and 第 N 页 共 M 页."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from app.reports import fonts
from app.reports.fonts import register_fonts


def build_pdf(
    story: Sequence[Flowable],
    title: str,
    unit: str,
    pagesize: tuple[float, float] = A4,
    margins_mm: tuple[float, float] = (20, 20),
    footer: str | None = None,
    printed_at: datetime | None = None,
) -> bytes:
    """`margins_mm` is (left and right, top and bottom). With `footer`, every page carries the
    print time and that line at the bottom left and its page number at the bottom right."""
    side, top = margins_mm[0] * mm, margins_mm[1] * mm
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=side,
        rightMargin=side,
        topMargin=top,
        bottomMargin=top,
        title=title,
        author=unit,
    )
    if footer is None:
        doc.build(list(story), canvasmaker=SongCanvas)
    else:
        printed = f"打印时间 {printed_at:%Y-%m-%d %H:%M}　　" if printed_at else ""
        line = printed + footer

        def draw(canvas: Canvas, _: SimpleDocTemplate) -> None:
            canvas.saveState()
            canvas.setFont(register_fonts(), 8)
            canvas.drawString(side, 8 * mm, line)
            canvas.restoreState()

        doc.build(list(story), onFirstPage=draw, onLaterPages=draw, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


class SongCanvas(Canvas):
    """A canvas whose initial font is the embedded Song face, so that no page names a base-14
    font the PDF does not embed (reportlab starts every page in Helvetica).

    Every string drawn on it in one of our faces is drawn in runs by glyph coverage
    (fonts.runs): the pages' own drawString calls and every plain table cell (reportlab's Table
    draws those with drawString, drawRightString and drawCentredString)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initialFontName"] = kwargs.get("initialFontName") or register_fonts()
        super().__init__(*args, **kwargs)

    def drawString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        parts = self._runs(text)
        if len(parts) <= 1:
            super().drawString(x, y, text, *args, **kwargs)
            return
        base, size, leading = self._fontname, self._fontsize, self._leading
        for font, part in parts:
            self.setFont(font, size, leading)
            super().drawString(x, y, part, *args, **kwargs)
            x += pdfmetrics.stringWidth(part, font, size)
        self.setFont(base, size, leading)

    def drawRightString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        if len(self._runs(text)) <= 1:
            super().drawRightString(x, y, text, *args, **kwargs)
        else:
            width = fonts.string_width(text, self._fontsize, self._fontname)
            self.drawString(x - width, y, text, *args, **kwargs)

    def drawCentredString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        if len(self._runs(text)) <= 1:
            super().drawCentredString(x, y, text, *args, **kwargs)
        else:
            width = fonts.string_width(text, self._fontsize, self._fontname)
            self.drawString(x - width / 2, y, text, *args, **kwargs)

    def _runs(self, text: str) -> list[tuple[str, str]]:
        if not fonts.is_ours(self._fontname):  # Courier for a hash, say
            return [(self._fontname, text)]
        return fonts.runs(text, self._fontname)


class NumberedCanvas(SongCanvas):
    """Writes 第 N 页 共 M 页 once the total is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, object]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab API)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(register_fonts(), 8)
            width = self._pagesize[0]
            self.drawRightString(
                width - 12 * mm, 8 * mm, f"第 {self._pageNumber} 页　共 {total} 页"
            )
            super().showPage()
        super().save()
