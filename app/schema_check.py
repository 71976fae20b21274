"""The room's schema compared with what the migrations create: a dropped trigger shows.

The append-only and freeze rules live in triggers, CHECKs and unique indexes; anyone holding the
data key could DROP one, act, and recreate it (or not). The reference is built by running the
same migration files into an in-memory database, so it is exactly what a faithful room holds.
"""

from __future__ import annotations

import re

import sqlcipher3

from db.connection import Database
from db.migrate import migrations

_KINDS = {"table": "表", "index": "索引", "trigger": "触发器", "view": "视图"}


def _normal(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def _objects(rows: list[tuple[str, str, str | None]]) -> dict[tuple[str, str], str]:
    return {
        (kind, name): _normal(sql) for kind, name, sql in rows if not name.startswith("sqlite_")
    }


def reference() -> dict[tuple[str, str], str]:
    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    try:
        for number, path in migrations():
            script = path.read_text(encoding="utf-8")
            conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number:d};\nCOMMIT;")
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    finally:
        conn.close()
    return _objects([(r[0], r[1], r[2]) for r in rows])


def problems(db: Database) -> list[str]:
    here = _objects(
        [(r[0], r[1], r[2]) for r in db.query("SELECT type, name, sql FROM sqlite_master")]
    )
    wanted = reference()
    out = []
    for kind, name in sorted(wanted.keys() - here.keys()):
        out.append(f"数据库结构被改动：缺少{_KINDS.get(kind, kind)} {name}。")
    for kind, name in sorted(here.keys() - wanted.keys()):
        out.append(f"数据库结构被改动：多出{_KINDS.get(kind, kind)} {name}。")
    for key in sorted(wanted.keys() & here.keys()):
        if wanted[key] != here[key]:
            out.append(
                f"数据库结构被改动：{_KINDS.get(key[0], key[0])} {key[1]} 的定义与程序不同。"
            )
    return out
