"""The 今日时限 board and a route's status read through indexes, never by scanning a big table."""

from __future__ import annotations

from collections.abc import Callable

from app import board
from app.clock import stamp
from app.session import Session
from tests.db.test_query_plans import plans, selects

BIG = ("copy", "handover", "document", "instruction", "instruction_event", "chase", "reading")
ALIASES = {"c": "copy", "d": "document", "h": "handover", "i": "instruction", "k": "chase"}


def test_board_queries_use_indexes(login: Callable[..., Session]) -> None:
    session = login("jiyao")
    db = session.db
    now = session.clock.now()
    end = stamp(board.end_of_today(now))
    for sql, params in (
        (board._ROWS, {"end": end, "now": stamp(now), "limit": 300}),
        (board._COUNT, {"end": end, "now": stamp(now)}),
    ):
        for line in plans(db, sql, params):  # type: ignore[arg-type]
            words = line.split()
            if words[0] == "SCAN":
                table = ALIASES.get(words[1], words[1])
                assert table not in BIG or "USING" in line, line


def test_route_queries_use_indexes(login: Callable[..., Session]) -> None:
    from app import circulation, registry
    from tests.app.test_registry import doc

    session = login("jiyao")
    db = session.db
    registered = registry.register(session, doc())
    with selects(db) as captured:
        circulation.next_reader(db, registered.copies[0].id)
        circulation.status(db, registered.document.id)
        circulation.in_progress(db)
    assert len(captured) >= 4
    for sql, params in captured:
        for line in plans(db, sql, params):
            words = line.split()
            if words[0] == "SCAN":
                table = ALIASES.get(words[1], words[1])
                assert table not in BIG or "USING" in line, (line, sql)
