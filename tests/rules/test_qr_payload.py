"""The slip's MAC covers the room, the copy and the serial: change any one and the code fails."""

from __future__ import annotations

import pytest

from app import qr_payload

SECRET = b"k" * 32


def _swap(code: str, copy_id: int, serial: int) -> str:
    """The same MAC under another copy id or serial (what a forger renumbering a slip types)."""
    mac = code.rsplit("-", 1)[1]
    return f"MJ1{qr_payload._base36(copy_id)}-{qr_payload._base36(serial)}-{mac}"


def test_the_mac_covers_room_copy_and_serial() -> None:
    code = qr_payload.encode(SECRET, "room-a", 41, 7)
    assert qr_payload.decode(SECRET, "room-a", code) == qr_payload.Payload(41, 7)
    assert qr_payload.decode(SECRET, "room-a", code.lower()) == qr_payload.Payload(41, 7)
    assert qr_payload.decode(SECRET, "room-a", _swap(code, 41, 8)) is None  # a retired slip
    assert qr_payload.decode(SECRET, "room-a", _swap(code, 42, 7)) is None  # another copy
    assert qr_payload.decode(SECRET, "room-b", code) is None  # another room
    assert qr_payload.decode(b"j" * 32, "room-a", code) is None  # another secret


def test_every_flipped_character_fails() -> None:
    code = qr_payload.encode(SECRET, "room-a", 123456, 99)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for i, ch in enumerate(code):
        if ch == "-" or i < 3:
            continue
        other = alphabet[(alphabet.index(ch) + 1) % len(alphabet)]
        assert qr_payload.decode(SECRET, "room-a", code[:i] + other + code[i + 1 :]) is None


def test_ids_start_at_one() -> None:
    """A copy or slip numbered 0 (or below) has no code: the room's ids start at 1."""
    assert qr_payload.decode(SECRET, "r", qr_payload.encode(SECRET, "r", 1, 1)) == (
        qr_payload.Payload(1, 1)
    )
    for copy_id, serial in ((0, 1), (1, 0), (-1, 1)):
        with pytest.raises(ValueError):
            qr_payload.encode(SECRET, "r", copy_id, serial)
