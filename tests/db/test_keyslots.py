"""Key slots: one X25519 key pair per account, wrapped under an Argon2id key; the data key of\neach generation sealed to every public key; format-1 files read and converted."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import MijianError, NotAMijianDatabase, WrongPassword
from db.keyseal import derive
from db.keyslots import DEFAULT_KDF, KdfParams, KeyFile

DATA_KEY = bytes(range(32))


def test_each_account_unwraps_the_same_data_key(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "r.keys", "room-1")
    keys.add_slot("jiyao", "Password-0001", DATA_KEY)
    keys.add_slot("baomi", "Another-pass-2", DATA_KEY)
    keys.save()
    loaded = KeyFile.load(tmp_path / "r.keys")
    assert loaded.unwrap("jiyao", "Password-0001") == DATA_KEY
    assert loaded.unwrap("BAOMI", "Another-pass-2") == DATA_KEY
    with pytest.raises(WrongPassword):
        loaded.unwrap("jiyao", "Another-pass-2")
    with pytest.raises(WrongPassword):
        loaded.unwrap("nobody", "Password-0001")


def test_the_file_keeps_no_login_names_and_the_default_cost(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "r.keys", "room-1")
    keys.add_slot("jiyao", "Password-0001", DATA_KEY)
    keys.save()
    text = (tmp_path / "r.keys").read_text(encoding="utf-8")
    assert "jiyao" not in text
    params = next(iter(json.loads(text)["slots"].values()))["params"]
    assert params == {"time_cost": 3, "memory_kib": 65536, "parallelism": 1}
    assert DEFAULT_KDF.memory_kib == 65536


def test_a_slot_moved_to_another_login_does_not_open(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "r.keys", "room-1")
    cheap = KdfParams(time_cost=1, memory_kib=8192)
    keys.add_slot("jiyao", "Password-0001", DATA_KEY, cheap)
    keys.add_slot("baomi", "Another-pass-2", DATA_KEY, cheap)
    keys.slots[keys.slot_id("baomi")] = keys.slots[keys.slot_id("jiyao")]
    with pytest.raises(WrongPassword):
        keys.unwrap("baomi", "Password-0001")


def test_a_rewrapped_slot_takes_only_the_new_password(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "r.keys", "room-1")
    cheap = KdfParams(time_cost=1, memory_kib=8192)
    keys.add_slot("jiyao", "Password-0001", DATA_KEY, cheap)
    keys.add_slot("jiyao", "Password-0002", DATA_KEY, cheap)
    assert keys.unwrap("jiyao", "Password-0002") == DATA_KEY
    with pytest.raises(WrongPassword):
        keys.unwrap("jiyao", "Password-0001")


def test_a_missing_or_garbled_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(NotAMijianDatabase):
        KeyFile.load(tmp_path / "none.keys")
    (tmp_path / "bad.keys").write_text("{not json", encoding="utf-8")
    with pytest.raises(NotAMijianDatabase, match="密钥文件"):
        KeyFile.load(tmp_path / "bad.keys")


# ---- format 2: generations, sealing, format 1 -----------------------------------------------
CHEAP = KdfParams(time_cost=1, memory_kib=8192)
NEXT_KEY = bytes(range(32, 64))


def _two_accounts(path: Path) -> KeyFile:
    keys = KeyFile(path, "room-1")
    keys.add_slot("jiyao", "Password-0001", DATA_KEY, CHEAP)
    keys.add_slot("baomi", "Another-pass-2", DATA_KEY, CHEAP)
    keys.save()
    return keys


def test_a_new_generation_is_sealed_without_any_password(tmp_path: Path) -> None:
    keys = _two_accounts(tmp_path / "r.keys")
    for sid in keys.slots:
        keys.seal_to(sid, 1, NEXT_KEY)
    keys.save()
    loaded = KeyFile.load(tmp_path / "r.keys")
    assert loaded.generations == [0, 1]
    assert loaded.unwrap_all("baomi", "Another-pass-2") == [(1, NEXT_KEY), (0, DATA_KEY)]
    assert loaded.unwrap("jiyao", "Password-0001") == NEXT_KEY
    loaded.drop_generation(0)
    assert loaded.generations == [1]
    assert loaded.unwrap_all("jiyao", "Password-0001") == [(1, NEXT_KEY)]


def test_an_old_copy_of_the_file_never_yields_the_new_key(tmp_path: Path) -> None:
    keys = _two_accounts(tmp_path / "r.keys")
    old = (tmp_path / "r.keys").read_bytes()
    keys.remove_slot("baomi")
    for sid in keys.slots:
        keys.seal_to(sid, 1, NEXT_KEY)
    keys.drop_generation(0)
    keys.save()
    (tmp_path / "old.keys").write_bytes(old)
    stale = KeyFile.load(tmp_path / "old.keys")
    assert stale.unwrap("baomi", "Another-pass-2") == DATA_KEY  # yesterday's key only
    assert NEXT_KEY not in (k for _, k in stale.unwrap_all("jiyao", "Password-0001"))


def test_a_sealed_key_moved_to_another_slot_or_generation_does_not_open(tmp_path: Path) -> None:
    keys = _two_accounts(tmp_path / "r.keys")
    jiyao, baomi = keys.slot("jiyao"), keys.slot("baomi")
    assert jiyao is not None and baomi is not None
    jiyao.sealed[1] = jiyao.sealed[0]  # replayed as another generation
    with pytest.raises(WrongPassword):
        keys.unwrap_all("jiyao", "Password-0001")
    del jiyao.sealed[1]
    baomi.public = jiyao.public  # a substituted public key breaks the owner's unwrap
    with pytest.raises(WrongPassword):
        keys.unwrap("baomi", "Another-pass-2")


def test_a_password_change_gives_a_new_key_pair(tmp_path: Path) -> None:
    keys = _two_accounts(tmp_path / "r.keys")
    before = keys.slot("jiyao")
    keys.add_slot("jiyao", "Password-0002", DATA_KEY, CHEAP)
    after = keys.slot("jiyao")
    assert before is not None and after is not None and before.public != after.public


def test_saving_over_a_file_rotated_elsewhere_is_refused(tmp_path: Path) -> None:
    _two_accounts(tmp_path / "r.keys")
    stale = KeyFile.load(tmp_path / "r.keys")
    rotating = KeyFile.load(tmp_path / "r.keys")
    for sid in rotating.slots:
        rotating.seal_to(sid, 1, NEXT_KEY)
    rotating.save()
    rotating.drop_generation(0)
    rotating.save()
    stale.pending_events.append({"action": "登录失败"})
    with pytest.raises(MijianError, match="别处更新"):
        stale.save()
    assert KeyFile.load(tmp_path / "r.keys").generations == [1]


def test_a_format_1_file_is_read_and_each_slot_converted_at_its_unlock(tmp_path: Path) -> None:
    keys = _format_1_file(tmp_path / "r.keys")
    loaded = KeyFile.load(tmp_path / "r.keys")
    assert loaded.legacy_ids() == set(loaded.slots)
    assert loaded.unwrap("jiyao", "Password-0001") == DATA_KEY
    on_disk = json.loads((tmp_path / "r.keys").read_text(encoding="utf-8"))
    assert on_disk["format"] == "mijian-keys-2"
    again = KeyFile.load(tmp_path / "r.keys")
    assert again.legacy_ids() == {keys.slot_id("baomi")}
    assert again.unwrap_all("jiyao", "Password-0001") == [(0, DATA_KEY)]
    with pytest.raises(MijianError, match="尚未转换"):
        again.seal_to(again.slot_id("baomi"), 1, NEXT_KEY)
    assert again.unwrap("baomi", "Another-pass-2") == DATA_KEY
    assert again.legacy_ids() == set()


def _format_1_file(path: Path) -> KeyFile:
    """The file as the program wrote it before format 2 (AES-GCM of the data key itself)."""
    keys = KeyFile(path, "room-1")
    slots = {}
    for login, password in (("jiyao", "Password-0001"), ("baomi", "Another-pass-2")):
        sid = keys.slot_id(login)
        salt, nonce = os.urandom(16), os.urandom(12)
        kek = derive(password, salt, CHEAP)
        wrapped = AESGCM(kek).encrypt(nonce, DATA_KEY, f"mijian-keys-1\0room-1\0{sid}".encode())
        slots[sid] = {
            "kdf": "argon2id",
            "params": {"time_cost": 1, "memory_kib": 8192, "parallelism": 1},
            "salt": base64.b64encode(salt).decode(),
            "nonce": base64.b64encode(nonce).decode(),
            "wrapped": base64.b64encode(wrapped).decode(),
            "failures": 0,
            "locked_until": None,
        }
    data = {"format": "mijian-keys-1", "room_id": "room-1", "slots": slots, "pending_events": []}
    path.write_text(json.dumps(data), encoding="utf-8")
    return keys


def test_a_public_key_put_in_without_the_data_key_is_untrusted(tmp_path: Path) -> None:
    keys = _two_accounts(tmp_path / "r.keys")
    assert keys.untrusted_ids(0, DATA_KEY) == set()
    forged = KeyFile(tmp_path / "f.keys", "room-1")
    forged.add_slot("baomi", "Attacker-pass-1", NEXT_KEY, CHEAP)
    keys.slots[keys.slot_id("baomi")] = forged.slots[forged.slot_id("baomi")]
    keys.save()
    assert KeyFile.load(tmp_path / "r.keys").untrusted_ids(0, DATA_KEY) == {keys.slot_id("baomi")}
