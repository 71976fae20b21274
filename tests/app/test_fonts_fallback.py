"""Every character that can be typed prints: CJK Ext-A and Ext-B name characters in the real
收文登记簿, read back with pdftotext and looked at in a raster; and what no face has is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfbase.ttfonts import TTFontFile

from app import registry
from app.errors import InvalidInput
from app.output import deliver_file
from app.reports import fonts
from app.reports.catalog import output, render
from app.reports.cmap import code_points
from app.session import Session
from app.slip_print import print_slips
from app.text_rules import clean
from tests.app.test_registry import doc
from tests.pdf_tools import fonts_of, rasterise, text_of, word_boxes

# Name characters beyond what the Song face has: 𠮷 (吉 with 土, Ext-B), 𡈽, 𨚕, 𪚥, 𫖯 (Ext-C,
# as in 赵孟𫖯), 䶮 and 㐀 (Ext-A).
NAMES = "𠮷𡈽𨚕𪚥𫖯䶮㐀"


def character_set(size: int = 1000) -> str:
    """`size` distinct printable characters: the names above, then spread evenly over Ext-A,
    Ext-B and the common block."""
    printable = fonts.printable_code_points()
    chosen = list(dict.fromkeys(NAMES))

    def spread(first: int, last: int, count: int) -> None:
        pool = [c for c in range(first, last + 1) if c in printable and chr(c) not in chosen]
        step = len(pool) / count
        chosen.extend(chr(pool[int(i * step)]) for i in range(count))

    spread(0x3400, 0x4DBF, 300)  # Ext-A
    spread(0x20000, 0x2A6DF, 300)  # Ext-B
    spread(0x4E00, 0x9FA5, size - len(chosen))  # the common block
    assert len(set(chosen)) == size
    return "".join(chosen)


def test_the_fallback_faces_are_found_and_widen_what_prints() -> None:
    assert fonts.faces() == ["MJSong", "MJHanaMinA", "MJHanaMinB"]
    printable = fonts.printable_code_points()
    assert all(ord(c) in printable for c in NAMES)
    assert fonts.runs("张𠮷田") == [("MJSong", "张"), ("MJHanaMinA", "𠮷"), ("MJSong", "田")]
    assert fonts.markup("𠮷<&") == '<font face="MJHanaMinA">𠮷</font>&lt;&amp;'


def test_a_thousand_characters_print_in_the_register_and_read_back(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    chars = character_set()
    custodian = login("jiyao")
    for i in range(5):
        registry.register(
            custodian,
            doc(title=chars[i * 200 : (i + 1) * 200], doc_number=f"测〔2026〕{i + 1}号"),
        )
    registry.register(custodian, doc(remarks="𠮷", doc_number="测〔2026〕9号"))
    pdf = tmp_path / "register.pdf"
    report = output(custodian, "register", 2026)
    deliver_file(pdf, report.pdf, report.delivered, replace=False)

    text = text_of(pdf)
    found = [c for c in chars if c in text]
    assert len(found) == len(chars), [c for c in chars if c not in text][:20]
    assert "\u20bb" not in text  # U+20BB7 misread as U+20BB by a 16-bit ToUnicode entry
    embedded = fonts_of(pdf)
    assert "HanaMinA" in embedded and "HanaMinB" in embedded and "UMing" in embedded

    # Ink in the box pdftotext gives for the lone 𠮷 in 备注: the glyph is drawn, not blank.
    page, _, x0, y0, x1, y1 = next(box for box in word_boxes(pdf) if box[1] == "𠮷")
    dpi = 200
    image = Image.open(rasterise(pdf, dpi=dpi)[page - 1]).convert("L")
    scale = dpi / 72
    glyph = image.crop((int(x0 * scale), int(y0 * scale), int(x1 * scale), int(y1 * scale)))
    dark = sum(glyph.histogram()[:128])
    assert dark > 0.08 * glyph.width * glyph.height, (dark, glyph.size)


def test_canvas_drawn_text_splits_too(login: Callable[..., Session], tmp_path: Path) -> None:
    # The 处理笺 draws 来文单位 and 标题 in table cells and its header on the canvas.
    custodian = login("jiyao")
    result = registry.register(
        custodian, doc(issuer="𠮷田市委办公室", title="关于𡈽䶮同志的通知", copy_numbers="7")
    )
    pdf = tmp_path / "slip.pdf"
    out = print_slips(custodian, result.document.id)
    deliver_file(pdf, out.pdf, out.delivered, replace=False)
    text = text_of(pdf)
    assert "𠮷田市委办公室" in text and "关于𡈽䶮同志的通知" in text


def test_a_character_no_face_has_is_refused_at_input() -> None:
    assert clean("reader_name", "张𠮷") == "张𠮷"
    missing = next(c for c in range(0xE000, 0xF8FF) if c not in fonts.printable_code_points())
    with pytest.raises(InvalidInput, match="本机打印字库中没有"):
        clean("reader_name", "张" + chr(missing))


def test_the_cmap_reader_agrees_with_reportlab() -> None:
    # What input accepts (read from the cmap alone) is what reportlab will draw.
    for face in fonts.FACES:
        path = fonts.find_font(face.file, face.system_dir)
        assert path is not None
        ours = code_points(path, face.subfont)
        theirs = frozenset(TTFontFile(str(path), subfontIndex=face.subfont).charToGlyph)
        assert ours is not None and ours <= theirs
        assert theirs - ours <= {0, 0xA0}  # mapped to glyph 0, which draws nothing


@pytest.mark.parametrize("kind", ["register", "recall"])
def test_other_reports_print_name_characters_too(
    kind: str, login: Callable[..., Session], tmp_path: Path
) -> None:
    custodian = login("jiyao")
    registry.register(custodian, doc(title="关于𡈽䶮同志的通知", issuer="𠮷田市委办公室"))
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(render(custodian, kind, 2026))
    text = "".join(text_of(pdf).split())
    assert "关于𡈽䶮同志的通知" in text


def test_no_report_escapes_text_past_the_runs() -> None:
    # A Paragraph fed xml escape() draws every character in the Song face: blank beyond it.
    # Every report goes through fonts.markup (and canvas strings through SongCanvas).
    reports = Path(fonts.__file__).parent
    offenders = [
        p.name
        for p in reports.glob("*.py")
        if p.name != "fonts.py" and "saxutils" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
