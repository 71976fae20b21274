"""One encrypted SQLCipher connection, opened in a fixed order: key, proof, pragmas, checks.

Thread contract: a `Database` belongs to one thread, which alone uses it. The window's
connection belongs to the GUI thread; the task worker (ui/tasks.py) opens its own connection to
the same room on the worker thread (app.room.worker_session) and closes it there.
`check_same_thread` is off only so that a connection may be opened by one thread and then owned
by another (the tests' synchronous runner, a worker handed a connection); it never means two
threads share one: two connections to the room, in WAL mode, are how they work side by side.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import sqlcipher3

from db import sqlite_codes
from db.errors import (
    DatabaseDamaged,
    DatabaseInUse,
    DiskFull,
    MijianError,
    NotAMijianDatabase,
    WeakConfiguration,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
OPEN_ON_FULL_DISK = (
    "磁盘空间不足，无法打开数据库。数据库文件本身没有损坏，已保存的记录不受影响；"
    "请腾出磁盘空间后重新打开。"
)

# What this program insists on; opening refuses anything weaker.
# WAL with synchronous=FULL: every COMMIT fsyncs the write-ahead log before it returns, so a
# committed change survives a crash or power cut (NORMAL in WAL mode only promises consistency
# and may lose the last commits). WAL also lets a backup read while the window keeps writing.
REQUIRED_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "2",
    "foreign_keys": "1",
    "temp_store": "2",
}
REQUIRED_CIPHER = {
    "cipher_page_size": "4096",
    "cipher_hmac_algorithm": "HMAC_SHA512",
    "cipher_use_hmac": "1",
    "cipher_plaintext_header_size": "0",
}

Row = sqlcipher3.Row


class Database:
    """A thin DB-API wrapper: SQL written out in full, one transaction helper."""

    def __init__(self, conn: Any, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._depth = 0
        # Values read under the current transaction's write lock (BEGIN IMMEDIATE): no other
        # writer can change them before it ends, so a bulk job may reuse them. Cleared at
        # every outermost BEGIN, COMMIT and ROLLBACK.
        self.memo: dict[Any, Any] = {}
        # Called with the committed transaction's memo right after every outermost COMMIT
        # (the room's anchor follows the audit tail this way). It must not raise: the change
        # it follows is already on disk.
        self.on_commit: Callable[[dict[Any, Any]], None] | None = None
        self._turns = _turns(path)

    # ---- opening ------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, key: bytes, *, create: bool = False) -> Database:
        path = Path(path)
        if not create and not path.exists():
            raise NotAMijianDatabase(f"找不到数据库文件：{path}")
        if create and path.exists():
            raise MijianError(f"文件已存在，不会覆盖：{path}")
        conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
        try:
            # SQLCipher prints its own errors to stderr; the user must never see them.
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            _prove_key(conn, path)
            conn.execute("PRAGMA busy_timeout = 5000")  # set_busy_timeout(0.5) sets 0 ms
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            # Deleted or overwritten content is zeroed in the file: an evolved audit sealing key
            # must not survive in a free page (app/seal.py).
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            # 64 MiB of decrypted pages: with SQLite's default 2 MiB every register page and
            # search re-decrypts the same index pages (measured 1.5–2.8x slower than plain).
            conn.execute("PRAGMA cache_size = -65536")

            _require_configuration(conn)
        except sqlcipher3.DatabaseError as exc:
            conn.close()
            _raise_translated(exc, path, opening=True)
        except BaseException:
            conn.close()
            raise
        conn.row_factory = sqlcipher3.Row
        return cls(conn, path)

    def close(self) -> None:
        self._conn.close()

    # ---- statements ---------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        try:
            return self._conn.execute(sql, params)
        except sqlcipher3.DatabaseError as exc:
            _raise_translated(exc, self.path)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            self._conn.executemany(sql, rows)
        except sqlcipher3.DatabaseError as exc:
            _raise_translated(exc, self.path)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:

        return list(self.execute(sql, params).fetchall())

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows as plain tuples, for the few hot lists read by position: a named row costs about
        6 µs more for 17 columns (the desk's out-list is rebuilt after every handover)."""
        try:
            cursor = self._conn.cursor()
            cursor.row_factory = None
            return list(cursor.execute(sql, params).fetchall())
        except sqlcipher3.DatabaseError as exc:
            _raise_translated(exc, self.path)

    def executescript(self, sql: str) -> None:
        try:
            self._conn.executescript(sql)
        except sqlcipher3.DatabaseError as exc:
            _raise_translated(exc, self.path)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """BEGIN IMMEDIATE … COMMIT; a nested call joins the outer transaction.

        Writers in this process take turns first come, first served (`_Turns`) before SQLite's
        own lock: the window's one handover must not wait behind a whole import's run of
        transactions, which SQLite's polling busy handler would let happen (measured: a desk
        handover waited up to 1 s behind 0.2 s import transactions; with turns, one at most,
        and the import ends its transaction as soon as it sees `writer_waiting`).
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        turns = self._turns
        turns.take()
        try:
            with self._outermost():
                yield self
        finally:
            turns.give()
        # After the anchor: the anchor hears of the commit as early as it can.
        self._checkpoint_quietly()

    @property
    def writer_waiting(self) -> bool:
        """Inside a transaction: another connection of this process waits to write. A long job
        (the ledger import) commits early when it sees one."""
        return self._turns.waiting()

    @contextmanager
    def _outermost(self) -> Iterator[None]:
        self.execute("BEGIN IMMEDIATE")
        self._depth = 1
        self.memo.clear()
        try:
            yield
        except BaseException:
            self._depth = 0
            self.memo.clear()
            self._rollback_quietly()
            raise
        self._depth = 0
        committed = dict(self.memo)
        self.memo.clear()
        try:
            self._conn.execute("COMMIT")
        except sqlcipher3.DatabaseError as exc:
            self._rollback_quietly()
            _raise_translated(exc, self.path)
        if self.on_commit is not None:
            self.on_commit(committed)

    def _checkpoint_quietly(self) -> None:
        """Copy the committed pages into the room file right away (PASSIVE: never waits).

        WAL recovery stops at the first bad frame, so one flipped bit in an un-checkpointed
        -wal used to drop every later commit (bench/faults.py: 100 of 100 flips lost 1 to 25
        commits; the anchor refused every such room, but the commits were gone). Checkpointed
        frames are already in the room file, so a flip can now cost at most the last commit,
        and the anchor still refuses that. Measured on bench/rooms/small: a commit p50 0.9 ms
        becomes 1.5 ms. A failure here (a full disk) is harmless: the commit is in the -wal.
        """
        with contextlib.suppress(sqlcipher3.DatabaseError):
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _rollback_quietly(self) -> None:
        """Undo what SQLite has not undone already, never masking the error being handled.

        After SQLITE_FULL, IOERR or some CORRUPT errors SQLite has rolled back by itself, and a
        second ROLLBACK would raise "cannot rollback - no transaction is active" in its place.
        """
        if not self._conn.in_transaction:
            return
        with contextlib.suppress(sqlcipher3.DatabaseError):
            self._conn.execute("ROLLBACK")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @property
    def depth(self) -> int:
        """How many `transaction()` blocks are open (1 = the outermost)."""
        return self._depth

    # ---- maintenance --------------------------------------------------------------------
    @property
    def user_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def integrity_problems(self) -> list[str]:
        """Empty when both SQLite's structure check and SQLCipher's page HMAC check pass."""
        try:
            problems = [r[0] for r in self.query("PRAGMA cipher_integrity_check")]
        except MijianError as exc:
            problems = [f"页校验无法完成：{exc}"]
        try:
            rows = [r[0] for r in self.query("PRAGMA integrity_check")]
        except (MijianError, sqlcipher3.DatabaseError) as exc:
            rows = [f"结构校验无法完成：{exc}"]
        if rows != ["ok"]:
            problems.extend(rows)
        return problems

    def export_to(self, dest: Path, key: bytes) -> None:
        """A consistent encrypted copy in a fresh file with its own salt (never a raw copy)."""
        version = self.user_version
        self.execute("ATTACH DATABASE ? AS export KEY ?", (str(dest), f"x'{key.hex()}'"))
        try:
            self.execute("SELECT sqlcipher_export('export')")
            self.execute(f"PRAGMA export.user_version = {version:d}")
        finally:
            self.execute("DETACH DATABASE export")

    def reconnect(self, path: Path, key: bytes) -> None:
        """Close this connection and open `path` with `key` in its place, in `open`'s order.

        After a key rotation the room is a new file under a new key; every holder of this object
        (the window's pages keep `session.db`) follows it. Closing first: two connections to the
        same path during the swap are what the rotation must avoid.
        """
        if self._depth:
            raise RuntimeError("reconnect inside a transaction")
        self._conn.close()
        fresh = Database.open(path, key)
        self._conn, self.path, self._turns = fresh._conn, fresh.path, fresh._turns
        self.memo.clear()


class _Turns:
    """A fair lock: the writers of one room file in this process go in the order they came.

    Another process still meets SQLite's busy timeout as before; this only orders the window
    and its task worker, whose connections would otherwise race for SQLite's lock. A writer
    that waits longer than `patience` (a bug: one thread writing on a second connection inside
    its own transaction; or a job that never yields) gives up its place with DatabaseInUse
    instead of hanging the window.
    """

    def __init__(self, patience: float = 15.0) -> None:
        self._changed = threading.Condition()
        self._next = 0
        self._serving = 0
        self._abandoned: set[int] = set()
        self._patience = patience

    def take(self) -> None:
        with self._changed:
            ticket = self._next
            self._next += 1
            deadline = time.monotonic() + self._patience
            while ticket != self._serving:
                left = deadline - time.monotonic()
                if left <= 0 or not self._changed.wait(left):
                    if ticket == self._serving:
                        break
                    self._abandoned.add(ticket)
                    raise DatabaseInUse(sqlite_codes.IN_USE)

    def waiting(self) -> bool:
        """Someone is queued behind the writer that holds the turn."""
        with self._changed:
            return self._next - self._serving - len(self._abandoned) > 1

    def give(self) -> None:
        with self._changed:
            self._serving += 1
            while self._serving in self._abandoned:
                self._abandoned.discard(self._serving)
                self._serving += 1
            self._changed.notify_all()


_TURNS: dict[str, _Turns] = {}
_TURNS_GUARD = threading.Lock()


def _turns(path: Path) -> _Turns:
    key = str(Path(path).resolve())
    with _TURNS_GUARD:
        if key not in _TURNS:
            _TURNS[key] = _Turns()
        return _TURNS[key]


def _prove_key(conn: Any, path: Path) -> None:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        if sqlite_codes.primary_code(exc) not in (sqlite_codes.SQLITE_NOTADB, None):
            # A full disk, a read-only folder or a busy file is not damage: say which it is.
            _raise_translated(exc, path, opening=True)
        raise _classify_unreadable(conn, path) from exc


def _classify_unreadable(conn: Any, path: Path) -> MijianError:
    """The key came from a valid slot, yet SQLCipher cannot read page 1: why?

    A wrong key and a damaged first page both say "file is not a database"; the per-page HMAC
    check tells them apart: if some pages verify, the key is right and the file is damaged.
    """
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head == SQLITE_MAGIC or len(head) < 16:
        return NotAMijianDatabase()
    try:
        rows = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    except sqlcipher3.DatabaseError as exc:
        typed = sqlite_codes.classify(exc, path)
        return typed if isinstance(typed, MijianError) else DatabaseDamaged()
    pages = max(1, path.stat().st_size // 4096)
    failed = sum(1 for r in rows if "HMAC verification failed" in r)
    if failed >= pages:
        return NotAMijianDatabase("数据库文件与密钥文件不匹配，或不是密件台账数据库。")
    return DatabaseDamaged()


def _require_configuration(conn: Any) -> None:
    version = conn.execute("PRAGMA cipher_version").fetchone()
    if not version or not str(version[0]).startswith("4."):
        raise WeakConfiguration("需要 SQLCipher 4，当前加密库版本不符。")
    for name, wanted in {**REQUIRED_CIPHER, **REQUIRED_PRAGMAS}.items():
        row = conn.execute(f"PRAGMA {name}").fetchone()
        got = "" if row is None else str(row[0]).lower()
        if got != wanted.lower():
            raise WeakConfiguration(
                f"安全设置 {name} 为 {got or '空'}，要求 {wanted}，程序拒绝运行。"
            )


def _raise_translated(
    exc: sqlcipher3.DatabaseError, path: Path, *, opening: bool = False
) -> NoReturn:
    """Raise the typed error for `exc` (db/sqlite_codes.py), or `exc` itself when it is ours."""
    typed = sqlite_codes.classify(exc, path)
    if typed is exc:
        raise exc
    if opening and isinstance(typed, DiskFull):
        # Opening a WAL room writes (the -shm index, WAL recovery): a full disk stops it.
        typed = DiskFull(OPEN_ON_FULL_DISK)
    raise typed from exc
