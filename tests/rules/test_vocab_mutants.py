"""The room's fixed words (app/vocab.py) as the session-8 mutation run left them unguarded
(issue 19): a copy state's word changed survived when the tests that read the schema were cut by
the cap, and a 密级's rank was never read as a number. Each test names its rule; the mutants it
kills are in its docstring."""

from __future__ import annotations

import re
from collections.abc import Callable

from app.session import Session
from app.vocab import CLEARANCE_RANK, COPY_STATES, Clearance, CopyState, Level, may_hold

# DOMAIN.md's words for where a copy is, in the register filter's order.
STATES = ("在柜", "借出", "分发在外", "已清退", "已销毁", "已归档", "留用", "遗失")
STATE_CHECK = re.compile(r"state\s+TEXT[^,]*CHECK\s*\(\s*state\s+IN\s*\(([^)]*)\)\s*\)", re.I)


def test_the_copy_states_are_the_words_the_database_accepts(
    login: Callable[..., Session],
) -> None:
    """copy.state accepts exactly the register's eight words, and the enum that every module
    writes them through says the same words in the same order (CopyState's 在柜 … 遗失 each
    changed: 已清退, 已归档 and 遗失 survived the last run)."""
    db = login("jiyao").db
    sql = db.scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'copy'")
    [listed] = STATE_CHECK.findall(sql)
    assert sorted(re.findall(r"'([^']*)'", listed)) == sorted(STATES)  # in the migrations' order
    assert tuple(s.value for s in CopyState) == COPY_STATES == STATES


def test_each_level_has_its_rank_and_a_clearance_holds_up_to_its_own() -> None:
    """Level.rank is a number, 绝密 3 … 非密 0, and a clearance holds a level exactly when its
    own rank is at least the level's (the `@property` on Level.rank removed)."""
    assert [level.rank for level in Level] == [3, 2, 1, 0]
    for clearance in Clearance:
        for level in Level:
            assert may_hold(clearance, level) is (CLEARANCE_RANK[clearance] >= level.rank)
