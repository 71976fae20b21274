"""Carriers beyond paper: a 光盘 or U盘 copy with its serial number and capacity, lent,
stocktaken and destroyed like paper, and counted apart on the 销毁登记表 and 移交单."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlcipher3

from app import carriers, desk, destruction, reconcile, registry, stocktake
from app.errors import InvalidInput, PermissionDenied
from app.model import Credential
from app.reports import catalog
from tests.app.test_registry import doc
from tests.conftest import PASSWORD
from tests.pdf_tools import rasterise, text_of

OFFICER = Credential("baomi", PASSWORD)


def test_carriers_are_registered_lent_stocktaken_and_destroyed(
    counter, tmp_path: Path, login
) -> None:
    custodian, officer, readers, docs = counter
    db = custodian.db
    disc = registry.register(
        custodian,
        doc(
            source="区本级",
            issuer="区委办公室",
            doc_number="区委办发〔2026〕20号",
            copy_numbers="1-2",
            title="保密检查资料光盘",
            level="机密",
        ),
    )
    cd, usb = (c.id for c in disc.copies)
    with pytest.raises(InvalidInput, match="载体类型"):
        carriers.record(custodian, cd, "软盘", "CD-1", "1GB")
    with pytest.raises(InvalidInput, match="序列号"):
        carriers.record(custodian, cd, "光盘", "光盘一", "4.7GB")
    with pytest.raises(InvalidInput, match="容量"):
        carriers.record(custodian, cd, "光盘", "CD-2026-001", "很大")
    with pytest.raises(PermissionDenied):
        carriers.record(officer, cd, "光盘", "CD-2026-001", "4.7GB")
    made = carriers.record(custodian, cd, "光盘", "cd-2026-001", "4.7gb")
    assert (made.kind, made.serial, made.capacity) == ("光盘", "CD-2026-001", "4.7GB")
    with pytest.raises(InvalidInput, match="已经登记过"):
        carriers.record(custodian, usb, "光盘", "CD-2026-001", "4.7GB")
    with pytest.raises(InvalidInput, match="不再更改"):
        carriers.record(custodian, cd, "U盘", "U-9", "32GB")
    carriers.record(custodian, usb, "U盘", "U-2026-007", "32GB")
    assert [c.kind for c in carriers.listing(officer)] == ["光盘", "U盘"]
    with pytest.raises(sqlcipher3.IntegrityError, match="final"), db.transaction():
        db.execute("UPDATE copy SET carrier_serial = 'X' WHERE id = ?", (cd,))

    # Lent and back, found by a stocktake, like paper.
    desk.checkout(custodian, readers["zhang"].id, [cd])
    desk.take_back(custodian, cd)
    taken = stocktake.start(custodian, None, "baomi")
    assert stocktake.scan(custodian, taken.id, f"{disc.document.number}/000001").ok

    # Destroyed with paper; the forms count the carriers apart.
    stocktake.finish(custodian, taken.id, PASSWORD)
    batch = destruction.create(custodian, "送销毁中心", "市保密局销毁中心", date(2026, 11, 20))
    destruction.add(custodian, batch.id, [cd, usb, docs["secret"].copies[0].id])
    destruction.approve(custodian, batch.id, OFFICER)
    destruction.seal(custodian, batch.id, (OFFICER, Credential("zhuren", PASSWORD)))
    register = tmp_path / "register.pdf"
    register.write_bytes(catalog.batch_form(custodian, batch.id, "register").pdf)
    text = text_of(register)
    assert "光盘（个）" in text and "U盘（个）" in text and "CD-2026-001" in text
    assert rasterise(register)
    handover = tmp_path / "handover.pdf"
    handover.write_bytes(catalog.batch_form(custodian, batch.id, "handover").pdf)
    lines = [" ".join(line.split()) for line in text_of(handover).splitlines()]
    assert "光盘 机密 1 —" in lines and "U盘 机密 1 —" in lines
    assert "纸质 秘密 1 6" in lines and "合计 3 6" in lines
    assert reconcile.problems(db) == []
