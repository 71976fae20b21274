"""A 发文's paper in its own words: its 处理笺 is a 发文处理笺 naming its 发文登记号, its labels
go only on the copies the room still holds, and a 发文 an earlier version registered under a
收文编号 keeps that number, counts as a 发文, and is named under the printed 收文登记簿."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from app import audit, documents, outgoing, register_query, registry, scanning, slip_print
from app.audit_words import group_of
from app.errors import InvalidInput
from app.outgoing_print import read_reply
from app.output import PRINTER
from app.register_query import RegisterFilter
from app.reports import catalog
from app.reports.selfcheck_stats import figures
from app.reports.sheets import register as register_sheet
from tests.app.test_outgoing import _kinds, _paper, office  # noqa: F401
from tests.app.test_registry import doc
from tests.pdf_tools import rasterise, text_of


def _pdf(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_fawen_copy_has_a_fawen_slip(office: Any, tmp_path: Path) -> None:  # noqa: F811
    custodian, _, _, units = office
    db = custodian.db
    out = outgoing.register(custodian, _paper(units, printed=3))
    copies = documents.copies_of(db, out.document_id)
    output = slip_print.print_slips(custodian, out.document_id, [copies[2].id])
    pdf = _pdf(tmp_path, "slip.pdf", output.pdf)
    text = text_of(pdf)
    for expected in (
        "发文处理笺",
        "发文登记号 F2026-0001",
        "发文机关",
        "发文字号",
        "签发日期",
        "登记日期",
    ):
        assert expected in text, expected
    for received_word in ("收文编号", "来文单位", "收文日期", "收文处理笺", "成文日期"):
        assert received_word not in text, received_word
    (found,) = zxingcpp.read_barcodes(Image.open(rasterise(pdf, dpi=150)[0]))
    output.delivered(PRINTER)
    assert _kinds(db, 1) == ["打印发文处理笺"] and group_of("打印发文处理笺") == "借阅归还"
    copy = scanning.resolve(db, found.text).copy
    assert copy is not None and (copy.number, copy.copy_no) == ("F2026-0001", "000003")
    # Scanned in the 发文 page's 回执 field by mistake, it says what it is (walk-through: it
    # read as a forged 回执), and records no refused scan: it is the room's own paper.
    before = audit.count(db)
    for text, said in (
        (found.text, "这是处理笺或标签的二维码，不是回执"),
        ("F2026-0001/3", "这是 F2026-0001 第000003份 的编号，不是回执"),
        ("MJF1-AAAAAAAAAAAAAAAA", "这是分发签收单的二维码，不是回执"),
    ):
        with pytest.raises(
            InvalidInput, match=f"^{said}：请扫描文件分发单所附“回执”页上的二维码。$"
        ):
            read_reply(custodian, text)
    assert audit.count(db) == before
    with pytest.raises(InvalidInput, match="无法验证"):
        read_reply(custodian, "MJH1-AAAAAAAAAAAAAAAA")


def test_labels_go_on_the_copies_the_room_holds(office: Any, tmp_path: Path) -> None:  # noqa: F811
    custodian, _, _, units = office
    out = outgoing.register(custodian, _paper(units))  # 000001-000003 go out, 000004-5 stay
    outgoing.send(custodian, out.id)
    text = text_of(
        _pdf(tmp_path, "labels.pdf", slip_print.print_labels(custodian, out.document_id).pdf)
    )
    assert "000004" in text and "000005" in text
    assert not any(f"00000{n}" in text for n in (1, 2, 3))
    # So do the 处理笺: a copy out keeps the slip it left with (a new one would void it).
    slips_pdf = _pdf(tmp_path, "slips.pdf", slip_print.print_slips(custodian, out.document_id).pdf)
    assert len(rasterise(slips_pdf, dpi=20)) == 2  # 000004 and 000005
    first = documents.copies_of(custodian.db, out.document_id)[0]
    with pytest.raises(
        InvalidInput, match=r"^F2026-0001 第000001份 不在本室（分发在外），不打印处理笺。$"
    ):
        slip_print.print_slips(custodian, out.document_id, [first.id])
    every = outgoing.register(custodian, _paper(units, printed=3, code="区委发"))
    outgoing.send(custodian, every.id)
    with pytest.raises(InvalidInput, match=r"^F2026-0002 不在本室（分发在外），不打印标签。$"):
        slip_print.print_labels(custodian, every.document_id)


def test_a_fawen_under_an_earlier_shouwen_number_stays_a_fawen(
    office: Any,  # noqa: F811
    login: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Before the F series, a 发文's copies took the next 收文编号. Those numbers are printed on
    slips, labels and receipts, so they stay; what the 发文 is comes from the 发文登记簿."""
    custodian, officer, _, units = office
    db = custodian.db
    as_before = registry.register_checked

    def earlier_version(*args: Any, **kwargs: Any) -> Any:
        kwargs["outgoing"] = False  # how the earlier version numbered a 发文's copies
        return as_before(*args, **kwargs)

    monkeypatch.setattr(registry, "register_checked", earlier_version)
    old = outgoing.register(custodian, _paper(units))
    monkeypatch.undo()
    assert old.registration == "2026-0005"  # after the counter's four 收文
    assert documents.get_document(db, old.document_id).outgoing
    received = registry.register(custodian, doc(doc_number="市〔2026〕88号", copy_numbers="1"))
    assert received.document.number == "2026-0006" and not received.document.outgoing
    counts = {
        series: register_query.count(db, RegisterFilter(year=2026, series=series))
        for series in ("收文", "发文", None)
    }
    assert counts == {"收文": 5, "发文": 1, None: 6}
    book = text_of(_pdf(tmp_path, "book.pdf", catalog.render(custodian, "register", 2026)))
    assert "关于做好年底安全生产工作的通知" not in book
    assert "收文编号 2026-0005 是启用发文登记号（F 编号）之前登记的本机关发文" in book.replace(
        "\n", ""
    )
    sheet = register_sheet(db, 2026)
    assert str(sheet.rows[-1][0]).startswith("注：收文编号 2026-0005 是")
    lines = {(line.item, line.unit): line for line in figures(officer, 2026).lines}
    assert lines[("收文", "件")].year == 5
    copy = documents.copies_of(db, old.document_id)[0]
    slip = text_of(
        _pdf(
            tmp_path, "slip.pdf", slip_print.print_slips(custodian, old.document_id, [copy.id]).pdf
        )
    )
    assert "发文处理笺" in slip and "发文登记号 2026-0005" in slip
