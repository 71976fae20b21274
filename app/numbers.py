"""The numbers printed on a document: 文号 (issuer's number), 份号 (copy numbers), 收文编号.

Pure functions, no database: normalising what a scanner or a hurried hand typed.
"""

from __future__ import annotations

import re
import unicodedata

from app.errors import InvalidInput

COPY_NO_DIGITS = 6
MAX_COPIES = 1000

# GB/T 9704 writes the year in 六角括号 〔〕. Typed or scanned numbers use lookalikes: [] 【】 ［］
# () （） {} ｛｝ <> 《》 〈〉 ﹝﹞ (small tortoise shell) 〖〗 〘〙 ⦅⦆ ⟦⟧ 「」; all become 〔〕.
_OPEN = "[【［(（〔{｛<《〈﹝〖〘⦅⟦「❲"
_CLOSE = "]】］)）〕}｝>》〉﹞〗〙⦆⟧」❳"
_DOC_NUMBER = re.compile(
    rf"^(?P<org>.*?)\s*[{re.escape(_OPEN)}]\s*(?P<year>\d{{4}})\s*[{re.escape(_CLOSE)}]"
    r"\s*第?\s*(?P<seq>\d+)\s*号?$"
)


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def halfwidth_digits(text: str) -> str:
    return text.translate(_FULLWIDTH_DIGITS)


def normalise_doc_number(text: str) -> tuple[str, bool]:
    """(the GB/T 9704 form, True), or (the text as typed, False) when it does not parse.

    `市委发[2026]012号` → `市委发〔2026〕12号`. An unparseable number is kept exactly as typed
    (trimmed): the caller warns, nothing is silently altered.
    """
    typed = text.strip()
    if not typed:
        return "", True
    # NFKC folds full-width letters, digits and brackets (ＳＷ, １２, ［］, ﹝﹞) to their plain forms.
    match = _DOC_NUMBER.match(unicodedata.normalize("NFKC", typed))
    if match is None:
        return typed, False
    org = match.group("org").strip()
    if int(match.group("seq")) == 0:
        raise InvalidInput(f"文号“{typed}”的序号为 0：发文字号从 1 号起编，请核对。")
    if not org:
        return typed, False
    return f"{org}〔{match.group('year')}〕{int(match.group('seq'))}号", True


_SIMPLE_RANGE = re.compile(r"(\d{1,6})(?:-(\d{1,6}))?")


def parse_copy_numbers(text: str) -> list[str]:
    """`000031-000035, 000040` → ['000031', …, '000035', '000040'], in the order given.

    Accepts , ， 、 ; ； and spaces between items, and - – — ~ ～ 至 for ranges; pads to six
    digits. Refuses 000000 (copies are numbered from 000001), a reversed range, a repeat, a
    number over six digits or more than 1,000 copies.
    """
    cleaned = halfwidth_digits(text.strip())
    if not cleaned:
        return []
    simple = _SIMPLE_RANGE.fullmatch(cleaned)
    if simple is not None:  # the common case, one number or one range, without the general parse
        start, end = int(simple.group(1)), int(simple.group(2) or simple.group(1))
        if 1 <= start <= end and end - start < MAX_COPIES:
            return [f"{n:06d}" for n in range(start, end + 1)]
    items = [p for p in re.split(r"[,，、;；\s]+", cleaned) if p]
    numbers: list[str] = []
    for item in items:
        parts = re.split(r"\s*[-–—~～至]\s*", item)
        if len(parts) > 2 or not all(p.isdigit() for p in parts):
            raise InvalidInput(f"份号“{item}”无法识别：请写成 000031-000035, 000040 的形式。")
        start, end = int(parts[0]), int(parts[-1])
        if start == 0:
            raise InvalidInput(f"份号“{item}”含 000000：份号从 000001 起编。")
        if end < start:
            raise InvalidInput(f"份号范围“{item}”起止颠倒。")
        if len(parts[-1]) > COPY_NO_DIGITS or end > 999_999:
            raise InvalidInput(f"份号“{item}”超过六位。")
        if end - start + 1 + len(numbers) > MAX_COPIES:
            raise InvalidInput(f"一次登记的份数不能超过 {MAX_COPIES} 份。")
        numbers.extend(f"{n:06d}" for n in range(start, end + 1))
    seen: set[str] = set()
    for number in numbers:
        if number in seen:
            raise InvalidInput(f"份号 {number} 重复。")
        seen.add(number)
    return numbers


def format_copy_ranges(numbers: list[str]) -> str:
    """The inverse of parse_copy_numbers, compacted: ['000031', '000032', '000040'] → `000031-000032, 000040`."""
    derived = sorted(n for n in numbers if not n.isdigit())  # copies made here: 000031-复1
    values = sorted(int(n) for n in numbers if n.isdigit())
    parts: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        parts.append(f"{values[i]:06d}" if i == j else f"{values[i]:06d}-{values[j]:06d}")
        i = j + 1
    return ", ".join(parts + derived)


# The office's own 发文 keep their copies in the room as documents too, numbered in a series of
# their own (发文登记号, F2026-0001) so that the 收文编号 stays gapless and the 收文登记簿 holds
# received documents only. The series is stored above OUTGOING_BASE (F2026-0001 is serial
# 1,000,001; no year receives a million documents): (year, serial) stays one unique key for
# every document, a year's 发文 sort after its 收文 in the register's order, and a scan or a label
# reads either series.
OUTGOING_SERIES = "F"
OUTGOING_BASE = 1_000_000


def is_outgoing(serial: int) -> bool:
    return serial > OUTGOING_BASE


def registration_number(year: int, serial: int) -> str:
    """收文编号 `2026-0001` (four digits, more when a year passes 9,999); a 发文's copies are
    numbered `F2026-0001` (serial OUTGOING_BASE + 1)."""
    if serial > OUTGOING_BASE:
        return f"{OUTGOING_SERIES}{year}-{serial - OUTGOING_BASE:04d}"
    return f"{year}-{serial:04d}"


# F as printed; 发 as a person may type it (a scanner types F).
SERIES_PATTERN = r"([Ff发]?)\s*(\d{4})\s*[-－—]\s*(\d{1,6})"


def series_serial(mark: str, number: int) -> int:
    """The stored serial of a number read with its series mark (F or 发: a 发文's)."""
    return OUTGOING_BASE + number if mark else number


def parse_registration_number(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(rf"\s*{SERIES_PATTERN}\s*", halfwidth_digits(text))
    if match is None:
        return None
    return int(match.group(2)), series_serial(match.group(1), int(match.group(3)))
