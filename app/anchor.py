"""The room's anchor: a small file outside the room file that remembers how far the room came.

`room.mjdb.anchor` holds the sequence number and chain head of the newest audit event the room
has committed, authenticated with an HMAC under a key derived from the room's own secret (so
it is bound to this room and cannot be edited by hand without the room open). It is rewritten
after every committed transaction that added audit events. Opening a room whose trail does not
contain the anchor's event (an older copy of the room file put back, commits lost in a crash or
a damaged write-ahead log) is refused until the security officer accepts it (audited), which
moves the anchor to where the room now is. A restore sets the anchor deliberately.

What it cannot catch: the room file, its keys and its anchor all replaced together by someone
who holds a password. Only paper catches that: the chain heads printed on every signed 日终清点表
(`mijian audit verify --head …`) and the sealed periods checked with the 审计验证密钥 sheet.

The anchor is written after the commit it records (temp file, fsync, rename; the folder is not
synced), so after a crash it can only be behind the room (harmless), never ahead of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import MijianError
from app.paths import RoomPaths
from db.connection import Database

FORMAT = "mijian-anchor-1"
SETTING = "anchor_since"

# The window's connection and the task worker's (ui/tasks.py) both follow the trail, from two
# threads: one writer at a time, since both use the same .tmp name. Their hooks may still run in
# the other order than their commits, leaving the anchor one commit behind until the next:
# behind is harmless (see above).
_WRITING = threading.Lock()


@dataclass(frozen=True)
class Point:
    seq: int
    head: str

    @property
    def label(self) -> str:
        return f"第 {self.seq} 条（链头 {self.head[:16]}…）"


class RoomBehindAnchor(MijianError):
    """The room file is not where this machine last saw it. Only the security officer may
    accept it; `room_point` and `anchor_point` say where each stands."""

    def __init__(self, message: str, room_point: Point | None, anchor_point: Point | None):
        super().__init__(message)
        self.room_point = room_point
        self.anchor_point = anchor_point


def anchor_path(db_path: Path) -> Path:
    return RoomPaths(db_path).anchor


def room_point(db: Database) -> Point | None:
    row = db.one("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    return None if row is None else Point(int(row["seq"]), row["hash"])


def _key(db: Database) -> tuple[str, bytes]:
    row = db.one("SELECT room_id, secret FROM room WHERE id = 1")
    if row is None:
        raise MijianError("数据库中没有机要室记录。")
    key = hmac.new(bytes(row["secret"]), b"mijian-anchor-v1", hashlib.sha256).digest()
    return str(row["room_id"]), key


def _mac(key: bytes, room_id: str, point: Point) -> str:
    text = f"{FORMAT}|{room_id}|{point.seq}|{point.head}"
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


class Anchor:
    """Reads and writes one room's anchor file. Holds the derived key in memory."""

    def __init__(self, db: Database, path: Path) -> None:
        self.path = path
        self.db = db
        self.room_id, self._key = _key(db)

    def write(self, point: Point) -> None:
        with _WRITING:
            self._write(point)

    def _write(self, point: Point) -> None:
        data = {
            "format": FORMAT,
            "room_id": self.room_id,
            "seq": point.seq,
            "head": point.head,
            "mac": _mac(self._key, self.room_id, point),
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(data))
                fh.flush()
                # Without this a crash right after the rename can leave an empty anchor, which
                # then refuses the room until the security officer accepts it.
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError:
            # Behind is harmless (see the module doc); the next commit or close tries again.
            with contextlib.suppress(OSError):
                tmp.unlink()

    def read(self) -> Point | None:
        """The anchored point; None when there is no file. A file that is not this room's, or
        whose MAC fails, raises RoomBehindAnchor."""
        try:
            raw: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            raise RoomBehindAnchor(
                "锚点文件（.anchor）无法读取或已损坏，无法确认机要室文件是否被替换。", None, None
            ) from None
        try:
            point = Point(int(raw["seq"]), str(raw["head"]))
            in_range = 0 <= point.seq < 2**63 and len(point.head) == 64
            valid = in_range and raw["format"] == FORMAT and raw["room_id"] == self.room_id
            valid = valid and hmac.compare_digest(
                str(raw["mac"]), _mac(self._key, self.room_id, point)
            )
        except (KeyError, TypeError, ValueError):
            valid = False
        if not valid:
            raise RoomBehindAnchor(
                "锚点文件（.anchor）不属于这个机要室或已被改动，无法确认机要室文件是否被替换。",
                None,
                None,
            )
        return point

    def on_commit(self, memo: dict[Any, Any]) -> None:
        """Database.on_commit hook: follow the audit tail the transaction wrote."""
        tail = memo.get("audit_tail")
        if tail is not None:
            self.write(Point(int(tail[0]), str(tail[1])))
        if memo.get("sealed"):
            # The old sealing key was overwritten in the database page (secure_delete), but its
            # page image is still in the write-ahead log: checkpoint and truncate it away.
            with contextlib.suppress(MijianError):
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def check(db: Database, anchor: Anchor) -> None:
    """Refuse a room whose trail does not reach its anchor; adopt a room that never had one."""
    here = room_point(db)
    point = anchor.read()
    had_anchor = db.scalar("SELECT value FROM setting WHERE key = ?", (SETTING,)) is not None
    if point is None:
        if had_anchor:
            raise RoomBehindAnchor(
                "找不到锚点文件（.anchor），而这个机要室此前有锚点：机要室文件可能是从别处拷回的旧文件。",
                here,
                None,
            )
        return
    found = db.scalar("SELECT hash FROM audit_event WHERE seq = ?", (point.seq,))
    if found != point.head:
        where = here.label if here else "没有任何记录"
        raise RoomBehindAnchor(
            f"机要室文件早于本机记录：文件停在{where}，本机记录已到{point.label}。"
            "可能是旧文件被拷回，或已提交的记录丢失。须由安全保密管理员确认后方可打开。",
            here,
            point,
        )


def adopt(db: Database) -> None:
    """Mark the room as anchored, inside the caller's transaction; its commit writes the anchor
    (Database.on_commit), and from then on a missing anchor file is refused."""
    db.execute(
        "INSERT OR IGNORE INTO setting (key, value) VALUES (?, '1')",
        (SETTING,),
    )
