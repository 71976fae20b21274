"""The grid drawn straight onto the page puts every word where reportlab's own Table puts it:
the same header, one-line, wrapped, centred and rare-character cells, compared word by word
in the PDF a reader opens."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm

from app.reports import tables
from app.reports.document import build_pdf
from app.reports.fonts import register_fonts
from app.reports.tables import PagedTable, grid_style
from tests.pdf_tools import word_boxes

WIDTHS = [30 * mm, 20 * mm, 45 * mm, 25 * mm]
HEADER = ["借出时间", "借阅人", "文件名称", "密级"]
ROWS = [
    ("2026-11-20 09:12", "王芳", "关于做好保密工作的通知", "秘密"),
    (
        "2026-11-20 09:30",
        "张𠮷",
        "关于进一步加强和改进新形势下机要保密工作若干问题的实施意见",
        "机密",
    ),
    ("2026-11-20 10:05", "䶮", "", "绝密"),
] * 30


def _pdf(path: Path, style: list) -> list[tuple[int, str, float, float, float, float]]:
    font = register_fonts()
    from reportlab.lib.styles import ParagraphStyle

    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)

    def make_row(row: tuple[str, ...]) -> list[str]:
        return [tables.fitted(v, cell, w) for v, w in zip(row, WIDTHS, strict=True)]

    table = PagedTable(HEADER, ROWS, make_row, WIDTHS, style)
    path.write_bytes(build_pdf([table], "grid", "区委"))
    return word_boxes(path)


def test_the_grid_places_every_word_where_a_reportlab_table_does(tmp_path: Path) -> None:
    font = register_fonts()
    plain = grid_style(font, 8) + [("ALIGN", (3, 1), (3, -1), "CENTER")]
    assert tables.plain_grid([c for c in plain if c[0] not in tables.CELL_OPS], 1)
    # A thin red line under the header is not a plain grid: that page stays a reportlab Table.
    table_style = plain + [("LINEBELOW", (0, 0), (-1, 0), 0.1, colors.red)]
    assert not tables.plain_grid([c for c in table_style if c[0] not in tables.CELL_OPS], 1)

    ours = _pdf(tmp_path / "grid.pdf", plain)
    theirs = _pdf(tmp_path / "table.pdf", table_style)
    assert len(ours) == len(theirs) > 100
    for mine, reference in zip(ours, theirs, strict=True):
        assert mine[:2] == reference[:2]  # the same page, the same word, in the same order
        assert all(abs(a - b) < 0.6 for a, b in zip(mine[2:], reference[2:], strict=True)), (
            mine,
            reference,
        )


def test_lines_keep_numbers_whole_and_punctuation_where_chinese_puts_it() -> None:
    font = register_fonts()

    def broken(text: str, width_mm: float) -> list[str]:
        found = tables.lines(text, width_mm * mm - 12, font, 9)
        assert "".join(found).replace(" ", "") == text.replace(" ", "")  # nothing lost
        return found

    # A 文号: the opening bracket goes down with the year, never ends a line.
    assert broken("省委办发〔2026〕12号", 26) == ["省委办发", "〔2026〕12号"]
    # 份号 ranges stay whole; the 、 stays at the end of the line before.
    assert broken("000001-000005、000007", 30) == ["000001-000005、", "000007"]
    # A time and a word: the break falls at the space.
    assert broken("2026-03-01 签收", 22) == ["2026-03-01", "签收"]
    # A run of digits wider than the whole cell is broken where it must be.
    long_number = "1234567890" * 4
    assert all(len(line) < len(long_number) for line in broken(long_number, 22))
