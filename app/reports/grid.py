"""One page's piece of a ruled table, measured and drawn straight onto the canvas.

reportlab's Table normalises every cell, looks up its style and draws it through a general
path that handles spans, images, nested tables and links; a long register needs none of
that, and its draw cost most of a year's 借阅登记. `Grid` takes the cell styles reportlab
worked out for a prototype row (so fonts, padding and alignment mean what they mean in a
Table) and does the rest itself: the row heights, the shaded header, the lines in one path
and each cell's text in the same place a Table puts it. `plain_grid` says whether a style is
one it draws the same; anything else (a SPAN, a coloured line) stays a reportlab Table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str
from reportlab.platypus import Flowable

from app.reports.fonts import string_width

# The non-cell commands Grid draws itself, each as grid_style writes it.
_PLAIN = frozenset({"GRID", "BOX", "BACKGROUND"})


def plain_grid(commands: Sequence[tuple[Any, ...]], header_rows: int) -> bool:
    """Whether `commands` (the style's non-cell commands) are lines over the whole table and a
    background over the header rows alone, black lines: what Grid draws."""
    for command in commands:
        op, start, stop = command[0], command[1], command[2]
        if op not in _PLAIN:
            return False
        if op == "BACKGROUND":
            if tuple(start) != (0, 0) or tuple(stop) != (-1, header_rows - 1):
                return False
        elif tuple(start) != (0, 0) or tuple(stop) != (-1, -1) or command[4] != colors.black:
            return False
    return True


class Grid(Flowable):
    """`rows` (header rows first) in columns of `widths`, each row's cells styled by `styles`
    (one list of reportlab CellStyles per row); lines and shading from `commands`."""

    def __init__(
        self,
        rows: list[list[Any]],
        widths: list[float],
        styles: list[list[Any]],
        commands: Sequence[tuple[Any, ...]],
        heights: Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        self.hAlign = "CENTER"  # as a reportlab Table stands in its frame
        self.rows, self.widths, self.styles, self.commands = rows, widths, styles, commands
        self._width = sum(widths)
        self._rowHeights = list(heights) if heights is not None else self._measure()
        self._height = sum(self._rowHeights)

    def _measure(self) -> list[float]:
        heights = []
        # A row of one-line texts (most of a register) is as tall as its styles say: worked
        # out once per row of cell styles.
        one_line: dict[tuple[int, ...], float] = {}
        for cells, styles in zip(self.rows, self.styles, strict=True):
            if cells and all(type(v) is str and "\n" not in v for v in cells):
                shape = tuple(map(id, styles))
                tallest = one_line.get(shape, -1.0)
                if tallest < 0:
                    tallest = one_line[shape] = max(
                        (s.leading or 1.2 * s.fontsize) + s.topPadding + s.bottomPadding
                        for s in styles
                    )
                heights.append(tallest)
                continue
            tallest = 0.0
            for value, style, width in zip(cells, styles, self.widths, strict=True):
                if type(value) is str:  # the common case first: a plain one-line cell
                    high = (style.leading or 1.2 * style.fontsize) * (value.count("\n") + 1)
                elif isinstance(value, Flowable):
                    inner = width - style.leftPadding - style.rightPadding
                    high = value.wrap(inner, 72000)[1]
                else:
                    high = (style.leading or 1.2 * style.fontsize) * (str(value).count("\n") + 1)
                high += style.topPadding + style.bottomPadding
                if high > tallest:
                    tallest = high
            heights.append(tallest)
        return heights

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self._width, self._height

    def draw(self) -> None:
        canvas = self.canv
        lefts = [0.0]
        for width in self.widths:
            lefts.append(lefts[-1] + width)
        tops = [self._height]
        for height in self._rowHeights:
            tops.append(tops[-1] - height)
        for command in self.commands:
            if command[0] == "BACKGROUND":
                last = command[2][1]
                canvas.saveState()
                canvas.setFillColor(command[3])
                canvas.rect(0, tops[last + 1], self._width, self._height - tops[last + 1], 0, 1)
                canvas.restoreState()
        canvas.setFillColor(colors.black)
        # One line of plain text (most cells): its operators written straight into the page, a
        # row at a time (the SongCanvas remembers each text's operators); anything else goes
        # through _cell, the way reportlab's Table draws it.
        operators = getattr(canvas, "cell_operators", None)
        current: Any = None
        known: dict[str, str] = {}
        # Per row of cell styles (the body's rows share theirs): each column's face and place,
        # worked out once rather than for each of a register's million cells.
        plans: dict[tuple[int, ...], list[tuple[Any, tuple[str, float, float], _Place | None]]]
        plans = {}
        for cells, styles, top, bottom in zip(self.rows, self.styles, tops, tops[1:], strict=False):
            height = top - bottom
            line: list[str] = []
            ys: dict[tuple[float, float, float, float], str] = {}
            shape = tuple(map(id, styles))
            plan = plans.get(shape)
            if plan is None:
                plan = plans[shape] = [
                    (
                        style,
                        (style.fontname, style.fontsize, style.leading),
                        _Place.of(style, lefts[column], self.widths[column]),
                    )
                    for column, style in enumerate(styles)
                ]
            for column, (value, (style, font, place)) in enumerate(zip(cells, plan, strict=True)):
                if font != current:
                    if line:
                        canvas._code.append(" ".join(line))
                        line = []
                    canvas.setFont(*font)
                    current = font
                    known = canvas.shown_now() if operators is not None else {}
                if operators is not None and place is not None and type(value) is str:
                    if not value:
                        continue
                    shown = known.get(value)  # the texts seen before: most of a register's
                    if shown is None and "\n" not in value:
                        shown = operators(value)
                    if shown is not None:
                        y = ys.get(place.rise)
                        if y is None:
                            y = ys[place.rise] = place.baseline(bottom, height)
                        x = place.x(value) if place.centred else place.left
                        line.append(f"BT 1 0 0 1 {x} {y} Tm {shown} T* ET")
                        continue
                if line:
                    canvas._code.append(" ".join(line))
                    line = []
                self._cell(value, style, lefts[column], self.widths[column], bottom, height)
            if line:
                canvas._code.append(" ".join(line))
        self._lines(lefts, tops)

    def _cell(
        self, value: Any, style: Any, x: float, width: float, y: float, height: float
    ) -> None:
        """The text where reportlab's Table._drawCell puts it (the same formulas)."""
        canvas, just, valign = self.canv, style.alignment, style.valign
        if isinstance(value, Flowable):
            inner = width - style.leftPadding - style.rightPadding
            w, h = value.wrap(inner, 72000)
            if valign == "TOP":
                top = y + height - style.topPadding
            elif valign == "BOTTOM":
                top = y + style.bottomPadding + h
            else:
                top = y + (height + style.bottomPadding - style.topPadding + h) / 2.0
            if just in ("CENTRE", "CENTER"):
                left = x + (width + style.leftPadding - style.rightPadding - w) / 2.0
            elif just == "RIGHT":
                left = x + width - style.rightPadding - w
            else:
                left = x + style.leftPadding
            value.drawOn(canvas, left, top - h)
            return
        lines = str(value).split("\n")
        leading, size = style.leading, style.fontsize
        if valign == "BOTTOM":
            base = y + style.bottomPadding + len(lines) * leading - size
        elif valign == "TOP":
            base = y + height - style.topPadding - size
        else:
            base = y + (style.bottomPadding + height - style.topPadding + len(lines) * leading) / 2
            base -= size
        if just in ("CENTRE", "CENTER"):
            draw, at = (
                canvas.drawCentredString,
                x + (width + style.leftPadding - style.rightPadding) / 2,
            )
        elif just == "RIGHT":
            draw, at = canvas.drawRightString, x + width - style.rightPadding
        else:
            draw, at = canvas.drawString, x + style.leftPadding
            operators = getattr(canvas, "cell_operators", None)
            shown = [operators(line) for line in lines] if operators is not None else [None]
            if len(lines) > 1 and None not in shown:
                # One text object for the cell, as a Paragraph writes it: its lines are read as
                # one block (pdftotext, a screen reader), not among the row's other cells.
                canvas._code.append(
                    f"BT 1 0 0 1 {fp_str(at, base)} Tm {' T* '.join(shown)} T* ET"  # type: ignore[arg-type]
                )
                return
        for line in lines:
            if line:
                draw(at, base, line)
            base -= leading

    def _lines(self, lefts: list[float], tops: list[float]) -> None:
        """GRID's inner lines and each BOX, in one path per width."""
        canvas = self.canv
        for command in self.commands:
            if command[0] == "BACKGROUND":
                continue
            canvas.setStrokeColor(command[4])
            canvas.setLineWidth(command[3])
            if command[0] == "GRID":
                segments = [(0.0, y, self._width, y) for y in tops[1:-1]]
                segments += [(x, 0.0, x, self._height) for x in lefts[1:-1]]
                canvas.lines(segments)
            canvas.rect(0, 0, self._width, self._height, 1, 0)


class _Place:
    """Where one column's one-line text goes, for a cell style Grid writes straight onto the
    page: vertically in the middle, at the left or centred (reportlab's Table's formulas)."""

    def __init__(self, style: Any, left: float, width: float) -> None:
        self.style = style
        self.rise = (style.bottomPadding, style.topPadding, style.leading, style.fontsize)
        self.centred = style.alignment in ("CENTRE", "CENTER")
        if self.centred:
            self.centre = left + (width + style.leftPadding - style.rightPadding) / 2
        else:
            self.left: str = fp_str(left + style.leftPadding)

    @classmethod
    def of(cls, style: Any, left: float, width: float) -> _Place | None:
        if style.valign != "MIDDLE" or style.alignment not in ("LEFT", "CENTRE", "CENTER"):
            return None
        return cls(style, left, width)

    def baseline(self, bottom: float, height: float) -> str:
        s = self.style
        return str(
            fp_str(bottom + (s.bottomPadding + height - s.topPadding + s.leading) / 2 - s.fontsize)
        )

    def x(self, text: str) -> str:
        if not self.centred:
            return self.left
        s = self.style
        return str(fp_str(self.centre - string_width(text, s.fontsize, s.fontname) / 2))
