"""The cryptography of format-2 key slots: Argon2id password keys, X25519 sealing (ECIES).

Each account owns an X25519 key pair. Its private key is wrapped (AES-256-GCM) under a key
derived from the account's password; its public key lies in clear. The room's data key is
sealed to every public key: an ephemeral X25519 exchange, HKDF-SHA256, AES-256-GCM. So the
program can seal a new data key to every account without knowing anybody's password, and
only the password opens it again. Every ciphertext is bound by its associated data to the
file format, the room, the slot and (for a sealed key) the key generation, so nothing can be
moved to another room, slot or generation.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default measured about 0.23 s per derivation on the project machine."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 1


@dataclass(frozen=True)
class Sealed:
    """One data key sealed to one public key: the ephemeral public key, nonce and box, and
    `tag`, an HMAC of the recipient's public key under the data key itself (see public_tag)."""

    ephemeral: bytes
    nonce: bytes
    box: bytes
    tag: bytes = b""


def derive(password: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def new_keypair() -> tuple[bytes, bytes]:
    """(private, public), 32 raw bytes each."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def seal(data_key: bytes, public: bytes, aad: bytes, nonce: bytes) -> Sealed:
    ephemeral = X25519PrivateKey.generate()
    eph_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    box = AESGCM(_box_key(shared, eph_public, public)).encrypt(nonce, data_key, aad)
    return Sealed(eph_public, nonce, box, public_tag(data_key, public, aad))


def public_tag(data_key: bytes, public: bytes, aad: bytes) -> bytes:
    """Proof that whoever put `public` in the file held the data key. Anybody can seal to any
    public key, so before a rotation seals the next key to a slot's public key, the tag under
    the current key is checked: someone who can write the keys file but never held the data
    key cannot plant a public key of their own and receive the next data key."""
    return hmac.new(data_key, b"mijian-keys-2 public\0" + aad + public, hashlib.sha256).digest()


def tag_matches(sealed: Sealed, data_key: bytes, public: bytes, aad: bytes) -> bool:
    return hmac.compare_digest(sealed.tag, public_tag(data_key, public, aad))


def open_sealed(sealed: Sealed, private: bytes, aad: bytes) -> bytes:
    """The data key; raises cryptography's InvalidTag when the box was not sealed to `private`."""
    key = X25519PrivateKey.from_private_bytes(private)
    shared = key.exchange(X25519PublicKey.from_public_bytes(sealed.ephemeral))
    box_key = _box_key(shared, sealed.ephemeral, key.public_key().public_bytes_raw())
    return AESGCM(box_key).decrypt(sealed.nonce, sealed.box, aad)


def _box_key(shared: bytes, eph_public: bytes, public: bytes) -> bytes:
    # Both public keys go into the derivation, as in RFC 9180's KEM context, so a box cannot be
    # replayed against another recipient key even if the shared secret repeated.
    info = b"mijian-keys-2 seal\0" + eph_public + public
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)
