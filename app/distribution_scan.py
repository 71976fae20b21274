"""What a scan at the 分发 counter names: a signer (badge, name, pinyin), a copy (with the unit
holding it, if it is 分发在外), or a printed 分发签收单 by its QR.

The counter decides with it: a copy out with a unit comes back; a copy in the room joins the
pending receipt; a receipt's QR brings back everything still held on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import distribution, receipt_code, scanning, slips
from app.distribution import Line, Receipt
from app.distribution_print import read_receipt_code
from app.errors import InvalidInput
from app.people import Reader
from app.roles import Role
from app.scanning import CopyRef
from app.units import Unit, unit_of

if TYPE_CHECKING:
    from app.session import Session

FORGED_RECEIPT = "签收单二维码无法验证：不是本室打印的分发签收单，或已损坏。请核对后输入单号。"


@dataclass(frozen=True)
class CounterScan:
    reader: Reader | None = None
    reader_unit: Unit | None = None
    copy: CopyRef | None = None
    held: Line | None = None  # the open line of a copy that is 分发在外
    receipt: Receipt | None = None


def read(session: Session, code: str) -> CounterScan:
    session.require(Role.CUSTODIAN)
    db = session.db
    text = code.strip()
    if receipt_code.looks_like_receipt(text):
        receipt_id = read_receipt_code(db, text)
        if receipt_id is None:
            slips.audit_refused(session, text, FORGED_RECEIPT)
            raise InvalidInput(FORGED_RECEIPT)
        return CounterScan(receipt=distribution.get_receipt(db, receipt_id))
    if receipt_code.looks_like_reply(text):
        raise InvalidInput("这是发文回执的二维码：请到“发文”页扫描登记回执。")
    if text.startswith("分"):
        return CounterScan(receipt=distribution.find_receipt(db, text))
    found = scanning.scan(session, text)
    if found.reader is not None:
        return CounterScan(reader=found.reader, reader_unit=unit_of(db, found.reader.id))
    assert found.copy is not None
    return CounterScan(copy=found.copy, held=distribution.open_line(db, found.copy.copy_id))
