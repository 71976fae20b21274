"""复制审批登记: copies made on the 保密员's approval, numbered after their source (000031-复1),
each with its own slip and QR code, lent, stocktaken, recalled and destroyed like an original."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlcipher3

from app import (
    audit,
    copying,
    desk,
    destruction,
    documents,
    recall,
    reconcile,
    scanning,
    slip_print,
    slips,
    stocktake,
)
from app.errors import InvalidInput, PermissionDenied, WrongPassword
from app.model import Credential
from app.numbers import format_copy_ranges
from app.reports import catalog
from tests.conftest import PASSWORD
from tests.pdf_tools import rasterise, text_of

OFFICER = Credential("baomi", PASSWORD)


def test_copies_are_approved_numbered_and_tracked(counter, tmp_path: Path, login) -> None:
    custodian, officer, readers, docs = counter
    db = custodian.db
    source = docs["secret"].copies[0].id
    doc_id = docs["secret"].document.id
    with pytest.raises(InvalidInput, match="理由"):
        copying.approve(custodian, source, 2, " ", OFFICER)
    with pytest.raises(InvalidInput, match="1 到 20"):
        copying.approve(custodian, source, 0, "会议传达需要", OFFICER)
    with pytest.raises(PermissionDenied):
        copying.approve(custodian, source, 2, "会议传达需要", Credential("jiyao", PASSWORD))
    with pytest.raises(WrongPassword):
        copying.approve(custodian, source, 2, "会议传达需要", Credential("baomi", "typo"))
    with pytest.raises(PermissionDenied):
        copying.approve(officer, source, 2, "会议传达需要", OFFICER)
    with pytest.raises(InvalidInput, match="非密件"):
        copying.approve(custodian, docs["plain"].copies[0].id, 1, "参阅", OFFICER)
    assert not db.scalar("SELECT count(*) FROM copy_approval")

    first = copying.approve(custodian, source, 2, "常委会传达学习需要", OFFICER)
    assert first.copy_nos == ("000001-复1", "000001-复2") and first.number == "2026-1"
    assert first.approved_by == "baomi" and first.source == "2026-0001 第000001份"
    again = copying.approve(custodian, source, 1, "专题会议需要", OFFICER)
    assert again.copy_nos == ("000001-复3",) and again.number == "2026-2"
    made = first.copy_ids[0]
    assert scanning.copy_ref(db, made).state == "在柜"
    assert documents.copy_history(db, made)[0].kind == "复制登记"
    event = audit.page(db, None, 1)[0]
    assert (event.action, event.object) == ("复制审批", "copy:2026-0001 第000001份")
    with pytest.raises(InvalidInput, match="本身是复制件"):
        copying.approve(custodian, made, 1, "再复制", OFFICER)
    nos = [c.copy_no for c in documents.copies_of(db, doc_id)]
    assert format_copy_ranges(nos) == "000001-000003, 000001-复1, 000001-复2, 000001-复3"

    # Typed or scanned like any copy.
    assert scanning.resolve(db, "2026-0001/000001-F1").copy.copy_id == made
    assert scanning.resolve(db, "2026-0001/1-复2").copy.copy_id == first.copy_ids[1]
    with pytest.raises(InvalidInput, match="没有 2026-0001 第000001-复9份"):
        scanning.resolve(db, "2026-0001/1-F9")
    # Its own slip, its own QR code.
    slip = tmp_path / "slip.pdf"
    slip.write_bytes(slip_print.print_slips(custodian, doc_id, [made]).pdf)
    assert "000001-复1" in text_of(slip) and rasterise(slip)
    payload = slips.issue(custodian, [made], slips.LABEL)[0].payload
    assert scanning.resolve(db, payload).copy.copy_id == made

    # Lent and back; found by a stocktake; recalled; destroyed.
    desk.checkout(custodian, readers["zhang"].id, [made])
    with pytest.raises(InvalidInput, match="借出"):
        copying.approve(custodian, made, 1, "x复制", OFFICER)
    desk.take_back(custodian, made)
    taken = stocktake.start(custodian, None, "baomi")
    assert stocktake.scan(custodian, taken.id, payload).ok
    done = stocktake.finish(custodian, taken.id, PASSWORD)
    assert done.stocktake.expected >= 3 + 4  # the three copies made count as expected
    recall.open_campaign(custodian, 2026)
    in_recall = {r.copy_id for r in recall.rows(db, 2026)}
    assert set(first.copy_ids) | set(again.copy_ids) <= in_recall
    recall.record_return(custodian, 2026, [again.copy_ids[0]], date(2026, 11, 20), "市委办", "R-9")
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, list(first.copy_ids))
    destruction.approve(custodian, batch.id, OFFICER)
    destruction.seal(custodian, batch.id, (OFFICER, Credential("zhuren", PASSWORD)))
    assert {scanning.copy_ref(db, c).state for c in first.copy_ids} == {"已销毁"}
    assert reconcile.problems(db) == []

    # The database allows no copy without an approval, nor more than approved.
    with pytest.raises(sqlcipher3.IntegrityError, match="under an approval"), db.transaction():
        db.execute(
            "INSERT INTO copy (document_id, copy_no, pages, derived_from) VALUES (?, ?, 1, ?)",
            (doc_id, "000002-复1", docs["secret"].copies[1].id),
        )
    with pytest.raises(sqlcipher3.IntegrityError, match="under an approval"), db.transaction():
        db.execute(
            "INSERT INTO copy (document_id, copy_no, pages, derived_from, approval_id)"
            " VALUES (?, '000001-复4', 1, ?, ?)",
            (doc_id, source, again.id),
        )
    with pytest.raises(sqlcipher3.IntegrityError, match="final"), db.transaction():
        db.execute("UPDATE copy SET copy_no = '000009' WHERE id = ?", (again.copy_ids[0],))

    # The 复制审批登记, printed and read back.
    sheet = tmp_path / "copying.pdf"
    sheet.write_bytes(catalog.render(custodian, "copying", 2026))
    text = text_of(sheet)
    assert "复制审批登记" in text and "常委会传达学习需要" in text and "000001-复3" in text
    with pytest.raises(PermissionDenied):
        copying.register_of(login("shenji"), 2026)
