"""No 分发 query reads every copy, document or distribution line: each goes through an index."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from app.session import Session
from tests.db.test_query_plans import plans, selects

BIG = {"c": "copy", "d": "document", "i": "distribution_item", "copy": "copy"}
BIG |= {"distribution_item": "distribution_item", "document": "document"}


def test_distribution_queries_use_indexes(login: Callable[..., Session]) -> None:
    from app import distribution, units

    session = login("jiyao")
    db = session.db
    with selects(db) as captured:
        now = session.clock.now()
        distribution.holdings(db, 1)
        distribution.holdings(db, 1, now)
        distribution.open_line(db, 1)
        distribution.lines(db, 1)
        distribution.open_receipt_of(db, 1)
        distribution.disclosure(db, 1)
        distribution.holdings_on(db, 1)
        distribution.receipt_counts(db, [1, 2])
        distribution.receipts(db, 1)
        distribution.year_lines(db, 2026)
        units.members(db, 1)
        units.find_units(db, "qwb")
    assert len(captured) >= 12
    for sql, params in captured:
        for line in plans(db, sql, params):
            words = line.split()
            if words[0] == "SCAN" and words[1] in BIG:
                raise AssertionError((line, sql))
    # The overdue list walks the open lines only (a partial index), never every line.
    overdue = [p for p in plans(db, _overdue_sql(), ()) if p.startswith("SCAN")]
    assert all("distribution_item_open_copy" in p for p in overdue if " i " in f" {p} "), overdue
    assert distribution.overdue(db, now, date(2026, 5, 31)) == []


def _overdue_sql() -> str:
    from app.distribution import _LINE_SQL

    return f"{_LINE_SQL} WHERE i.back_at IS NULL AND (d.deadline < 'x' OR r.recall_by < 'y')"


def test_outgoing_queries_use_indexes(login: Callable[..., Session]) -> None:
    """发文 and 退文: the book, the lines, the missing 回执 and the destruction check go through
    indexes, never over every copy, line or recipient."""
    from app import outgoing_records, returned_mail

    session = login("jiyao")
    db = session.db
    big = BIG | {"o": "outgoing_recipient", "outgoing_recipient": "outgoing_recipient"}
    big |= {"g": "outgoing", "outgoing": "outgoing", "returned_mail": "returned_mail"}
    with selects(db) as captured:
        outgoing_records.of_year(db, 2026)
        outgoing_records.recipients(db, 1)
        outgoing_records.missing_replies(db)
        outgoing_records.open_reply_of(db, 1)
        outgoing_records.counts(db, 2026)
        returned_mail.of_year(db, 2026)
    assert len(captured) >= 6
    for sql, params in captured:
        for line in plans(db, sql, params):
            words = line.split()
            if words[0] == "SCAN" and words[1] in big:
                raise AssertionError((line, sql))
