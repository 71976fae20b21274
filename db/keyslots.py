"""Personal key slots: the room's data key wrapped once per account.

The file `<room>.keys` sits beside the database. Each slot holds the 256-bit data key sealed with
AES-256-GCM under a key derived from one account's password with Argon2id. A password change
rewraps one slot; the database itself is never re-encrypted. Login names are stored only as a hash.

The file also keeps what must be known before the database can be opened: failed-login counters
and pending security events, which the next successful unlock moves into the audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from db.errors import NotAMijianDatabase, WrongPassword

FORMAT = "mijian-keys-1"
DATA_KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default measured about 0.23 s per derivation on the project machine."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 1


DEFAULT_KDF = KdfParams()


@dataclass
class Slot:
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes
    failures: int = 0
    locked_until: str | None = None


@dataclass
class KeyFile:
    path: Path
    room_id: str
    demo: bool = False
    slots: dict[str, Slot] = field(default_factory=dict)
    pending_events: list[dict[str, Any]] = field(default_factory=list)

    # ---- naming -------------------------------------------------------------------------
    def slot_id(self, login: str) -> str:
        normal = login.strip().casefold()
        return hashlib.sha256(f"{self.room_id}\0{normal}".encode()).hexdigest()

    def has_slot(self, login: str) -> bool:
        return self.slot_id(login) in self.slots

    def slot(self, login: str) -> Slot | None:
        return self.slots.get(self.slot_id(login))

    # ---- wrapping -----------------------------------------------------------------------
    def add_slot(
        self, login: str, password: str, data_key: bytes, kdf: KdfParams = DEFAULT_KDF
    ) -> None:
        """Create or replace the slot of `login` (a password change replaces it)."""
        sid = self.slot_id(login)
        salt = os.urandom(16)
        nonce = os.urandom(12)
        kek = _derive(password, salt, kdf)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, self._aad(sid))
        self.slots[sid] = Slot(kdf=kdf, salt=salt, nonce=nonce, wrapped=wrapped)

    def unwrap(self, login: str, password: str) -> bytes:
        """The data key, or WrongPassword. An unknown login costs the same derivation."""
        sid = self.slot_id(login)
        slot = self.slots.get(sid)
        if slot is None:
            _derive(password, b"\0" * 16, DEFAULT_KDF)
            raise WrongPassword()
        kek = _derive(password, slot.salt, slot.kdf)
        try:
            return AESGCM(kek).decrypt(slot.nonce, slot.wrapped, self._aad(sid))
        except InvalidTag:
            raise WrongPassword() from None

    def remove_slot(self, login: str) -> None:
        self.slots.pop(self.slot_id(login), None)

    def _aad(self, sid: str) -> bytes:
        return f"{FORMAT}\0{self.room_id}\0{sid}".encode()

    # ---- persistence --------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError("format")
            slots = {sid: _slot_from_json(s) for sid, s in raw["slots"].items()}
            return cls(
                path=path,
                room_id=raw["room_id"],
                demo=bool(raw.get("demo", False)),
                slots=slots,
                pending_events=list(raw.get("pending_events", [])),
            )
        except FileNotFoundError:
            raise NotAMijianDatabase() from None
        except (ValueError, KeyError, TypeError):
            raise NotAMijianDatabase("密钥文件（.keys）格式不正确或已损坏。") from None

    def save(self) -> None:
        """Write atomically (temp file, fsync, rename) so a crash never leaves half a file."""
        data = {
            "format": FORMAT,
            "room_id": self.room_id,
            "demo": self.demo,
            "slots": {sid: _slot_to_json(s) for sid, s in self.slots.items()},
            "pending_events": self.pending_events,
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)


def _derive(password: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _slot_to_json(slot: Slot) -> dict[str, Any]:
    return {
        "kdf": "argon2id",
        "params": asdict(slot.kdf),
        "salt": _b64(slot.salt),
        "nonce": _b64(slot.nonce),
        "wrapped": _b64(slot.wrapped),
        "failures": slot.failures,
        "locked_until": slot.locked_until,
    }


def _slot_from_json(raw: dict[str, Any]) -> Slot:
    if raw["kdf"] != "argon2id":
        raise ValueError("kdf")
    return Slot(
        kdf=KdfParams(**raw["params"]),
        salt=base64.b64decode(raw["salt"]),
        nonce=base64.b64decode(raw["nonce"]),
        wrapped=base64.b64decode(raw["wrapped"]),
        failures=int(raw.get("failures", 0)),
        locked_until=raw.get("locked_until"),
    )
