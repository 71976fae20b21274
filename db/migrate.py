"""Numbered migrations tracked in PRAGMA user_version.

`db/migrations/NNNN_name.sql` files run in order, each in its own transaction. A database newer
than the program is refused; an existing database is exported to a side file before it changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from db.connection import Database
from db.errors import DatabaseTooNew

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, Path]]:
    found = []
    for path in MIGRATIONS_DIR.iterdir():
        match = _NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers are not 1..N: {numbers}")
    return found


def head_version() -> int:
    return len(migrations())


def migrate(db: Database, before_change: Callable[[int], None] | None = None) -> int:
    """Bring `db` to the head version; returns the version it had.

    `before_change(old_version)` is called once before the first migration of an existing
    database, so the caller can take a copy of the file.
    """
    current = db.user_version
    head = head_version()
    if current > head:
        raise DatabaseTooNew()
    pending = [(n, p) for n, p in migrations() if n > current]
    if pending and current > 0 and before_change is not None:
        before_change(current)
    for number, path in pending:
        script = path.read_text(encoding="utf-8")
        # executescript commits on its own; the script carries its own BEGIN/COMMIT so that
        # the schema change and the version bump land together or not at all.
        db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number:d};\nCOMMIT;")
    return current
