"""The 借阅登记 (handover register): plain cells, one line where the text fits, broken into lines where not,
every character printing either way; one month or one reader of the year; the page numbers of
a long register."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from reportlab.lib.units import mm

from app import desk
from app.errors import InvalidInput
from app.reports import catalog, sheets
from app.reports.fonts import SONG, string_width
from app.reports.sheets import HANDOVER_HEADERS, Sheet
from app.reports.tables import NO_LINE_START
from app.reports.year_pdf import render_sheet, sheet_table
from tests.conftest import BEIJING
from tests.pdf_tools import fonts_of, text_of

WIDTHS = (26, 16, 24, 26, 52, 10, 26, 26, 22, 45)  # as app/reports/catalog.py prints it
WRAP = frozenset({2, 4, 8, 9})
PRINTED = datetime(2026, 12, 31, 18, 0)
LONG_TITLE = "关于进一步加强和改进新形势下机要保密工作若干问题的实施意见（征求意见稿）"


def row(name: str = "王芳", unit: str = "区委办", title: str = "关于做好保密工作的通知") -> tuple:
    return (
        "2026-11-20 09:12",
        name,
        unit,
        "2026-0001/000001",
        title,
        "秘密",
        "2026-11-20 17:30",
        "2026-11-20 15:10",
        "核对无误",
        "",
    )


def flat(pdf: Path) -> str:
    return re.sub(r"\s+", "", text_of(pdf))


def test_short_texts_are_plain_cells_and_long_ones_wrap() -> None:
    sheet = Sheet("借阅登记（2026年）", HANDOVER_HEADERS, [row(), row(title=LONG_TITLE)])
    table = sheet_table(sheet, WIDTHS, WRAP)
    short, long = (table.rows.make_row(r) for r in sheet.rows)  # type: ignore[attr-defined]
    assert short == [str(v) for v in row()]  # all plain: nothing to lay out
    assert long[2] == "区委办"
    # The long title is broken into lines that each fit its 52 mm (less the 12 points of padding),
    # every character kept, in order, and closing punctuation never starts a line.
    title_lines = long[4].split("\n")
    assert len(title_lines) > 1 and "".join(title_lines) == LONG_TITLE
    room = 52 * mm - 12
    assert all(string_width(line, 8, SONG) <= room for line in title_lines)
    assert string_width(title_lines[0] + title_lines[1][0], 8, SONG) > room  # filled, not short
    assert not any(line[0] in NO_LINE_START for line in title_lines)


def test_plain_cells_print_every_character(tmp_path: Path) -> None:
    # 𠮷 and 䶮 are not in the Song face: a plain cell must still draw them in a face that has
    # them, also when the whole cell is one such character.
    rows = [
        row(name="𠮷田", unit="䶮"),
        row(name="张𠮷", title=LONG_TITLE + "𡈽"),
    ]
    pdf = tmp_path / "handovers.pdf"
    pdf.write_bytes(
        render_sheet(
            Sheet("借阅登记（2026年）", HANDOVER_HEADERS, rows), "区委", PRINTED, WIDTHS, WRAP
        )
    )
    text = flat(pdf)
    for printed in ("𠮷田", "䶮", "张𠮷", "意见稿）𡈽", "核对无误"):
        assert printed in text, printed
    assert text.count("𠮷") == 2


def test_a_cell_of_one_rare_character_is_drawn_in_a_face_that_has_it(tmp_path: Path) -> None:
    pdf = tmp_path / "one.pdf"
    sheet = Sheet("借阅登记（2026年）", HANDOVER_HEADERS, [row(name="𠮷")])
    pdf.write_bytes(render_sheet(sheet, "区委", PRINTED, WIDTHS, WRAP))
    assert "𠮷" in flat(pdf)
    assert "HanaMin" in fonts_of(pdf)  # not the Song face, which would leave it blank


def test_a_long_register_numbers_its_pages(tmp_path: Path) -> None:
    rows = [row(title=f"关于做好第{i}项工作的通知") for i in range(1, 301)]
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(
        render_sheet(
            Sheet("借阅登记（2026年）", HANDOVER_HEADERS, rows), "区委", PRINTED, WIDTHS, WRAP
        )
    )
    text = flat(pdf)
    pages = int(re.findall(r"共(\d+)页", text)[0])
    assert pages > 5
    assert all(f"第{n}页共{pages}页" in text for n in range(1, pages + 1))
    assert "第1项" in text and "第300项" in text


@pytest.fixture
def two_months(counter, clock):  # noqa: F811
    """Wang borrows in November, Zhang in December 2026."""
    custodian, _, readers, docs = counter
    copies = docs["secret"].copies
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["wang"].id, [copies[0].id])
    desk.take_back(custodian, copies[0].id)
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["zhang"].id, [copies[1].id])
    return custodian, readers


def test_one_month_or_one_reader_of_the_year(two_months, tmp_path: Path) -> None:
    custodian, readers = two_months
    db = custodian.db
    assert [r[1] for r in sheets.handovers(db, 2026).rows] == ["王芳", "张建国"]
    assert [r[1] for r in sheets.handovers(db, 2026, month=11).rows] == ["王芳"]
    assert [r[1] for r in sheets.handovers(db, 2026, month=12).rows] == ["张建国"]
    assert sheets.handovers(db, 2026, month=10).rows == []
    by_reader = sheets.handovers(db, 2026, reader_id=readers["zhang"].id)
    assert [r[1] for r in by_reader.rows] == ["张建国"] and "张建国" in by_reader.title
    pdf = tmp_path / "december.pdf"
    pdf.write_bytes(catalog.render(custodian, "handovers", 2026, month=12))
    text = flat(pdf)
    assert "2026年12月" in text and "张建国" in text and "王芳" not in text
    with pytest.raises(InvalidInput, match="月份"):
        sheets.handovers(db, 2026, month=13)
    with pytest.raises(InvalidInput, match="只有借阅登记"):
        catalog.render(custodian, "register", 2026, month=12)


def test_chunked_rows_read_a_chunk_at_a_time_in_order() -> None:
    asked: list[list[int]] = []

    def fetch(ids: list[int]) -> list[tuple[object, ...]]:
        asked.append(ids)
        return [(i * 10,) for i in ids]

    rows = sheets.Chunked([5, 3, 9, 1, 7, 2, 8], fetch, size=3)
    assert len(rows) == 7
    assert [r[0] for r in rows] == [50, 30, 90, 10, 70, 20, 80]
    assert asked == [[5, 3, 9], [1, 7, 2], [8]]  # one read per chunk, in order
    assert rows[-1] == (80,) and rows[1:3] == [(30,), (90,)]
    with pytest.raises(IndexError):
        rows[7]
