"""The QR of a 分发签收单: the receipt's id, signed under the room's secret.

    MJF<receipt id, base 36>-<16 characters of HMAC-SHA256, base 32>

The same alphabet as a slip's code (app/qr_payload.py: QR alphanumeric mode, typed alike under
every keyboard layout) with its own prefix and MAC domain, so a receipt's code is never read as a
copy's and a code from another room or a flipped character fails the check. Scanning it back at
the 分发 page names the receipt whose copies come back.

A 发文's 回执 carries the same shape under its own prefix and MAC domain, MJH<recipient line id>:
scanned back at the 发文 page it closes that recipient's line (app/outgoing.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

PREFIX = "MJF"
REPLY_PREFIX = "MJH"
MAC_CHARS = 16


def _pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{prefix}([0-9A-Z]{{1,8}})-([A-Z2-7]{{{MAC_CHARS}}})$")


_PATTERNS = {PREFIX: _pattern(PREFIX), REPLY_PREFIX: _pattern(REPLY_PREFIX)}


def looks_like_receipt(text: str) -> bool:
    return text.strip().upper().startswith(PREFIX)


def looks_like_reply(text: str) -> bool:
    return text.strip().upper().startswith(REPLY_PREFIX)


def encode(secret: bytes, room_id: str, receipt_id: int, prefix: str = PREFIX) -> str:
    if receipt_id <= 0:
        raise ValueError("ids start at 1")
    return f"{prefix}{_base36(receipt_id)}-{_mac(secret, room_id, receipt_id, prefix)}"


def decode(secret: bytes, room_id: str, text: str, prefix: str = PREFIX) -> int | None:
    """The id when the code is well formed under `prefix` and its MAC checks; otherwise None."""
    match = _PATTERNS[prefix].match(text.strip().upper())
    if match is None:
        return None
    receipt_id = int(match.group(1), 36)
    if not hmac.compare_digest(_mac(secret, room_id, receipt_id, prefix), match.group(2)):
        return None
    return receipt_id


def _mac(secret: bytes, room_id: str, receipt_id: int, prefix: str) -> str:
    digest = hmac.new(secret, f"{prefix}|{room_id}|{receipt_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode("ascii")


def _base36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while n:
        n, rest = divmod(n, 36)
        out = digits[rest] + out
    return out
