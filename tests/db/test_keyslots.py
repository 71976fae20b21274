"""Key slots: one per account, wrapped with AES-256-GCM under an Argon2id key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db.errors import NotAMijianDatabase, WrongPassword
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
