"""No desk query reads every copy or every handover: each one goes through an index.

A full scan is harmless on a test room and ruinous on a million copies, so the plans are
checked here rather than trusted to the benchmark alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from app.errors import InvalidInput
from app.session import Session
from db.connection import Database

BIG_TABLES = ("copy", "handover", "copy_event", "document")


def plans(db: Database, sql: str, params: tuple[object, ...]) -> list[str]:
    return [row[3] for row in db.query("EXPLAIN QUERY PLAN " + sql, params)]


@contextlib.contextmanager
def selects(db: Database) -> Iterator[list[tuple[str, tuple[object, ...]]]]:
    """Every SELECT that `db` runs inside the block, with its parameters, for EXPLAIN."""
    captured: list[tuple[str, tuple[object, ...]]] = []
    original = db.execute

    def capture(sql: str, params: tuple[object, ...] = ()) -> object:
        if sql.lstrip().upper().startswith("SELECT"):
            captured.append((sql, tuple(params)))
        return original(sql, params)

    db.execute = capture  # type: ignore[assignment]
    try:
        yield captured
    finally:
        db.execute = original  # type: ignore[method-assign]


ALIASES = {"c": "copy", "d": "document", "h": "handover"}


def assert_indexed(db: Database, sql: str, params: tuple[object, ...] = ()) -> None:
    for line in plans(db, sql, params):
        words = line.split()
        if words[0] != "SCAN":
            continue
        table = ALIASES.get(words[1], words[1])
        # A covering-index scan of a partial index (open handovers) reads only what is out.
        assert table not in BIG_TABLES or "USING" in line, (line, sql)


def test_desk_and_day_close_queries_use_indexes(login: Callable[..., Session]) -> None:
    from app import day_close, desk, scanning

    session = login("jiyao")
    db = session.db
    with selects(db) as captured:
        desk.out_now(db, "2026-11-20")
        day_close.blockers(db, session.clock.now().date())
        day_close.counts(db)
        for code in ("B0001", "2026-0001/000001", "2026-0001", "zjg"):
            with contextlib.suppress(InvalidInput):  # an empty room refuses; the query still ran
                scanning.resolve(db, code)
        desk.disclosure(db, 1)
        day_close.detect_overnight(session)
        day_close.open_incidents(db)
    assert len(captured) >= 8
    for sql, params in captured:
        assert_indexed(db, sql, params)


def test_cabinet_and_stocktake_scan_queries_use_indexes(login: Callable[..., Session]) -> None:
    """A scan during a stocktake and the cabinet list stay indexed as scans and copies grow."""
    from app import cabinets, stocktake

    session = login("jiyao")
    db = session.db
    cabinet = cabinets.add_cabinet(session, "1号保密柜")
    taken = stocktake.start(session, cabinet.id, "baomi")
    with selects(db) as captured:
        for code in ("2026-0001/000001", "XYZ-1"):
            stocktake.scan(session, taken.id, code)
        cabinets.listing(session)
        stocktake.last_per_cabinet(db)
        stocktake.open_stocktake(db)
    assert len(captured) >= 6
    for sql, params in captured:
        assert_indexed(db, sql, params)
        for line in plans(db, sql, params):
            assert not line.startswith("SCAN stocktake_scan") or "USING" in line, (line, sql)
