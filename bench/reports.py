"""Recall and report benchmark: the year's recall list (encrypted and plain), the 销毁登记表 for
5,000 and 20,000 copies (time, linearity, peak memory, embedded fonts), the 清退清单 and the
year's statistics.

    python bench/reports.py [--room small|large|stress]
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import recall  # noqa: E402
from app.clock import stamp  # noqa: E402
from app.destruction import Batch, BatchItem  # noqa: E402
from app.numbers import registration_number  # noqa: E402
from app.progress import ProgressCallback  # noqa: E402
from app.reports import sheets  # noqa: E402
from app.reports.destruction_pdf import People, render_register  # noqa: E402
from app.reports.recall_pdf import render_recall_lists  # noqa: E402
from app.session import Session  # noqa: E402
from bench.rooms import NOW, build, open_encrypted, plain_database  # noqa: E402
from db.connection import Database  # noqa: E402


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def busiest_year(db: Database) -> int:
    return int(db.scalar("SELECT year FROM document GROUP BY year ORDER BY count(*) DESC LIMIT 1"))


def batch_items(db: Database, count: int) -> list[BatchItem]:
    """The first `count` classified copies, as a batch would list them (a small room's copies
    repeated, so the figure always means `count` rows)."""
    rows = db.query(
        "SELECT c.id, d.year, d.serial, d.doc_number, d.title, d.level, d.source, c.copy_no,"
        " c.pages FROM copy c JOIN document d ON d.id = c.document_id"
        " WHERE d.level IN ('机密', '秘密') ORDER BY c.id LIMIT ?",
        (count,),
    )
    items = [
        BatchItem(r[0], registration_number(r[1], r[2]), r[3], r[4], r[5], r[6], r[7], r[8], "在柜")
        for r in rows
    ]
    return (items * (count // max(len(items), 1) + 1))[:count]


def unembedded(pdf: bytes) -> int:
    """Fonts named but not embedded: reportlab writes font dictionaries uncompressed, and only
    the base-14 fonts (Helvetica, Times, Courier, Symbol, ZapfDingbats) go without a font file."""
    base14 = rb"/BaseFont /(Helvetica|Times|Courier|Symbol|ZapfDingbats)"
    return len(re.findall(base14, pdf))


def destruction_batch() -> tuple[Batch, People]:
    """A sealed batch and its people, for a 销毁登记表 of any length (see batch_items)."""
    batch = Batch(
        0,
        NOW.year,
        1,
        "送销毁中心",
        "市保密技术服务中心",
        NOW.date(),
        stamp(NOW),
        "jiyao",
        stamp(NOW),
        "baomi",
        stamp(NOW),
        ("xitong", "shenji"),
        None,
        None,
        0,
        0,
    )
    return batch, People("李晓梅", "王建国", ("张志强", "刘芳"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=("small", "large", "stress"), default="small")
    size = parser.parse_args().room
    paths, plain_path = build(size)
    session = open_encrypted(paths)
    db = session.db
    plain = plain_database(plain_path)
    year = busiest_year(db)

    rows = recall.rows(db, year)
    print(f"recall_year_copies: {len(rows)} copies")
    enc = timed(lambda: recall.progress(recall.rows(db, year)), 3)
    base = timed(lambda: recall.progress(recall.rows(plain, year)), 3)
    print(f"recall_list_build: {statistics.median(enc) * 1000:.0f} ms")
    print(f"recall_list_build_ratio: {statistics.median(enc) / statistics.median(base):.2f} x")

    t = time.perf_counter()
    lists = render_recall_lists(rows, year, session.room.unit, NOW)
    print(f"recall_lists_pdf: {time.perf_counter() - t:.2f} s")
    print(f"recall_lists_bytes: {len(lists) / 1024:.0f} KiB")
    t = time.perf_counter()
    sheets.stats(db, year, stamp(NOW))
    print(f"year_stats: {(time.perf_counter() - t) * 1000:.0f} ms")

    batch, people = destruction_batch()
    seconds = {}
    for count in (5_000, 20_000):
        items = batch_items(db, count)
        t = time.perf_counter()
        pdf = render_register(batch, items, people, session.room.unit, NOW)
        seconds[count] = time.perf_counter() - t
        print(f"destruction_register_{count}: {seconds[count]:.2f} s")
        print(f"destruction_register_{count}_bytes: {len(pdf) / 1024:.0f} KiB")
        print(f"destruction_register_{count}_fonts_not_embedded: {unembedded(pdf)} fonts")
    print(f"destruction_register_growth: {seconds[20_000] / seconds[5_000]:.2f} x (4.00 = linear)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak_memory: {peak:.0f} MB")
    plain.close()
    session.close()


if __name__ == "__main__":
    main()


def destruction_register(
    session: Session, rows: int, progress: ProgressCallback | None = None
) -> bytes:
    """A `rows`-row 销毁登记表 read from the session's room and laid out: the long layout
    bench/desk.py runs beside the counter (in the window's process apart, app/apart.py)."""
    batch, people = destruction_batch()
    return render_register(
        batch, batch_items(session.db, rows), people, session.room.unit, NOW, progress
    )
