"""Reading a scan at the counter: a reader's badge, name or pinyin initials; a copy's
收文编号/份号 as typed; or the signed QR of a slip or label."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import qr_payload, receipt_code, slips

# A copy as the counter sees it lives beside documents.Copy; re-exported for the scanning pages.
from app.documents import COPY_SQL as _COPY_SQL
from app.documents import CopyRef as CopyRef
from app.documents import copy_ref as copy_ref
from app.documents import copy_ref_from_row as copy_ref_from_row
from app.errors import InvalidInput
from app.numbers import parse_registration_number, registration_number, series_serial
from app.people import Reader, find_readers, get_reader
from app.roles import BUSINESS_ROLES
from db.connection import Database

if TYPE_CHECKING:
    from app.session import Session


@dataclass(frozen=True)
class Scan:
    reader: Reader | None = None
    copy: CopyRef | None = None


# ---- reading a scan ---------------------------------------------------------------------------
# 、 is what the / key types while a Chinese input method is on.
# A 发文's copies carry F before the year (app/numbers.py): F2026-0001/000003.
_COPY_CODE = re.compile(r"^([Ff发]?)\s*(\d{4})\s*-\s*(\d{1,6})\s*[/\\\s\-#、]\s*(\d{1,6})$")
# A copy made here (复制审批登记): 2026-0001/000031-复1, typed as -F1 where no input method is on.
_DERIVED_CODE = re.compile(
    r"^([Ff发]?)\s*(\d{4})\s*-\s*(\d{1,6})\s*[/\\\s#、]\s*(\d{1,6})\s*-\s*(?:复|F|f)\s*(\d{1,3})$"
)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[0-9A-Za-z]")
# Punctuation a Chinese input method types for - / . and the like.
_IME_PUNCTUATION = re.compile(r"[、。，；：—·“”‘’【】《》¥…]")
SWITCH_IME = "请切换到英文输入法后重新扫描：输入法把扫描内容变成了中文字符。"


def normalise(code: str) -> str:
    """A scan as the rules read it: NFKC (full-width ＭＪ１ and Ｂ０００６ become MJ1 and B0006,
    as a Chinese input method's full-width mode types them), trimmed."""
    return unicodedata.normalize("NFKC", code).strip()


def composed_by_ime(text: str) -> bool:
    """True when an input method has turned a scan into Chinese: Chinese characters or its
    punctuation mixed with the letters and digits of a code. A name alone is not."""
    if not _LATIN.search(text):
        return False
    return bool(_HAN.search(text) or _IME_PUNCTUATION.search(text))


def resolve(db: Database, code: str) -> Scan:
    """What a scan or a typed entry names: a reader (badge, name, pinyin) or a copy.

    A copy is `收文编号/份号` (2026-0001/000031); a 收文编号 alone is enough for a one-copy item.
    """
    text = normalise(code)
    if not text:
        raise InvalidInput("没有读到内容，请重新扫描。")
    if qr_payload.looks_like_payload(text):
        if composed_by_ime(text):
            raise InvalidInput(SWITCH_IME)
        return Scan(copy=copy_ref(db, slips.read_code(db, text)))
    badge = db.one("SELECT id FROM reader WHERE badge_code = ?", (text.upper(),))
    if badge is not None:
        return Scan(reader=active_reader(db, int(badge[0])))
    derived = _DERIVED_CODE.match(text)
    if derived:
        year = int(derived.group(2))
        serial = series_serial(derived.group(1), int(derived.group(3)))
        derived_no = f"{int(derived.group(4)):06d}-复{int(derived.group(5))}"
        row = db.one(
            f"{_COPY_SQL} WHERE d.year = ? AND d.serial = ? AND c.copy_no = ?",
            (year, serial, derived_no),
        )
        if row is None:
            raise InvalidInput(f"没有 {registration_number(year, serial)} 第{derived_no}份。")
        return Scan(copy=copy_ref_from_row(row))
    match = _COPY_CODE.match(text)
    if match:
        year, copy_no = int(match.group(2)), int(match.group(4))
        serial = series_serial(match.group(1), int(match.group(3)))
        row = db.one(
            f"{_COPY_SQL} WHERE d.year = ? AND d.serial = ? AND c.copy_no = ?",
            (year, serial, f"{copy_no:06d}"),
        )
        if row is None:
            raise InvalidInput(f"没有 {registration_number(year, serial)} 第{copy_no:06d}份。")
        return Scan(copy=copy_ref_from_row(row))
    number = parse_registration_number(text)
    if number is not None:
        rows = db.query(f"{_COPY_SQL} WHERE d.year = ? AND d.serial = ? LIMIT 2", number)
        if not rows:
            raise InvalidInput(f"没有收文编号 {registration_number(*number)}。")
        if len(rows) > 1:
            raise InvalidInput(
                f"{registration_number(*number)} 有多份，请输入 收文编号/份号，如 "
                f"{registration_number(*number)}/{rows[0]['copy_no']}。"
            )
        return Scan(copy=copy_ref_from_row(rows[0]))
    readers = [
        r for r in find_readers(db, text, limit=5) if r.name == text or r.initials == text.lower()
    ]
    if len(readers) == 1:
        return Scan(reader=readers[0])
    if len(readers) > 1:
        raise InvalidInput(
            f"“{text}”对应多位读者（" + "、".join(r.name for r in readers) + "），请扫描证件。"
        )
    if composed_by_ime(text):
        raise InvalidInput(SWITCH_IME)
    # The room's other printed codes, scanned at the wrong page: say where they go.
    if receipt_code.looks_like_reply(text):
        raise InvalidInput("这是发文回执的二维码：请到“发文”页扫描回执销账。")
    if receipt_code.looks_like_receipt(text):
        raise InvalidInput("这是分发签收单的二维码：请到“分发”页扫描。")
    raise InvalidInput(
        f"无法识别“{text}”：不是读者证件、姓名，也不是 收文编号/份号（发文为 F编号/份号）。"
    )


def scan(session: Session, code: str) -> Scan:
    """resolve(), with forged and retired codes written to the audit trail. A scan names a
    copy's title or a reader: business roles only."""
    session.require(*BUSINESS_ROLES)
    try:
        return resolve(session.db, code)
    except (slips.ForgedCode, slips.RetiredCode) as exc:
        slips.audit_refused(session, code, exc.message)
        raise


def active_reader(db: Database, reader_id: int) -> Reader:
    reader = get_reader(db, reader_id)
    if not reader.active:
        raise InvalidInput(f"{reader.name} 已离岗，不能借阅。")
    return reader
