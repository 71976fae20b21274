"""The QR payload of a slip or label: compact, versioned, signed, and nothing classified in it.

    MJ1<copy id, base 36>-<slip serial, base 36>-<16 characters of HMAC-SHA256, base 32>

Only 0-9, A-Z and '-': QR's alphanumeric mode, and the only text a keyboard-wedge scanner types
the same under every keyboard layout and input method. The MAC is 80 bits, under the room's
secret, over the room id, copy id and serial: a flipped character, a forged code or another
room's code fails the check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

PREFIX = "MJ1"
MAC_CHARS = 16  # 16 base-32 characters = 80 bits
_PAYLOAD = re.compile(rf"^{PREFIX}([0-9A-Z]{{1,8}})-([0-9A-Z]{{1,8}})-([A-Z2-7]{{{MAC_CHARS}}})$")
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Payload:
    copy_id: int
    serial: int


def looks_like_payload(text: str) -> bool:
    return text.strip().upper().startswith(PREFIX)


def encode(secret: bytes, room_id: str, copy_id: int, serial: int) -> str:
    return f"{PREFIX}{_base36(copy_id)}-{_base36(serial)}-{_mac(secret, room_id, copy_id, serial)}"


def well_formed(text: str) -> bool:
    """The shape of a slip's code, MAC unchecked: a shorter or garbled read of a real code (a
    scanner that stopped half-way) is not this shape, while a forgery must be."""
    return _PAYLOAD.match(text.strip().upper()) is not None


def decode(secret: bytes, room_id: str, text: str) -> Payload | None:
    """The payload when the code is well formed and its MAC checks; otherwise None."""
    match = _PAYLOAD.match(text.strip().upper())
    if match is None:
        return None
    copy_id, serial = int(match.group(1), 36), int(match.group(2), 36)
    expected = _mac(secret, room_id, copy_id, serial)
    if not hmac.compare_digest(expected, match.group(3)):
        return None
    return Payload(copy_id, serial)


def _mac(secret: bytes, room_id: str, copy_id: int, serial: int) -> str:
    digest = hmac.new(
        secret, f"{PREFIX}|{room_id}|{copy_id}|{serial}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest[:10]).decode("ascii")


def _base36(n: int) -> str:
    if n <= 0:
        raise ValueError("ids start at 1")
    out = ""
    while n:
        n, rest = divmod(n, 36)
        out = _DIGITS[rest] + out
    return out
