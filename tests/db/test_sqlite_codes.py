"""SQLite failures classified by result code; transaction() never masks the first error."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3

from app.errors import (
    CannotOpenDatabase,
    DatabaseDamaged,
    DatabaseInUse,
    DatabaseReadOnly,
    DiskFull,
    DiskIOError,
)
from db import sqlite_codes
from db.connection import Database
from tests.db.test_connection import KEY, make_db


def _raised(code: int, text: str = "whatever the driver said") -> sqlcipher3.DatabaseError:
    exc = sqlcipher3.OperationalError(text)
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    return exc


@pytest.mark.parametrize(
    ("code", "typed"),
    [
        (13, DiskFull),
        (10, DiskIOError),
        (10 | (4 << 8), DiskIOError),  # SQLITE_IOERR_WRITE
        (11, DatabaseDamaged),
        (26, DatabaseDamaged),
        (8, DatabaseReadOnly),
        (14, CannotOpenDatabase),
        (5, DatabaseInUse),
        (6, DatabaseInUse),
        (5 | (2 << 8), DatabaseInUse),  # SQLITE_BUSY_SNAPSHOT
    ],
)
def test_the_result_code_decides_not_the_text(code: int, typed: type) -> None:
    found = sqlite_codes.classify(_raised(code, "no words that match"), None)
    assert type(found) is typed
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(found))


def test_text_only_when_the_code_is_generic() -> None:
    assert isinstance(sqlite_codes.classify(_raised(1, "database or disk is full")), DiskFull)
    syntax = _raised(1, 'near "SELEC": syntax error')
    assert sqlite_codes.classify(syntax) is syntax  # our bug: for the crash dialog


def test_a_real_driver_error_carries_its_code(tmp_path: Path) -> None:
    make_db(tmp_path / "a.mjdb", rows=1)
    db = Database.open(tmp_path / "a.mjdb", KEY)
    with pytest.raises(sqlcipher3.IntegrityError) as info:
        db.execute("INSERT INTO setting (key, value) VALUES ('k0', 'again')")
    assert info.value.sqlite_errorcode & 0xFF == 19  # SQLITE_CONSTRAINT: returned unchanged
    db.close()


def test_transaction_never_masks_the_first_error(tmp_path: Path) -> None:
    make_db(tmp_path / "a.mjdb", rows=1)
    db = Database.open(tmp_path / "a.mjdb", KEY)
    with pytest.raises(ValueError, match="the first"), db.transaction():
        db.execute("INSERT INTO setting (key, value) VALUES ('x', 'y')")
        db.execute("ROLLBACK")  # as SQLite does by itself after SQLITE_FULL
        raise ValueError("the first")
    assert db.scalar("SELECT count(*) FROM setting WHERE key = 'x'") == 0
    with db.transaction():  # and the connection is usable again
        db.execute("INSERT INTO setting (key, value) VALUES ('x', 'y')")
    db.close()
