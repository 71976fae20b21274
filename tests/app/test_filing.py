"""归档/立卷 at year end: what the room still holds is filed with its 卷号, 保管期限 and 归卷日期,
never handed out again; the 归档移交清单 and the 收文登记簿 read back from real PDFs; the year's
去向核查 names every copy that has reached no end."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import sqlcipher3

from app import (
    audit,
    day_close,
    declassify,
    desk,
    documents,
    filing,
    instructions,
    reconcile,
    registry,
)
from app.errors import InvalidInput, PermissionDenied
from app.model import Credential
from app.reports import catalog, sheets
from tests.app.test_registry import doc
from tests.conftest import BEIJING, PASSWORD
from tests.pdf_tools import rasterise, text_of

OFFICER = Credential("baomi", PASSWORD)


@pytest.fixture
def year_end(counter, clock):
    """Two 区本级 documents of 2026 besides the counter's (which are 市, in the recall)."""
    custodian, officer, readers, docs = counter
    kept = registry.register(
        custodian,
        doc(
            source="区本级",
            issuer="区委办公室",
            doc_number="区委办发〔2026〕8号",
            copy_numbers="1-2",
            title="区委常委会议纪要",
        ),
    ).document
    other = registry.register(
        custodian,
        doc(
            source="区本级",
            issuer="区政府办公室",
            doc_number="区政办发〔2026〕3号",
            copy_numbers="5",
            title="关于加强档案管理的意见",
            level="秘密",
        ),
    ).document
    return custodian, officer, readers, docs, kept, other


def _ids(db, document_id: int) -> list[int]:
    return [c.id for c in documents.copies_of(db, document_id)]


def test_filing_at_year_end(year_end, clock, tmp_path: Path, login) -> None:
    custodian, officer, readers, docs, kept, other = year_end
    db = custodian.db
    first, second = _ids(db, kept.id)
    instructions.add(custodian, kept.id, "张建国", "请区委办阅处", unit="区委办公室")
    desk.checkout(custodian, readers["zhang"].id, [first])
    with pytest.raises(InvalidInput, match="年终"):
        filing.file_documents(custodian, [other.id], "2026-永久-1", "永久", date(2026, 11, 20))

    clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=BEIJING))
    rows = {c.number: c for c in filing.candidates(custodian, 2026)}
    assert "借出" in (rows[kept.number].blocker or "")
    assert "清退" in (rows[docs["secret"].document.number].blocker or "")
    with pytest.raises(InvalidInput, match="不能归档：尚有 1 份借出"):
        filing.file_documents(
            custodian, [other.id, kept.id], "2026-永久-1", "永久", date(2026, 12, 21)
        )
    assert not db.scalar("SELECT count(*) FROM filing")  # all or none
    desk.take_back(custodian, first)
    assert "批示" in (filing.candidates(custodian, 2026)[-2].blocker or "")
    item = instructions.of_document(db, kept.id)[0]
    instructions.finish(custodian, item.id, "已按要求落实")
    with pytest.raises(InvalidInput, match="卷号"):
        filing.file_documents(custodian, [kept.id], " ", "永久", date(2026, 12, 21))
    with pytest.raises(InvalidInput, match="保管期限"):
        filing.file_documents(custodian, [kept.id], "2026-1", "五年", date(2026, 12, 21))
    with pytest.raises(PermissionDenied):
        filing.file_documents(officer, [kept.id], "2026-1", "永久", date(2026, 12, 21))

    n = filing.file_documents(
        custodian, [kept.id, other.id], "2026-永久-1", "永久", date(2026, 12, 21)
    )
    assert n == 3
    assert {documents.copies_of(db, kept.id)[i].state for i in (0, 1)} == {"已归档"}
    assert documents.copy_history(db, first)[-1].kind == "归档"
    event = audit.page(db, None, 1)[0]
    assert (event.action, event.object) == ("归档", f"document:{other.number}")
    assert event.details["volume"] == "2026-永久-1"
    assert reconcile.problems(db) == []
    # A filed copy never comes back to the counter.
    with pytest.raises(InvalidInput):
        desk.checkout(custodian, readers["zhang"].id, [second])
    with pytest.raises(sqlcipher3.IntegrityError, match="never handed out"), db.transaction():
        db.execute(
            "INSERT INTO handover (copy_id, reader_id, out_at, due_at, out_by)"
            " VALUES (?, ?, 'x', 'x', 'jiyao')",
            (second, readers["zhang"].id),
        )
    with pytest.raises(sqlcipher3.IntegrityError, match="filed copy is final"), db.transaction():
        db.execute("UPDATE copy SET state = '在柜' WHERE id = ?", (second,))
    with pytest.raises(sqlcipher3.IntegrityError, match="only with its document"), db.transaction():
        db.execute(
            "UPDATE copy SET state = '已归档' WHERE id = ?",
            (_ids(db, docs["plain"].document.id)[0],),
        )
    with pytest.raises(InvalidInput, match="已归档"):
        filing.file_documents(custodian, [kept.id], "2026-永久-2", "永久", date(2026, 12, 21))

    # The register shows 承办单位, 签收人 and 归卷日期.
    row = next(r for r in sheets.register(db, 2026).rows if r[0] == kept.number)
    headers = sheets.register(db, 2026).headers
    values = dict(zip(headers, row, strict=True))
    assert values["承办单位"] == "区委办公室"
    assert values["签收人"] == "张建国"
    assert values["归卷日期"] == "2026-12-21"
    register = tmp_path / "register.pdf"
    register.write_bytes(catalog.render(custodian, "register", 2026))
    assert "2026-12-21" in text_of(register) and "归卷日期" in text_of(register)

    # The 归档移交清单, for two signatures.
    listing = tmp_path / "filing.pdf"
    listing.write_bytes(catalog.render(custodian, "filing", 2026))
    text = text_of(listing)
    assert "归档移交清单" in text and "2026-永久-1" in text and "区委常委会议纪要" in text
    assert "000001-000002" in text and "接收人（档案室）签字" in text
    assert rasterise(listing)
    with pytest.raises(PermissionDenied):
        catalog.render(login("shenji"), "filing", 2026)


def test_the_year_check_names_every_copy_without_an_end(year_end, clock, tmp_path) -> None:
    custodian, officer, readers, docs, kept, other = year_end
    db = custodian.db
    lent = docs["confidential"].copies[0].id
    desk.checkout(custodian, readers["zhang"].id, [lent])
    lost = docs["scoped"].copies[0].id
    desk.checkout(custodian, readers["zhang"].id, [lost])
    incident = desk.take_back(custodian, lost, "只交回封套")
    assert incident is not None
    day_close.resolve_incident(officer, incident, "经查确已遗失", "遗失")
    assert db.scalar("SELECT state FROM copy WHERE id = ?", (lost,)) == "遗失"
    clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=BEIJING))
    declassify.decide(custodian, other.id, "解密", date(2026, 12, 21), "期满不再保密", OFFICER)
    filing.file_documents(custodian, [kept.id], "2026-永久-1", "永久", date(2026, 12, 21))
    left = filing.unended(custodian, 2026)
    numbers = {(u.number, u.copy_no): u for u in left}
    assert (kept.number, "000001") not in numbers  # filed
    assert (other.number, "000005") not in numbers  # declassified
    out = numbers[(docs["confidential"].document.number, "000010")]
    assert (out.state, out.where) == ("借出", "张建国")
    gone = numbers[(docs["scoped"].document.number, "000020")]
    assert (gone.state, gone.where) == ("遗失", "遗失待查处")
    assert len(left) == 3 + 1 + 1 + 1  # secret 1-3, confidential, scoped, plain
    check = tmp_path / "ends.pdf"
    check.write_bytes(catalog.render(custodian, "ends", 2026))
    text = text_of(check)
    assert "去向核查" in text and "张建国" in text and kept.number not in text
