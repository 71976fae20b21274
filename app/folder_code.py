"""The QR of a folder's label (一夹一传递): the folder's id, signed under the room's secret.

    MJJ<folder id, base 36>-<16 characters of HMAC-SHA256, base 32>

The alphabet and the MAC of a 分发签收单's code (app/receipt_code.py) with its own prefix and
MAC domain, so a folder's code is never read as a copy's or a receipt's, and a code from another
room or with a flipped character fails the check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

PREFIX = "MJJ"
MAC_CHARS = 16
_PAYLOAD = re.compile(rf"^{PREFIX}([0-9A-Z]{{1,8}})-([A-Z2-7]{{{MAC_CHARS}}})$")
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def looks_like_folder(text: str) -> bool:
    return text.strip().upper().startswith(PREFIX)


def encode(secret: bytes, room_id: str, folder_id: int) -> str:
    if folder_id <= 0:
        raise ValueError("ids start at 1")
    return f"{PREFIX}{_base36(folder_id)}-{_mac(secret, room_id, folder_id)}"


def decode(secret: bytes, room_id: str, text: str) -> int | None:
    """The folder id when the code is well formed and its MAC checks; otherwise None."""
    match = _PAYLOAD.match(text.strip().upper())
    if match is None:
        return None
    folder_id = int(match.group(1), 36)
    if not hmac.compare_digest(_mac(secret, room_id, folder_id), match.group(2)):
        return None
    return folder_id


def _mac(secret: bytes, room_id: str, folder_id: int) -> str:
    digest = hmac.new(secret, f"{PREFIX}|{room_id}|{folder_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode("ascii")


def _base36(n: int) -> str:
    out = ""
    while n:
        n, rest = divmod(n, 36)
        out = _DIGITS[rest] + out
    return out
