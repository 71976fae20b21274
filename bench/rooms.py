"""Generated rooms for the benchmarks, built once under bench/rooms/ and reused.

    small   2,000 documents /    20,000 copies
    large  50,000 documents /   500,000 copies   (ten years of a big office)
    stress 100,000 documents / 1,000,000 copies

Each room exists twice with the same rows: encrypted (the real store, demo accounts, password
mijian-demo-2026) and as plain sqlite3 with the same schema, for the ratios. Handover rows arrive
with the 借阅台 schema; until then the generator makes none.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlcipher3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import audit  # noqa: E402
from app.clock import FixedClock, stamp  # noqa: E402
from app.demo import DEMO_PASSWORD, create_demo_room  # noqa: E402
from app.paths import RoomPaths  # noqa: E402
from app.session import Session, open_session  # noqa: E402
from db.connection import Database  # noqa: E402
from db.migrate import migrations  # noqa: E402

# documents, copies per document, handovers per copy
SIZES = {"small": (2_000, 10, 2), "large": (50_000, 10, 4), "stress": (100_000, 10, 4)}
GENERATION = 3  # bump when the generator or the schema changes, so old rooms are rebuilt
ZONE = timezone(timedelta(hours=8))
START = datetime(2016, 1, 4, 9, 0, tzinfo=ZONE)
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZONE)
DIR = ROOT / "bench" / "rooms"

ISSUERS = [
    ("中共中央办公厅", "中央", "中办发"),
    ("国务院办公厅", "中央", "国办发"),
    ("省委办公厅", "省", "省委办发"),
    ("省政府办公厅", "省", "省政办发"),
    ("市委办公室", "市", "市委办发"),
    ("市政府办公室", "市", "市政办发"),
    ("区政府办公室", "区本级", "区政办"),
    ("区发展改革局", "下级单位", "区发改"),
    ("区财政局", "下级单位", "区财"),
    ("区信访局", "信访", "区信"),
]
WORDS = [
    "保密",
    "安全生产",
    "经济运行",
    "常委会",
    "干部",
    "防汛",
    "疫情防控",
    "乡村振兴",
    "营商环境",
    "财政预算",
    "审计整改",
    "信访稳定",
    "党风廉政",
    "组织建设",
    "宣传思想",
    "统计",
    "招商引资",
]
SHAPES = [
    "关于做好{w}工作的通知",
    "关于印发《{w}工作方案》的通知",
    "关于{w}情况的通报",
    "关于进一步加强{w}的意见",
    "关于召开{w}会议的通知",
    "关于{w}专项检查的报告",
]


def plain_database(path: Path) -> Database:
    """The same SQLite engine (sqlcipher3's, 3.53) with no key: only the encryption differs.

    The standard library's sqlite3 here is SQLite 3.40, an older planner: comparing against it
    measured the encrypted store *faster* (0.8-0.9x), which says nothing about encryption.
    """
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    for pragma in (
        "foreign_keys = ON",
        "temp_store = MEMORY",
        "journal_mode = WAL",
        "synchronous = FULL",
        "cache_size = -65536",
    ):
        conn.execute(f"PRAGMA {pragma}")
    conn.row_factory = sqlcipher3.Row
    return Database(conn, path)


def fill(
    db: Database, documents: int, copies_each: int, handovers_each: int, seed: int = 7
) -> None:
    """Insert the generated documents, copies, custody events and handovers in large
    transactions (a few copies are left out, as on any working afternoon)."""
    rng = random.Random(seed)
    with db.transaction():
        for n in range(200):
            db.execute(
                "INSERT INTO reader (name, initials, unit, clearance, phone, badge_code, created_at)"
                " VALUES (?, ?, '某单位', ?, '8812 0000', ?, ?)",
                (
                    f"读者{n:03d}",
                    f"dz{n:03d}",
                    ("核心", "重要", "一般")[n % 3],
                    f"R{n:05d}",
                    stamp(START),
                ),
            )
    batch_handovers: list[tuple[object, ...]] = []
    span = (NOW - START).total_seconds()
    serials: dict[int, int] = {}
    numbers: dict[tuple[str, int], int] = {}
    copy_no = 0
    batch_docs, batch_copies, batch_events = [], [], []
    next_copy_id = int(db.scalar("SELECT coalesce(max(id), 0) FROM copy")) + 1
    next_doc_id = int(db.scalar("SELECT coalesce(max(id), 0) FROM document")) + 1
    for i in range(documents):
        received = START + timedelta(seconds=span * i / documents)
        year = received.year
        serials[year] = serials.get(year, 0) + 1
        issuer, source, code = ISSUERS[rng.randrange(len(ISSUERS))]
        numbers[(code, year)] = numbers.get((code, year), 0) + 1
        level = rng.choice(("机密", "秘密", "秘密", "非密")) if source != "信访" else "非密"
        title = rng.choice(SHAPES).format(w=rng.choice(WORDS))
        doc_id = next_doc_id + i
        at = stamp(received)
        batch_docs.append(
            (
                doc_id,
                year,
                serials[year],
                issuer,
                source,
                f"{code}〔{year}〕{numbers[(code, year)]}号",
                title,
                level,
                "年" if level != "非密" else "无",
                {"机密": "20", "秘密": "10"}.get(level, ""),
                1 if level != "非密" else 0,
                "平件",
                "阅件",
                at,
                "",
                at,
                "bench",
            )
        )
        for _ in range(copies_each):
            copy_no += 1
            out_now = rng.random() < 0.0005 and level != "非密"
            batch_copies.append(
                (
                    next_copy_id,
                    doc_id,
                    f"{copy_no % 1_000_000:06d}",
                    8,
                    "借出" if out_now else "在柜",
                )
            )
            batch_events.append((next_copy_id, at, "bench", "登记", "{}"))
            for k in range(handovers_each):
                out = received + timedelta(days=k * 3 + 1, hours=rng.randint(0, 5))
                last = out_now and k == handovers_each - 1
                if last:
                    out = NOW.replace(hour=9, minute=rng.randint(0, 59))
                back = None if last else stamp(out + timedelta(hours=rng.randint(1, 6)))
                batch_handovers.append(
                    (
                        next_copy_id,
                        rng.randint(1, 200),
                        stamp(out),
                        stamp(out.replace(hour=17, minute=30)),
                        "bench",
                        back,
                        None if last else "bench",
                        None if last else "核对无误",
                    )
                )
            next_copy_id += 1
        if len(batch_docs) >= 5000 or i == documents - 1:
            with db.transaction():
                db._conn.executemany(
                    "INSERT INTO document (id, year, serial, issuer, source, doc_number, title, level,"
                    " period_kind, period_value, period_defaulted, urgency, handling, received_at,"
                    " cabinet, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    batch_docs,
                )
                db._conn.executemany(
                    "INSERT INTO copy (id, document_id, copy_no, pages, state) VALUES (?, ?, ?, ?, ?)",
                    batch_copies,
                )
                db._conn.executemany(
                    "INSERT INTO copy_event (copy_id, at, account, kind, details) VALUES (?, ?, ?, ?, ?)",
                    batch_events,
                )
                db._conn.executemany(
                    "INSERT INTO handover (copy_id, reader_id, out_at, due_at, out_by, back_at,"
                    " back_by, check_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    batch_handovers,
                )
            batch_docs, batch_copies, batch_events, batch_handovers = [], [], [], []


def build(size: str) -> tuple[RoomPaths, Path]:
    """(the encrypted room, the plain twin), generating them on first use."""
    documents, copies_each, handovers_each = SIZES[size]
    DIR.mkdir(parents=True, exist_ok=True)
    paths = RoomPaths(DIR / f"{size}.mjdb")
    plain = DIR / f"{size}.sqlite"
    marker = DIR / f"{size}.generation-{GENERATION}"
    if marker.exists() and paths.db.exists() and plain.exists():
        return paths, plain
    for stale in DIR.glob(f"{size}.*"):
        stale.unlink()
    started = time.perf_counter()
    clock = FixedClock(NOW)
    create_demo_room(paths.db, clock, content=False)
    session = open_session(paths.db, "jiyao", DEMO_PASSWORD, clock, exclusive=False)
    try:
        fill(session.db, documents, copies_each, handovers_each)
        with session.db.transaction():
            audit.record(
                session.db,
                clock,
                "bench",
                "生成测试机要室",
                "room",
                {"documents": documents, "copies": documents * copies_each},
            )
    finally:
        session.close()
    twin = plain_database(plain)
    for _, script in migrations():
        twin.executescript(script.read_text(encoding="utf-8"))
    fill(twin, documents, copies_each, handovers_each)

    twin.close()
    marker.write_text(json.dumps({"seconds": round(time.perf_counter() - started, 1)}))
    return paths, plain


def open_encrypted(paths: RoomPaths, user: str = "jiyao") -> Session:
    return open_session(paths.db, user, DEMO_PASSWORD, FixedClock(NOW), exclusive=False)
