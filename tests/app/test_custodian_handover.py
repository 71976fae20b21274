"""机要员交接: the outgoing custodian cannot be deactivated before a whole-room handover
stocktake with the incoming custodian, the list of open items, and both signatures; then the
系统管理员 deactivates the account, rotating the data key."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import accounts, custodian_handover, desk, grants, stocktake
from app.errors import InvalidInput, PermissionDenied, WrongPassword
from app.model import Credential, NewAccount
from app.roles import Role
from app.session import open_session
from tests.conftest import PASSWORD
from tests.pdf_tools import rasterise, text_of

GOOD = "Handover-2026x"


def test_the_custodian_hands_over_before_leaving(counter, login, room, clock, tmp_path: Path):
    custodian, officer, readers, docs = counter
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    security = login("anquan")
    grants.grant_role(security, "zhaolei")
    security.close()
    first = custodian
    custodian = login("jiyao")  # a session opened after the account was made knows its key slot
    first.close()
    db = custodian.db
    desk.checkout(custodian, readers["zhang"].id, [docs["confidential"].copies[0].id])

    with pytest.raises(InvalidInput, match="须先完成机要员交接"):
        accounts.deactivate(admin, "jiyao")
    with pytest.raises(InvalidInput, match="机要员账户"):
        custodian_handover.start(custodian, "baomi")
    with pytest.raises(PermissionDenied):
        custodian_handover.start(officer, "zhaolei")
    handover = custodian_handover.start(custodian, "zhaolei")
    taken = stocktake.get(db, handover.stocktake_id)
    assert (taken.scope, taken.second_person) == ("全室", "zhaolei")
    with pytest.raises(InvalidInput, match="尚未签字"):
        custodian_handover.start(custodian, "zhaolei")
    with pytest.raises(InvalidInput, match="交接清查尚未完成"):
        custodian_handover.sign(custodian, handover.id, PASSWORD, Credential("zhaolei", GOOD))
    for code in ("2026-0001/1", "2026-0001/2", "2026-0001/3", "2026-0003"):
        assert stocktake.scan(custodian, taken.id, code).ok
    stocktake.finish(custodian, taken.id, GOOD)  # the plain copy was not found

    kinds = [i.kind for i in custodian_handover.open_items(custodian)]
    assert "借出" in kinds and "清查差异" in kinds
    with pytest.raises(WrongPassword):
        custodian_handover.sign(custodian, handover.id, "typo", Credential("zhaolei", GOOD))
    with pytest.raises(WrongPassword):
        custodian_handover.sign(custodian, handover.id, PASSWORD, Credential("zhaolei", "typo"))
    with pytest.raises(InvalidInput, match="接收人本人"):
        custodian_handover.sign(custodian, handover.id, PASSWORD, Credential("baomi", PASSWORD))
    signed = custodian_handover.sign(custodian, handover.id, PASSWORD, Credential("zhaolei", GOOD))
    assert signed.signed_at is not None
    _, kept = custodian_handover.handed_over(officer, handover.id)
    assert [i.kind for i in kept] == kinds

    sheet = tmp_path / "handover.pdf"
    out = custodian_handover.sheet_output(custodian, handover.id)
    sheet.write_bytes(out.pdf)
    out.delivered(str(sheet))
    text = text_of(sheet)
    assert "机要员交接清单" in text and "李晓梅 移交 赵磊" in text and "张建国" in text
    assert "应在柜" in text and "移交人（签字）" in text and rasterise(sheet)

    # Now the account may go, with a new data key; the handover records when.
    for s in (custodian, officer):
        s.close()  # a rotation needs the room to itself
    old_key = admin.data_key
    accounts.deactivate(admin, "jiyao")
    assert admin.data_key != old_key
    row = admin.db.one("SELECT deactivated_at FROM custodian_handover WHERE id = ?", (handover.id,))
    assert row[0] is not None
    with pytest.raises(WrongPassword):
        open_session(room.db, "jiyao", PASSWORD, clock)
    open_session(room.db, "zhaolei", GOOD, clock).close()
