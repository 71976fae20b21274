"""Printed slips (处理笺) and labels: issuing serials, and reading a scanned code back to its copy.

Printing a copy's slip again gives it a new serial and retires the old one, so a superseded
slip left in a folder can never be scanned again. The new serials are proposed when the pages are
laid out and committed (the old slips retired) only once the pages reached the printer or a file:
a preview, or a dialog closed without printing, changes nothing. Refused codes are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import qrcode
from qrcode.constants import ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

from app import audit, qr_payload
from app.clock import stamp
from app.errors import InvalidInput, MijianError
from app.roles import BUSINESS_ROLES
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session

FORMS = ("传文处理笺", "收文处理笺", "零星收文处理笺", "发文处理笺")
LABEL = "标签"

# Level Q (25 % recoverable) rather than M (15 %): under print-like wear (1.5 degree rotation,
# 0.8 px blur, 2.5 % salt-and-pepper at 150 dpi) level Q reads more codes of the same payload at the
# same printed size (bench/qr_wear.py; figures in tests/app/test_qr_wear.py).
# Version 2 (25 x 25 modules) at level Q holds 29 alphanumeric characters, which is every payload
# whose copy id and serial together take at most 8 base-36 digits (both under 1,679,616, i.e. every
# room we know of). A longer payload (at most 3 + 8 + 1 + 8 + 1 + 16 = 37) takes version 3 (29 x 29,
# 47 characters) drawn at the same printed size, so the paper never changes; anything beyond
# QR_MAX_VERSION raises instead of growing the code.
QR_VERSION = 2
QR_MAX_VERSION = 3
QR_ERROR_CORRECTION = ERROR_CORRECT_Q


class ForgedCode(InvalidInput):
    message = (
        "二维码校验失败：可能扫描不完整，请对准二维码重扫一次；仍然失败，则不是本室打印的"
        "处理笺或标签，或已被改动，请交保密员核查。"
    )


class SerialTaken(MijianError):
    message = "处理笺编号已被另一次打印占用或已被取代：刚输出的处理笺无效，请销毁后重新打印。"


class MisreadCode(ForgedCode):
    """A code of the room's kind not read whole: refused (and audited) like a forgery, but the
    custodian is asked to rescan, and a stocktake does not record it as a finding."""

    message = "二维码没有读全（扫描不完整），请对准二维码重扫一次。"


class RetiredCode(InvalidInput):
    message = "此处理笺已作废，请使用新打印的处理笺。"


@dataclass(frozen=True)
class IssuedCode:
    copy_id: int
    serial: int
    kind: str
    payload: str

    @property
    def short(self) -> str:
        """What is printed beside the QR for a person to read or type: the payload itself."""
        return self.payload


def form_for(source: str, outgoing: bool = False) -> str:
    """The rooms' rule (seed 003): documents from above, from departments, and letters; the
    office's own 发文 (app/outgoing.py) have theirs."""
    if outgoing:
        return "发文处理笺"
    if source in ("中央", "省", "市"):
        return "传文处理笺"
    if source == "信访":
        return "零星收文处理笺"
    return "收文处理笺"


def qr_matrix(payload: str, error_correction: int = QR_ERROR_CORRECTION) -> list[list[bool]]:
    """The modules of the smallest version from QR_VERSION to QR_MAX_VERSION that holds `payload`.

    Raises qrcode's DataOverflowError rather than going past QR_MAX_VERSION.
    """
    for version in range(QR_VERSION, QR_MAX_VERSION + 1):
        code = qrcode.QRCode(version=version, error_correction=error_correction, border=0)
        code.add_data(payload.upper(), optimize=0)
        try:
            code.make(fit=False)
        except DataOverflowError:
            if version == QR_MAX_VERSION:
                raise
            continue
        return [list(row) for row in code.get_matrix()]
    raise AssertionError("unreachable")


def propose(session: Session, copy_ids: list[int], kind: str) -> list[IssuedCode]:
    """The codes the next print of these copies will carry, computed but not committed:
    nothing is retired until `commit` runs, after the bytes reached the printer or a file."""
    session.require(*BUSINESS_ROLES)
    if kind not in (*FORMS, LABEL):
        raise InvalidInput(f"处理笺种类须为 {'、'.join(FORMS)} 或 {LABEL}。")
    db = session.db
    secret, room_id = room_secret(db)
    last = int(db.one("SELECT coalesce(max(serial), 0) FROM slip")[0])
    proposed: list[IssuedCode] = []
    for offset, copy_id in enumerate(copy_ids, start=1):
        payload = qr_payload.encode(secret, room_id, copy_id, last + offset)
        qr_matrix(payload)  # an oversized payload fails here, before anything is printed
        proposed.append(IssuedCode(copy_id, last + offset, kind, payload))
    return proposed


def commit(session: Session, codes: list[IssuedCode], where: str = "") -> None:
    """Make proposed codes the copies' valid ones, retiring their earlier slips (or labels),
    in one audited transaction. Called again for the same codes (a second print of the same
    pages) it only audits, as long as they are still the valid ones."""
    session.require(*BUSINESS_ROLES)
    if not codes:
        return
    db = session.db
    kind = codes[0].kind
    now = stamp(session.clock.now())
    same_family = (LABEL,) if kind == LABEL else FORMS
    marks = ",".join("?" * len(same_family))
    with db.transaction():
        again = _already_issued(db, codes)
        for code in [] if again else codes:
            if db.one("SELECT 1 FROM slip WHERE serial = ?", (code.serial,)) is not None:
                raise SerialTaken()
            db.execute(
                f"UPDATE slip SET retired_at = ? WHERE copy_id = ? AND kind IN ({marks})"
                " AND retired_at IS NULL",
                (now, code.copy_id, *same_family),
            )
            db.execute(
                "INSERT INTO slip (serial, copy_id, kind, printed_at, printed_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (code.serial, code.copy_id, kind, now, session.account.login),
            )
        details: dict[str, object] = {
            "copies": [c.copy_id for c in codes],
            "serials": [c.serial for c in codes],
        }
        if where:
            details["to"] = where
        if again:
            details["again"] = True
        audit.record(db, session.clock, session.account.login, f"打印{kind}", "slips", details)


def issue(session: Session, copy_ids: list[int], kind: str) -> list[IssuedCode]:
    """Propose and commit at once, for a caller with no medium that can fail afterwards."""
    codes = propose(session, copy_ids, kind)
    commit(session, codes)
    return codes


def _already_issued(db: Database, codes: list[IssuedCode]) -> bool:
    """True if every code is already committed and still valid; SerialTaken if some are
    committed but superseded (the pages in hand are no longer the valid ones)."""
    rows = [
        db.one("SELECT copy_id, kind, retired_at FROM slip WHERE serial = ?", (c.serial,))
        for c in codes
    ]
    if all(r is None for r in rows):
        return False
    if all(
        r is not None
        and (r["copy_id"], r["kind"]) == (c.copy_id, c.kind)
        and r["retired_at"] is None
        for r, c in zip(rows, codes, strict=True)
    ):
        return True
    raise SerialTaken()


def room_secret(db: Database) -> tuple[bytes, str]:
    row = db.one("SELECT secret, room_id FROM room WHERE id = 1")
    return bytes(row["secret"]), str(row["room_id"])


def read_code(db: Database, text: str) -> int:
    """The copy id a scanned slip or label names; ForgedCode or RetiredCode otherwise."""
    secret, room_id = room_secret(db)
    if not qr_payload.well_formed(text):
        raise MisreadCode()
    payload = qr_payload.decode(secret, room_id, text)
    if payload is None:
        raise ForgedCode()
    row = db.one("SELECT copy_id, retired_at FROM slip WHERE serial = ?", (payload.serial,))
    if row is None or row["copy_id"] != payload.copy_id:
        raise ForgedCode()
    if row["retired_at"] is not None:
        raise RetiredCode()
    return int(row["copy_id"])


def audit_refused(session: Session, text: str, reason: str) -> None:
    """A refused code is audited by its shape only: the first characters, never a title."""
    with session.db.transaction():
        audit.record(
            session.db,
            session.clock,
            session.account.login,
            "扫描被拒",
            "scan",
            {"code": text.strip()[:12], "reason": reason},
        )
