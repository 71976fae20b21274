"""Long ruled tables laid out page by page, in time that grows linearly with the rows.

A reportlab LongTable measures every remaining row again on every page, so 20,000 rows take
minutes; here each page gets a Table of at most `window` rows (the header repeated), the rows
are built only as they are needed and dropped once placed, and a progress callback — which may
raise Cancelled — hears where the layout is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Table, TableStyle

from app.progress import Cancelled
from app.progress import ProgressCallback as Progress
from app.reports.fonts import string_width
from app.reports.grid import Grid, plain_grid

# Re-exported for the report modules and ui/printing: the one definition is app/progress.py.
__all__ = ["Cancelled", "PagedTable", "Progress", "fitted", "grid_style"]


def grid_style(font: str, size: float = 8, header_rows: int = 1) -> list[tuple[Any, ...]]:
    """A ruled grid; the first `header_rows` rows shaded and centred."""
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, size, size + 2),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header_rows:
        last = header_rows - 1
        commands.append(("BACKGROUND", (0, 0), (-1, last), colors.Color(0.92, 0.92, 0.92)))
        commands.append(("ALIGN", (0, 0), (-1, last), "CENTER"))
    return commands


def fitted(text: str, style: ParagraphStyle, width: float) -> str:
    """The text as a plain cell for `width` (points, a cell's 6 + 6 points of padding included):
    one line when it fits, else broken into lines here (`lines`). A plain cell costs a fraction
    of a Paragraph to measure and draw — a year's register has a hundred thousand long titles —
    and is drawn in runs by glyph coverage all the same (SongCanvas)."""
    if "\n" not in text and string_width(text, style.fontSize, style.fontName) <= width - 12:
        return text
    return "\n".join(lines(text, width - 12, style.fontName, style.fontSize))


# Not at the start of a line (避头): closing punctuation stays with what comes before it; not at
# the end of one (避尾): an opening bracket goes down with what follows it.
NO_LINE_START = frozenset("，。、；：？！）」』】》〉〕”’,.;:?!)]}%")
NO_LINE_END = frozenset("（「『【《〈〔“‘([{")
# A run of Latin letters and digits (a 文号's year, a 份号 range, a time) is one word: kept on
# one line when it fits; anything else may break between any two characters, as Chinese is set.
_TOKENS = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-/:.%]*|.", re.S)


def lines(text: str, width: float, font: str, size: float) -> list[str]:
    """`text` broken into lines no wider than `width` points (see _TOKENS, NO_LINE_START,
    NO_LINE_END); a word wider than a whole line is broken where it must be."""

    def measure(part: str) -> float:
        return float(string_width(part, size, font))

    out: list[str] = []
    for paragraph in text.split("\n"):
        tokens: list[str] = []
        for token in _TOKENS.findall(paragraph):
            tokens += list(token) if len(token) > 1 and measure(token) > width else [token]
        line: list[str] = []
        used = 0.0  # widths add up: reportlab sets no kerning
        for token in tokens:
            advance = measure(token)
            if line and used + advance > width:
                if token.isspace():
                    out.append("".join(line))
                    line, used = [], 0.0
                    continue
                carried: list[str] = []
                if token in NO_LINE_START and len(line) > 1:
                    carried.append(line.pop())
                while len(line) > 1 and line[-1] in NO_LINE_END:
                    carried.insert(0, line.pop())
                out.append("".join(line).rstrip())
                line, used = carried, sum(measure(t) for t in carried)
            line.append(token)
            used += advance
        out.append("".join(line))
    return out


# Style commands that set each cell's own properties. Applying them cell by cell on every page's
# table cost more than drawing it, so they are worked out once on a two-row prototype and every
# page's table starts from those cell styles; the other commands (lines, shading) still apply.
CELL_OPS = frozenset(
    (
        "FONT",
        "FONTNAME",
        "FACE",
        "FONTSIZE",
        "SIZE",
        "LEADING",
        "TEXTCOLOR",
        "ALIGN",
        "ALIGNMENT",
        "VALIGN",
        "LEFTPADDING",
        "RIGHTPADDING",
        "TOPPADDING",
        "BOTTOMPADDING",
    )
)


def _cell_styles(
    header: list[Any], widths: list[float], style: list[tuple[Any, ...]]
) -> tuple[list[Any], list[Any]]:
    """The header row's and a body row's cell styles (commands must treat all body rows alike)."""
    prototype = Table([header, header], colWidths=widths)
    prototype.setStyle(TableStyle([c for c in style if c[0] in CELL_OPS]))
    return prototype._cellStyles[0], prototype._cellStyles[1]


@dataclass
class _Rows:
    """The records and how to turn one into table cells, shared by every page's piece."""

    records: Sequence[Any]
    make_row: Callable[[Any], list[Any]]
    progress: Progress | None
    built: dict[int, list[Any]] = field(default_factory=dict)
    cell_styles: tuple[list[Any], list[Any]] | None = None

    def row(self, index: int) -> list[Any]:
        if index not in self.built:
            self.built[index] = self.make_row(self.records[index])
        return self.built[index]

    def forget_before(self, index: int) -> None:
        for done in [i for i in self.built if i < index]:
            del self.built[done]


class PagedTable(Flowable):
    def __init__(
        self,
        header: list[Any],
        records: Sequence[Any],
        make_row: Callable[[Any], list[Any]],
        widths: Sequence[float],
        style: list[tuple[Any, ...]],
        progress: Progress | None = None,
        *,
        window: int = 60,
        _rows: _Rows | None = None,
        _start: int = 0,
    ) -> None:
        super().__init__()
        self.header = header
        self.widths = list(widths)
        self.style = style
        self.window = window
        self.rows = _rows or _Rows(records, make_row, progress)
        self.start = _start
        self._table: Table | Grid | None = None
        self._cached: tuple[tuple[float, int], tuple[Table | Grid, int, float]] | None = None

    def _build(self, end: int, heights: Sequence[float] | None = None) -> Table | Grid:
        """The table of rows start..end under the header; `heights` when they are already
        measured (the header's first), so that the table does not measure them again."""
        data = [self.header] + [self.rows.row(i) for i in range(self.start, end)]
        if self.rows.cell_styles is None:
            self.rows.cell_styles = _cell_styles(self.header, self.widths, self.style)
        head, body = self.rows.cell_styles
        styles = [list(head)] + [list(body) for _ in range(end - self.start)]
        lines = [c for c in self.style if c[0] not in CELL_OPS]
        if plain_grid(lines, header_rows=1):
            return Grid(data, self.widths, styles, lines, heights)
        table = Table(
            data,
            colWidths=self.widths,
            rowHeights=list(heights) if heights is not None else None,
            repeatRows=1,
            cellStyles=styles,
        )
        table.setStyle(TableStyle(lines))
        return table

    def _piece(self, avail_width: float, avail_height: float) -> tuple[Table | Grid, int, float]:
        """This page's table (built once per page and width) and where it ends."""
        key = (avail_width, self.window)
        if self._cached is not None and self._cached[0] == key:
            return self._cached[1]
        end = min(self.start + self.window, len(self.rows.records))
        table = self._build(end)
        _, height = table.wrap(avail_width, avail_height)
        self._cached = (key, (table, end, height))
        return table, end, height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        table, end, height = self._piece(avail_width, avail_height)
        if end < len(self.rows.records) or height > avail_height:
            return avail_width, avail_height + 1  # never fits whole: the frame asks to split
        self._table = table
        return table._width, height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        total = len(self.rows.records)
        if self.rows.progress is not None:
            self.rows.progress(self.start, total)
        table, end, height = self._piece(avail_width, avail_height)
        while height <= avail_height and end < total:  # room for more: never a half-empty page
            self.window += 20
            table, end, height = self._piece(avail_width, avail_height)
        if height <= avail_height:
            first, placed = table, end - self.start
        else:
            # As many rows as the measured heights allow: one new table, no Table.split (which
            # also builds the rest of the window only to throw it away).
            used, placed = table._rowHeights[0], 0
            for row_height in table._rowHeights[1:]:
                if used + row_height > avail_height:
                    break
                used += row_height
                placed += 1
            if placed == 0:
                return []
            first = self._build(self.start + placed, table._rowHeights[: placed + 1])

        rest = PagedTable(
            self.header,
            self.rows.records,
            self.rows.make_row,
            self.widths,
            self.style,
            window=placed + 8,  # the next page holds about as many rows as this one
            _rows=self.rows,
            _start=self.start + placed,
        )
        self.rows.forget_before(self.start + placed)
        if rest.start >= total:
            return [first]
        return [first, rest]

    def draw(self) -> None:
        if self._table is not None:
            self._table.drawOn(self.canv, 0, 0)
            if self.rows.progress is not None:
                self.rows.progress(len(self.rows.records), len(self.rows.records))
