"""Printed slips (处理笺) and labels: issuing serials, and reading a scanned code back to its copy.

Printing a copy's slip again gives it a new serial and retires the old one, so a superseded
slip left in a folder can never be scanned again. Refused codes are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import qrcode
from qrcode.constants import ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

from app import audit, qr_payload
from app.clock import stamp
from app.roles import BUSINESS_ROLES
from db.connection import Database
from db.errors import InvalidInput

if TYPE_CHECKING:
    from app.session import Session

FORMS = ("传文处理笺", "收文处理笺", "零星收文处理笺")
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
    message = "二维码校验失败：不是本室打印的处理笺或标签，或已被改动。"


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


def form_for(source: str) -> str:
    """The rooms' rule (seed 003): documents from above, from departments, and letters."""
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


def issue(session: Session, copy_ids: list[int], kind: str) -> list[IssuedCode]:
    """New serials for these copies, retiring their earlier slips (or labels); audited."""
    session.require(*BUSINESS_ROLES)
    if kind not in (*FORMS, LABEL):
        raise InvalidInput("处理笺种类须为 传文处理笺、收文处理笺、零星收文处理笺 或 标签。")
    db = session.db
    now = stamp(session.clock.now())
    secret, room_id = room_secret(db)
    issued: list[IssuedCode] = []
    same_family = (LABEL,) if kind == LABEL else FORMS
    marks = ",".join("?" * len(same_family))
    with db.transaction():
        for copy_id in copy_ids:
            db.execute(
                f"UPDATE slip SET retired_at = ? WHERE copy_id = ? AND kind IN ({marks})"
                " AND retired_at IS NULL",
                (now, copy_id, *same_family),
            )
            serial = int(
                db.execute(
                    "INSERT INTO slip (copy_id, kind, printed_at, printed_by) VALUES (?, ?, ?, ?)",
                    (copy_id, kind, now, session.account.login),
                ).lastrowid
            )
            payload = qr_payload.encode(secret, room_id, copy_id, serial)
            qr_matrix(payload)  # an oversized payload fails here, before anything is printed
            issued.append(IssuedCode(copy_id, serial, kind, payload))
        audit.record(
            db,
            session.clock,
            session.account.login,
            f"打印{kind}",
            "slips",
            {"copies": copy_ids, "serials": [i.serial for i in issued]},
        )
    return issued


def room_secret(db: Database) -> tuple[bytes, str]:
    row = db.one("SELECT secret, room_id FROM room WHERE id = 1")
    return bytes(row["secret"]), str(row["room_id"])


def read_code(db: Database, text: str) -> int:
    """The copy id a scanned slip or label names; ForgedCode or RetiredCode otherwise."""
    secret, room_id = room_secret(db)
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
