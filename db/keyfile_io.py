"""Reading and writing the key-slot file as JSON (formats 1 and 2; always writes format 2)."""

from __future__ import annotations

import base64
import contextlib
import errno
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from db.errors import KeysFileWriteFailed, NotAMijianDatabase
from db.keyseal import KdfParams, Sealed

FORMAT = "mijian-keys-2"
FORMAT_1 = "mijian-keys-1"


@dataclass(frozen=True)
class RawKeyFile:
    room_id: str
    demo: bool
    # Slot id -> the keyword arguments of keyslots.Slot.
    slots: dict[str, dict[str, Any]]
    pending_events: list[dict[str, Any]]
    rotation_due: dict[str, Any] | None = None

    @property
    def generations(self) -> list[int]:
        found: set[int] = set()
        for slot in self.slots.values():
            found |= {0} if slot["public"] is None else set(slot["sealed"])
        return sorted(found) or [0]


def read(path: Path) -> RawKeyFile:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        version = raw.get("format")
        if version not in (FORMAT, FORMAT_1):
            raise ValueError("format")
        return RawKeyFile(
            room_id=raw["room_id"],
            demo=bool(raw.get("demo", False)),
            slots={sid: _slot_from_json(s, version) for sid, s in raw["slots"].items()},
            pending_events=list(raw.get("pending_events", [])),
            rotation_due=raw.get("rotation_due"),
        )
    except FileNotFoundError:
        raise NotAMijianDatabase() from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise NotAMijianDatabase("密钥文件（.keys）格式不正确或已损坏。") from None


def write(
    path: Path,
    room_id: str,
    demo: bool,
    slots: Mapping[str, Any],
    pending_events: list[dict[str, Any]],
    rotation_due: dict[str, Any] | None = None,
) -> None:
    """Atomically: temp file, fsync, rename, then fsync the folder so that the rename itself
    survives a power cut before any later step of a key rotation does."""
    data = {
        "format": FORMAT,
        "room_id": room_id,
        "demo": demo,
        "slots": {sid: _slot_to_json(s) for sid, s in slots.items()},
        "pending_events": pending_events,
    }
    if rotation_due is not None:
        data["rotation_due"] = rotation_due
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(data, ensure_ascii=False, indent=1)
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        # The old file is untouched until the rename: leave it so, and leave nothing beside it.
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _write_failed(exc) from exc
    # The rename is done: the new file is the keys file even if syncing the folder fails.
    with contextlib.suppress(OSError):
        fsync_dir(path.parent)


def _write_failed(exc: OSError) -> KeysFileWriteFailed:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return KeysFileWriteFailed(
            "磁盘空间不足，密钥文件（.keys）未能写入，本次更改未生效。请腾出磁盘空间后重试。"
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return KeysFileWriteFailed(
            "密钥文件（.keys）所在位置不可写（只读或无权限），本次更改未生效。"
        )
    return KeysFileWriteFailed()


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder for fsync; NTFS journals renames
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _slot_to_json(slot: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kdf": "argon2id",
        "params": asdict(slot.kdf),
        "salt": _b64(slot.salt),
        "nonce": _b64(slot.nonce),
        "wrapped": _b64(slot.wrapped),
        "failures": slot.failures,
        "locked_until": slot.locked_until,
    }
    if slot.public is None:
        out["legacy"] = True  # a format-1 slot not yet converted
    else:
        out["public"] = _b64(slot.public)
        out["sealed"] = {
            str(gen): {
                "ephemeral": _b64(s.ephemeral),
                "nonce": _b64(s.nonce),
                "box": _b64(s.box),
                "tag": _b64(s.tag),
            }
            for gen, s in sorted(slot.sealed.items())
        }
    return out


def _slot_from_json(raw: dict[str, Any], version: str) -> dict[str, Any]:
    if raw["kdf"] != "argon2id":
        raise ValueError("kdf")
    legacy = version == FORMAT_1 or bool(raw.get("legacy", False))
    sealed = {} if legacy else raw["sealed"]
    return {
        "kdf": KdfParams(**raw["params"]),
        "salt": _unb64(raw["salt"]),
        "nonce": _unb64(raw["nonce"]),
        "wrapped": _unb64(raw["wrapped"]),
        "failures": int(raw.get("failures", 0)),
        "locked_until": raw.get("locked_until"),
        "public": None if legacy else _unb64(raw["public"]),
        "sealed": {
            int(gen): Sealed(
                _unb64(s["ephemeral"]),
                _unb64(s["nonce"]),
                _unb64(s["box"]),
                _unb64(s.get("tag", "")),  # none: never trusted by a rotation (keyslots.py)
            )
            for gen, s in sealed.items()
        },
    }
