"""Personal key slots: the room's data key, sealed once per account, by key generation.

The file `<room>.keys` sits beside the database. Format 2 (`mijian-keys-2`): each slot holds the
account's X25519 private key wrapped under an Argon2id key derived from its password, its public
key in clear, and the data key of each generation sealed to that public key (see db/keyseal.py).
So the data key can be replaced (app/rekey.py) and sealed to every remaining account without
their passwords, and an old copy of this file cannot open a room whose key has since changed.
During a rotation the file holds the data keys of two generations; at rest, one.

Format 1 (`mijian-keys-1`) wrapped the data key itself under the password key. Such a slot is
read as it is (generation 0) and converted at that account's next successful unwrap, when the
password is at hand. Login names are stored only as a hash.

The file also keeps what must be known before the database can be opened: failed-login counters
and pending security events, which the next successful unlock moves into the audit trail.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from db import keyfile_io
from db.errors import MijianError, WrongPassword
from db.keyseal import (
    KdfParams,
    Sealed,
    derive,
    new_keypair,
    open_sealed,
    seal,
    tag_matches,
)

__all__ = ["DATA_KEY_BYTES", "DEFAULT_KDF", "FORMAT", "KdfParams", "KeyFile", "Sealed", "Slot"]

FORMAT = keyfile_io.FORMAT
FORMAT_1 = keyfile_io.FORMAT_1
DATA_KEY_BYTES = 32
DEFAULT_KDF = KdfParams()


@dataclass
class Slot:
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    # Format 2: the X25519 private key; format 1 (public is None): the data key itself.
    wrapped: bytes
    failures: int = 0
    locked_until: str | None = None
    public: bytes | None = None
    sealed: dict[int, Sealed] = field(default_factory=dict)

    @property
    def legacy(self) -> bool:
        """A format-1 slot: it cannot be sealed a new data key until its owner unlocks it."""
        return self.public is None

    @property
    def generations(self) -> set[int]:
        return {0} if self.legacy else set(self.sealed)


@dataclass
class KeyFile:
    path: Path
    room_id: str
    demo: bool = False
    slots: dict[str, Slot] = field(default_factory=dict)
    pending_events: list[dict[str, Any]] = field(default_factory=list)
    # Set (and saved) before an account change that calls for a key rotation, cleared when the
    # rotation is done: a crash in between leaves the rotation to finish at the next login.
    rotation_due: dict[str, Any] | None = None
    # The generations the file on disk held when this object last read or wrote it (see save).
    disk_generations: frozenset[int] | None = field(default=None, repr=False)

    # ---- naming -------------------------------------------------------------------------
    def slot_id(self, login: str) -> str:
        normal = login.strip().casefold()
        return hashlib.sha256(f"{self.room_id}\0{normal}".encode()).hexdigest()

    def has_slot(self, login: str) -> bool:
        return self.slot_id(login) in self.slots

    def slot(self, login: str) -> Slot | None:
        return self.slots.get(self.slot_id(login))

    @property
    def generations(self) -> list[int]:
        """The key generations this file holds, oldest first (two only during a rotation)."""
        found: set[int] = set()
        for slot in self.slots.values():
            found |= slot.generations
        return sorted(found) or [0]

    def legacy_ids(self) -> set[str]:
        return {sid for sid, slot in self.slots.items() if slot.legacy}

    # ---- wrapping -----------------------------------------------------------------------
    def add_slot(
        self,
        login: str,
        password: str,
        data_key: bytes,
        kdf: KdfParams = DEFAULT_KDF,
        *,
        generation: int | None = None,
    ) -> None:
        """Create or replace the slot of `login` (a password change replaces it).

        A replaced slot always gets a new key pair: the old private key, still readable with the
        old password in any older copy of this file, must not open a later generation.
        """
        sid = self.slot_id(login)
        gen = self.generations[-1] if generation is None else generation
        salt = os.urandom(16)
        self.slots[sid] = self._new_slot(sid, derive(password, salt, kdf), kdf, salt)
        self.seal_to(sid, gen, data_key)

    def unwrap(self, login: str, password: str) -> bytes:
        """The data key of the newest generation, or WrongPassword."""
        return self.unwrap_all(login, password)[0][1]

    def unwrap_all(self, login: str, password: str) -> list[tuple[int, bytes]]:
        """[(generation, data key)], newest first, or WrongPassword. An unknown login costs the
        same derivation. A format-1 slot is converted to format 2 here and the file saved."""
        sid = self.slot_id(login)
        slot = self.slots.get(sid)
        if slot is None:
            derive(password, b"\0" * 16, DEFAULT_KDF)
            raise WrongPassword()
        kek = derive(password, slot.salt, slot.kdf)
        try:
            if slot.legacy:
                data_key = AESGCM(kek).decrypt(slot.nonce, slot.wrapped, self._aad_v1(sid))
                self._convert(sid, slot, kek, data_key)
                return [(0, data_key)]
            assert slot.public is not None
            aad = self._aad_private(sid, slot.public)
            private = AESGCM(kek).decrypt(slot.nonce, slot.wrapped, aad)
            return [
                (gen, open_sealed(slot.sealed[gen], private, self._aad_sealed(sid, gen)))
                for gen in sorted(slot.sealed, reverse=True)
            ]
        except InvalidTag:
            raise WrongPassword() from None

    def seal_to(self, sid: str, generation: int, data_key: bytes) -> None:
        slot = self.slots[sid]
        if slot.public is None:
            raise MijianError("该账户的密钥槽尚未转换，无法写入新的数据密钥。")
        aad = self._aad_sealed(sid, generation)
        slot.sealed[generation] = seal(data_key, slot.public, aad, os.urandom(12))

    def untrusted_ids(self, generation: int, data_key: bytes) -> set[str]:
        """Slots whose public key carries no valid tag under `generation`'s data key: keys
        planted by someone who never held the data key. A rotation must not seal to them."""
        bad = set()
        for sid, slot in self.slots.items():
            sealed = slot.sealed.get(generation)
            aad = self._aad_sealed(sid, generation)
            if (
                slot.public is None
                or sealed is None
                or not tag_matches(sealed, data_key, slot.public, aad)
            ):
                bad.add(sid)
        return bad

    def drop_generation(self, generation: int) -> None:
        for slot in self.slots.values():
            slot.sealed.pop(generation, None)

    def remove_slot(self, login: str) -> None:
        self.slots.pop(self.slot_id(login), None)

    def _new_slot(self, sid: str, kek: bytes, kdf: KdfParams, salt: bytes) -> Slot:
        private, public = new_keypair()
        nonce = os.urandom(12)
        wrapped = AESGCM(kek).encrypt(nonce, private, self._aad_private(sid, public))
        return Slot(kdf=kdf, salt=salt, nonce=nonce, wrapped=wrapped, public=public)

    def _convert(self, sid: str, old: Slot, kek: bytes, data_key: bytes) -> None:
        # The same Argon2 key (same salt and cost) wraps the new private key under a fresh nonce
        # and different associated data: no second derivation at login.
        new = self._new_slot(sid, kek, old.kdf, old.salt)
        new.failures, new.locked_until = old.failures, old.locked_until
        self.slots[sid] = new
        self.seal_to(sid, 0, data_key)
        try:
            self.save()
        except (OSError, MijianError):
            # Converting is opportunistic (a backup on write-protected media, say): the slot
            # stays format 1 on disk and is converted at a later unlock.
            self.slots[sid] = old

    def _aad_v1(self, sid: str) -> bytes:
        return f"{FORMAT_1}\0{self.room_id}\0{sid}".encode()

    def _aad_private(self, sid: str, public: bytes) -> bytes:
        return f"{FORMAT}\0private\0{self.room_id}\0{sid}\0{public.hex()}".encode()

    def _aad_sealed(self, sid: str, generation: int) -> bytes:
        return f"{FORMAT}\0sealed\0{self.room_id}\0{sid}\0{generation:d}".encode()

    # ---- persistence --------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> KeyFile:
        raw = keyfile_io.read(path)
        keys = cls(
            path=path,
            room_id=raw.room_id,
            demo=raw.demo,
            slots={sid: Slot(**fields) for sid, fields in raw.slots.items()},
            pending_events=raw.pending_events,
            rotation_due=raw.rotation_due,
        )
        keys.disk_generations = frozenset(keys.generations)
        return keys

    def save(self) -> None:
        """Write atomically (temp file, fsync, rename, fsync the folder).

        Refuses when the file on disk no longer holds the generations this object last saw:
        another process rotated the data key meanwhile, and writing this stale copy over it
        would lock everybody out of the room.
        """
        if self.disk_generations is not None and self.path.exists():
            on_disk = keyfile_io.read(self.path)
            if frozenset(on_disk.generations) != self.disk_generations:
                raise MijianError(
                    "密钥文件已在别处更新（数据密钥已更换），本次更改未写入。请重新登录后再试。"
                )
        keyfile_io.write(
            self.path, self.room_id, self.demo, self.slots, self.pending_events, self.rotation_due
        )
        self.disk_generations = frozenset(self.generations)
