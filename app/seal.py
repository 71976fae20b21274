"""Forward-secure sealing of the audit trail.

The chain (app/audit.py) makes every event depend on all before it, but anyone holding today's
data key can recompute it from any point. Sealing closes that: the trail is cut into periods
(one ends at every 日终清点, and at least one a day), and each period's last chain head is
authenticated with an HMAC under that period's key K_p. After sealing, the key evolves one way,
K_{p+1} = SHA-256("mijian-seal-evolve" ‖ K_p), and K_p is overwritten in place (the connection
runs with secure_delete, and the write-ahead log is truncated after the seal). An insider who
holds every password and file today holds only K_now: computing an earlier K_p means inverting
SHA-256, so no earlier period can be re-sealed after a rewrite.

Why this construction (Bellare–Yee forward-secure MACs, the scheme behind Schneier and Kelsey's
secure audit logs and, with a different key evolution, systemd journald's Forward Secure
Sealing): the machine has no second party to hold keys, so the verifier must be able to derive
every period's key from something kept off the machine. K_0 is that thing: it is generated at
room creation, sealed into period 0 at once, evolved, and shown only once, on the printed
审计验证密钥 sheet that the security officer keeps in the safe. journald's FSPRG gives the same
property with a seekable generator; a hash chain is simpler, needs no big-number code, and a
verifier with K_0 walks forward at about a million periods a second, far beyond a room's
lifetime of daily periods. A symmetric sheet lets its holder forge seals too: it is the audit
root of trust and belongs in the safe, never on the machine.

Period numbers are consecutive; a restore may jump them forward (the restored room continues
with the live room's newer key, or, when the live room is lost, with a key derived from the
sheet far beyond any the machine ever held). A jump is marked on the seal and named by every
verification.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass

from app.clock import Clock, parse_stamp, stamp
from app.errors import InvalidInput
from db.connection import Database

KEY_BYTES = 32
_EVOLVE = b"mijian-seal-evolve\0"
_MAC = "mijian-seal-v1"
SHEET_PREFIX = "MJSEAL1"
# When a restore has no live key to carry forward, sealing resumes this many periods past the
# backup's: far beyond any period the lost room could have reached (one a day is 274 years).
RESTART_JUMP = 100_000


def evolve(key: bytes) -> bytes:
    return hashlib.sha256(_EVOLVE + key).digest()


def key_at(first: bytes, period: int) -> bytes:
    key = first
    for _ in range(period):
        key = evolve(key)
    return key


def mac(key: bytes, room_id: str, period: int, first_seq: int, last_seq: int, head: str) -> str:
    text = f"{_MAC}|{room_id}|{period}|{first_seq}|{last_seq}|{head}"
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


# ---- the sheet ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class VerificationKey:
    """K_0 with the room it belongs to, as printed on the 审计验证密钥 sheet."""

    room_id: str
    key: bytes

    @property
    def check(self) -> str:
        return hashlib.sha256(b"check\0" + self.key).hexdigest()[:6].upper()

    @property
    def text(self) -> str:
        """What the QR code carries and what may be typed instead."""
        return f"{SHEET_PREFIX}:{self.room_id.upper()}:{self.key.hex().upper()}:{self.check}"

    @property
    def groups(self) -> list[str]:
        """The key in groups of four for typing from paper."""
        hexed = self.key.hex().upper()
        return [hexed[i : i + 4] for i in range(0, len(hexed), 4)]


def parse_verification_key(text: str, room_id: str) -> VerificationKey:
    """From a scanned QR (`MJSEAL1:room:key:check`) or the key typed in groups."""
    raw = unicodedata.normalize("NFKC", text).strip()
    room, check = room_id, ""
    if raw.upper().startswith(SHEET_PREFIX + ":"):
        parts = raw.split(":")
        if len(parts) != 4:
            raise InvalidInput("审计验证密钥的二维码内容不完整，请重新扫描。")
        _, room, raw, check = parts
    hexed = re.sub(r"[\s\-]", "", raw).upper()
    if not re.fullmatch(r"[0-9A-F]{64}", hexed):
        raise InvalidInput("审计验证密钥应为 64 位十六进制字符（0–9、A–F），请核对后重新输入。")
    found = VerificationKey(room_id, bytes.fromhex(hexed))
    if check and check.upper() != found.check:
        raise InvalidInput("审计验证密钥的校验码不符，请重新扫描或核对输入。")
    if room.lower() != room_id.lower():
        raise InvalidInput("这张审计验证密钥属于另一个机要室。")
    return found


# ---- sealing -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Seal:
    period: int
    first_seq: int
    last_seq: int
    head: str
    sealed_at: str
    jump: bool
    code: str


def has_begun(db: Database) -> bool:
    """Sealing was begun at some time (it may since have stopped; see `stopped_reason`)."""
    return db.one("SELECT 1 FROM audit_seal_key") is not None


def is_started(db: Database) -> bool:
    return db.one("SELECT 1 FROM audit_seal_key WHERE key IS NOT NULL") is not None


def start(db: Database, clock: Clock, room_id: str) -> VerificationKey:
    """Begin sealing: a fresh K_0, period 0 sealed at once, K_0 gone from the room.

    Runs inside the caller's transaction, after at least one event of it; returns the key for
    the sheet (the only copy)."""
    if not db.in_transaction:
        raise RuntimeError("seal.start must run inside a transaction")
    if has_begun(db):
        raise InvalidInput("审计链已开始封存，审计验证密钥只在开始时打印一次。")
    first = os.urandom(KEY_BYTES)
    db.execute("INSERT INTO audit_seal_key (id, period, key) VALUES (1, 0, ?)", (first,))
    if seal(db, clock, room_id) is None:
        raise RuntimeError("seal.start needs an event to seal")
    return VerificationKey(room_id, first)


def seal(db: Database, clock: Clock, room_id: str) -> Seal | None:
    """Seal every event since the last seal as the open period, then evolve the key.

    Inside the caller's transaction, so the seal lands with the change that asked for it (a
    day close) or not at all. None when there is nothing to seal or sealing has not started."""
    if not db.in_transaction:
        raise RuntimeError("seal.seal must run inside a transaction")
    state = current_state(db)
    if state is None:
        return None
    last = db.one("SELECT last_seq FROM audit_seal ORDER BY period DESC LIMIT 1")
    first_seq = 1 if last is None else int(last["last_seq"]) + 1
    tail = db.one("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    if tail is None or int(tail["seq"]) < first_seq:
        return None
    period, key = state
    previous = db.scalar("SELECT max(period) FROM audit_seal")
    jump = previous is not None and period != int(previous) + 1
    now = stamp(clock.now())
    code = mac(key, room_id, period, first_seq, int(tail["seq"]), tail["hash"])
    db.execute(
        "INSERT INTO audit_seal (period, first_seq, last_seq, head, sealed_at, jump, mac)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            period,
            first_seq,
            tail["seq"],
            tail["hash"],
            now,
            int(jump),
            code,
        ),
    )
    db.execute(
        "UPDATE audit_seal_key SET period = ?, key = ? WHERE id = 1", (period + 1, evolve(key))
    )
    db.memo["sealed"] = True
    return Seal(period, first_seq, int(tail["seq"]), tail["hash"], now, jump, code)


def seal_if_due(db: Database, clock: Clock, room_id: str | None = None) -> Seal | None:
    """At least one seal a day: seal when the last one is from an earlier day.

    Called at every login and, through `audit.record`, in the first write transaction of each
    new day, so a window left open for days still seals daily."""
    if not due(db, clock):
        return None
    if room_id is None:
        room_id = str(db.scalar("SELECT room_id FROM room WHERE id = 1"))
    with db.transaction():
        return seal(db, clock, room_id)


def due(db: Database, clock: Clock) -> bool:
    last = db.scalar("SELECT sealed_at FROM audit_seal ORDER BY period DESC LIMIT 1")
    if last is None:
        return False  # not started (an upgraded room): nothing to evolve
    try:
        return parse_stamp(str(last)).date() < clock.now().date()
    except ValueError:
        return False  # a damaged seal row: verification names it


def current_state(db: Database) -> tuple[int, bytes] | None:
    """(period, key) of the open period; None when sealing is stopped or its row is damaged
    (verification and `check` say which)."""
    row = db.one("SELECT period, key FROM audit_seal_key WHERE id = 1")
    if row is None or not isinstance(row["key"], bytes) or len(row["key"]) != KEY_BYTES:
        return None
    if not isinstance(row["period"], int) or row["period"] < 0:
        return None
    return int(row["period"]), bytes(row["key"])


STOPPED_MARK = "stopped"


def stopped_reason(db: Database) -> tuple[bool, str] | None:
    """Why a room that has begun sealing no longer seals, as (expected, message); None when it
    seals (or never began).

    A backup copy carries no key, and a restore without a live key to carry forward stops
    sealing until the sheet resumes it: both say so in an event after the last seal (expected).
    Anything else that stops it (the key row deleted, nulled or damaged by SQL) is tampering."""
    if db.scalar("SELECT count(*) FROM audit_seal") == 0:
        return None
    if current_state(db) is not None:
        return None
    last = int(db.scalar("SELECT max(last_seq) FROM audit_seal"))
    said = db.one(
        "SELECT seq, action FROM audit_event WHERE action IN ('从备份恢复', '备份副本') AND seq > ?"
        " AND json_extract(details, '$.seal') LIKE 'stopped%' ORDER BY seq DESC LIMIT 1",
        (last,),
    )
    if said is not None and db.one("SELECT 1 FROM audit_seal_key WHERE id = 1 AND key IS NULL"):
        if said["action"] == "备份副本":
            return True, "这是一份备份：备份不带封存密钥，恢复时沿用现有机要室的封存密钥。"
        return True, (
            f"封存已中断：第 {said['seq']} 条从备份恢复时没有可延续的封存密钥，"
            "须由安全审计员或安全保密管理员用审计验证密钥恢复封存。"
        )
    return (
        False,
        "封存密钥记录被删除或改动，封存已停止：这是对审计记录的篡改，请报告安全保密管理员。",
    )


def set_state(db: Database, period: int, key: bytes) -> None:
    """A restore carries a sealing key forward (never backwards). Inside a transaction."""
    last = db.scalar("SELECT max(period) FROM audit_seal")
    if last is not None and period <= int(last):
        raise RuntimeError("a sealing key may only move forward")
    db.execute(
        "INSERT INTO audit_seal_key (id, period, key) VALUES (1, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET period = excluded.period, key = excluded.key",
        (period, key),
    )


def seals(db: Database) -> list[Seal]:
    return [
        Seal(
            r["period"],
            r["first_seq"],
            r["last_seq"],
            r["head"],
            r["sealed_at"],
            bool(r["jump"]),
            r["mac"],
        )
        for r in db.query("SELECT * FROM audit_seal ORDER BY period")
    ]
