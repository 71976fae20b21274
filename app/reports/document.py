"""Building a PDF in memory: the page, margins and metadata every report shares, and for the
registers a footer with the print time and 第 N 页 共 M 页."""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFPage,
    PDFStream,
    PDFZCompress,
)
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from app.progress import FOREGROUND
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
        # (face, size, leading) -> text -> the text's show operators (see _plain)
        self._shown: dict[tuple[str, float, float], dict[str, str]] = {}
        # Per face: the ASCII characters its first subset codes as themselves (see _operators).
        self._ascii_same: dict[str, set[str]] = {}
        # (face, size, leading, subset) -> "/F1+0 8 Tf 10 TL", the part every show repeats.
        self._select: dict[tuple[str, float, float, int], str] = {}
        super().__init__(*args, **kwargs)

    def drawString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        if not (args or kwargs):
            shown = self.shown_now().get(text)
            if shown is not None:  # a cell seen before on this document: 秘密, a name, a unit
                if shown:
                    self._code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm {shown} T* ET")
                return
        parts = self._runs(text)
        if self._single(parts):
            if args or kwargs or not self._plain(x, y, text):
                super().drawString(x, y, text, *args, **kwargs)
            return
        base, size, leading = self._fontname, self._fontsize, self._leading
        for font, part in parts:
            self.setFont(font, size, leading)
            if args or kwargs or not self._plain(x, y, part):
                super().drawString(x, y, part, *args, **kwargs)
            x += pdfmetrics.stringWidth(part, font, size)
        self.setFont(base, size, leading)

    def _single(self, parts: list[tuple[str, str]]) -> bool:
        """Whether text split into `parts` is drawn whole in the current face."""
        return not parts or (len(parts) == 1 and parts[0][0] == self._fontname)

    def _plain(self, x: float, y: float, text: str) -> bool:
        """Write `text`, all in the current face, the way Canvas.drawString does for an
        unshaped TrueType face (the same operators: BT, Tm, each subset's Tf, Tj, T*, ET),
        without its text object, bidi pass and width measurement, and remember the operators
        for the next time the same text is drawn: a year's register draws millions of cells.
        False, having written nothing, for any other face or a top-down canvas."""
        shown = self._operators(text)
        if shown is None:
            return False
        if shown:  # an empty cell shows nothing
            self._code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm {shown} T* ET")
        return True

    def _operators(self, text: str) -> str | None:
        """The show operators of `text` in the current face, remembered; None for a face the
        plain path cannot write (see _plain). `text` must be drawn whole in the current face."""
        known = self.shown_now()
        shown = known.get(text)
        if shown is not None:
            return shown
        font = pdfmetrics.getFont(self._fontname)
        if not (getattr(font, "_dynamicFont", False) and self.bottomup) or font.shapable:
            return None
        doc = self._doc
        # A character's code in a subset never changes once given, so the operators for a text
        # stay right for the whole document.
        same = self._ascii_same.setdefault(self._fontname, set())
        if text.isascii() and same.issuperset(text):
            # Times, numbers, 份号: characters already seen coded as themselves in the first
            # subset (reportlab's readable ASCII) need no splitting: most texts never repeat.
            chunks = [(0, text.encode("ascii"))]
        else:
            chunks = font.splitString(text, doc)
            if text.isascii() and chunks == [(0, text.encode("ascii"))]:
                same.update(text)
        shown = " ".join(
            f"{self._selected(font, subset)} ({self._escape(chunk)}) Tj" for subset, chunk in chunks
        )
        if len(known) >= 20_000:
            known.clear()
        known[text] = shown
        return shown

    def shown_now(self) -> dict[str, str]:
        """The operators remembered for texts in the current face and size (text -> show): a
        table drawn straight onto the page looks its cells up here first (grid.py)."""
        key = (self._fontname, self._fontsize, self._leading)
        known = self._shown.get(key)
        if known is None:
            known = self._shown[key] = {}
        return known

    def _selected(self, font: Any, subset: int) -> str:
        """The operators that select `subset` of the current face at the current size."""
        key = (self._fontname, self._fontsize, self._leading, subset)
        select = self._select.get(key)
        if select is None:
            name = font.getSubsetInternalName(subset, self._doc)
            select = f"{name} {fp_str(self._fontsize)} Tf {fp_str(self._leading)} TL"
            self._select[key] = select
        return select

    def cell_operators(self, text: str) -> str | None:
        """For a table drawn straight onto the page (app/reports/grid.py): the operators that
        show one line of `text` in the current face, to be placed with a Tm; None when the text
        needs another face or the face cannot take the plain path (draw it with drawString)."""
        shown = self.shown_now().get(text)
        if shown is not None:
            return shown
        if not self._single(self._runs(text)):
            return None
        return self._operators(text)

    def drawRightString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        if self._single(self._runs(text)):
            super().drawRightString(x, y, text, *args, **kwargs)
        else:
            width = fonts.string_width(text, self._fontsize, self._fontname)
            self.drawString(x - width, y, text, *args, **kwargs)

    def drawCentredString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        if self._single(self._runs(text)):
            super().drawCentredString(x, y, text, *args, **kwargs)
        else:
            width = fonts.string_width(text, self._fontsize, self._fontname)
            self.drawString(x - width / 2, y, text, *args, **kwargs)

    def showPage(self) -> None:  # noqa: N802 (reportlab API)
        super().showPage()
        _pack(self._doc.Pages.pages[-1])

    def _runs(self, text: str) -> list[tuple[str, str]]:
        if not fonts.is_ours(self._fontname):  # Courier for a hash, say
            return [(self._fontname, text)]
        return fonts.runs(text, self._fontname)


def _pack(page: PDFPage) -> None:
    """Compress a finished page's content now rather than when the file is written, so that a
    long document holds its pages compressed rather than as text (and binary: reportlab's
    ASCII85 on top makes every page a quarter larger for no reader's benefit)."""
    if page.Contents or not page.stream or not page.compression:
        return
    # Level 1, not reportlab's 6: a month's register compresses in 0.12 s instead of 0.3 s and
    # is 16 % larger (3.0 MB, not 2.6); a page goes to the printer or a stick, not an archive.
    stream = page.stream
    content = zlib.compress(stream.encode("utf8") if isinstance(stream, str) else stream, 1)
    names = PDFArray([PDFName(PDFZCompress.pdfname)])
    page.Contents = PDFStream(PDFDictionary({"Filter": names}), content)
    page.stream = None


class NumberedCanvas(SongCanvas):
    """Writes 第 N 页 共 M 页 once the total is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, object]] = []

    # Pages held as text while they wait for the total; older ones are held compressed. A
    # month's register (about 1,000 pages) is never compressed twice; a year's (10,000) holds
    # ten thousand pages of operators as lists of strings took over a gigabyte, so it can't.
    PLAIN_PAGES = 1_000

    def showPage(self) -> None:  # noqa: N802 (reportlab API)
        state = dict(self.__dict__)
        state["_code"] = "\n".join(self._code)
        self._pages.append(state)
        if len(self._pages) > self.PLAIN_PAGES:
            older = self._pages[-self.PLAIN_PAGES - 1]
            older["_code"] = zlib.compress(str(older["_code"]).encode(), 1)
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for n, state in enumerate(self._pages):
            FOREGROUND.stand_aside()  # a long document's last pass has no progress to report
            self._pages[n] = {}  # each page's state goes once its page is written
            held = state.pop("_code")
            self.__dict__.update(state)
            text = held if isinstance(held, str) else zlib.decompress(held).decode()  # type: ignore[arg-type]
            self._code = [text]
            self.setFont(register_fonts(), 8)
            width = self._pagesize[0]
            self.drawRightString(
                width - 12 * mm, 8 * mm, f"第 {self._pageNumber} 页　共 {total} 页"
            )
            super().showPage()
        super().save()
