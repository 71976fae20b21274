"""The SQLCipher connection: fixed opening order, enforced settings, clear failures."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from app.errors import DatabaseDamaged, DatabaseTooNew, NotAMijianDatabase
from db.connection import REQUIRED_PRAGMAS, Database
from db.migrate import head_version, migrate

KEY = bytes(range(32))


def make_db(path: Path, rows: int = 200) -> None:
    db = Database.open(path, KEY, create=True)
    migrate(db)
    with db.transaction():
        for i in range(rows):
            db.execute("INSERT INTO setting (key, value) VALUES (?, ?)", (f"k{i}", "机要" * 40))
    db.close()


def test_open_enforces_the_chosen_configuration(tmp_path: Path) -> None:
    make_db(tmp_path / "a.mjdb")
    db = Database.open(tmp_path / "a.mjdb", KEY)
    for name, wanted in REQUIRED_PRAGMAS.items():
        assert str(db.scalar(f"PRAGMA {name}")).lower() == wanted
    assert db.user_version == head_version()
    assert db.integrity_problems() == []
    db.close()


def test_file_holds_no_plaintext_header_or_text(tmp_path: Path) -> None:
    make_db(tmp_path / "a.mjdb")
    data = (tmp_path / "a.mjdb").read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert "机要".encode() not in data


def test_a_key_that_does_not_fit_is_not_called_damage(tmp_path: Path) -> None:
    make_db(tmp_path / "a.mjdb")
    with pytest.raises(NotAMijianDatabase):
        Database.open(tmp_path / "a.mjdb", bytes(32))


def test_a_plain_sqlite_file_is_not_a_mijian_database(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAMijianDatabase):
        Database.open(path, KEY)


def test_a_damaged_first_page_is_told_apart_from_a_wrong_key(tmp_path: Path) -> None:
    path = tmp_path / "a.mjdb"
    make_db(path)
    data = bytearray(path.read_bytes())
    data[100:140] = os.urandom(40)  # inside page 1, after the salt
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamaged):
        Database.open(path, KEY)


def test_a_tampered_later_page_fails_the_integrity_check(tmp_path: Path) -> None:
    path = tmp_path / "a.mjdb"
    make_db(path)
    data = bytearray(path.read_bytes())
    assert len(data) > 4096 * 4
    data[4096 * 3 + 500] ^= 0xFF
    path.write_bytes(bytes(data))
    db = Database.open(path, KEY)
    problems = db.integrity_problems()
    db.close()
    assert any("HMAC" in p for p in problems)


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    make_db(tmp_path / "a.mjdb")
    db = Database.open(tmp_path / "a.mjdb", KEY)
    db.execute(f"PRAGMA user_version = {head_version() + 1}")
    with pytest.raises(DatabaseTooNew):
        migrate(db)
    db.close()


def test_sqlcipher_says_nothing_on_stderr(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    make_db(tmp_path / "a.mjdb")
    with pytest.raises(NotAMijianDatabase):
        Database.open(tmp_path / "a.mjdb", bytes(32))
    captured = capfd.readouterr()
    assert "ERROR" not in captured.err
    assert captured.err == ""


def test_export_is_a_fresh_file_with_its_own_salt(tmp_path: Path) -> None:
    make_db(tmp_path / "a.mjdb")
    db = Database.open(tmp_path / "a.mjdb", KEY)
    db.export_to(tmp_path / "b.mjdb", KEY)
    db.close()
    assert (tmp_path / "a.mjdb").read_bytes()[:16] != (tmp_path / "b.mjdb").read_bytes()[:16]
    copy = Database.open(tmp_path / "b.mjdb", KEY)
    assert copy.user_version == head_version()
    assert copy.scalar("SELECT count(*) FROM setting WHERE key LIKE 'k%'") == 200
    copy.close()


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    make_db(tmp_path / "a.mjdb", rows=0)
    db = Database.open(tmp_path / "a.mjdb", KEY)
    with pytest.raises(RuntimeError), db.transaction():
        db.execute("INSERT INTO setting (key, value) VALUES ('a', 'b')")
        raise RuntimeError("boom")
    assert db.scalar("SELECT count(*) FROM setting WHERE key = 'a'") == 0
    db.close()


def test_migration_copies_the_file_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import db.migrate as m

    make_db(tmp_path / "a.mjdb", rows=3)
    extra = tmp_path / "migrations"
    extra.mkdir()
    for _number, path in m.migrations():
        (extra / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    nxt = head_version() + 1
    (extra / f"{nxt:04d}_probe.sql").write_text("CREATE TABLE probe (x);", encoding="utf-8")
    monkeypatch.setattr(m, "MIGRATIONS_DIR", extra)
    db = Database.open(tmp_path / "a.mjdb", KEY)
    copies: list[int] = []

    def copy_first(old: int) -> None:
        db.export_to(tmp_path / f"a.v{old}.bak", KEY)
        copies.append(old)

    assert migrate(db, before_change=copy_first) == nxt - 1
    assert copies == [nxt - 1]
    assert db.user_version == nxt
    db.close()
    old = Database.open(tmp_path / f"a.v{nxt - 1}.bak", KEY)
    assert old.user_version == nxt - 1
    assert old.scalar("SELECT count(*) FROM setting WHERE key LIKE 'k%'") == 3
    old.close()


def test_a_truncated_file_is_reported_damaged(tmp_path: Path) -> None:
    path = tmp_path / "a.mjdb"
    make_db(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 1000])
    try:
        db = Database.open(path, KEY)
    except DatabaseDamaged:
        return
    problems = db.integrity_problems()
    db.close()
    assert problems


def test_a_writer_that_cannot_get_its_turn_gives_up_calmly_and_the_queue_goes_on() -> None:
    """One thread writing on a second connection inside its own transaction would wait for
    itself for ever: it gives up its place with a calm 正被使用 message instead, and the
    writers after it are still served in order."""
    import threading

    from app.errors import DatabaseInUse
    from db.connection import _Turns

    turns = _Turns(patience=0.2)
    turns.take()  # the outer transaction holds the turn
    with pytest.raises(DatabaseInUse, match="正被其他程序或窗口使用"):
        turns.take()  # the same thread, a second connection: gives up after 0.2 s
    served: list[str] = []
    later = threading.Thread(target=lambda: (turns.take(), served.append("later"), turns.give()))
    later.start()
    turns.give()  # the abandoned ticket is skipped; the later writer goes next
    later.join(timeout=5)
    assert served == ["later"]
    assert not turns.waiting()
