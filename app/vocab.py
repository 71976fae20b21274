"""The room's fixed words, defined once: 密级, a copy's state and a reader's 涉密等级.

Each is a `StrEnum`, so a member equals its Chinese value: what the database stores and the
window shows is unchanged. SQL that must name a value writes it through `sql_in`/`sql_value`
(the values are these fixed members, never user input, so nothing can be injected), which
keeps the statement's text, and so its query plan and any partial index it matches, as it was.
The CHECK constraints of the live schema list exactly these values
(tests/app/test_vocab.py), so the migrations and this module cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Level(StrEnum):
    """密级, highest first (DOMAIN.md): 绝密 > 机密 > 秘密, and 非密 for ordinary items."""

    TOP_SECRET = "绝密"
    CONFIDENTIAL = "机密"
    SECRET = "秘密"
    UNCLASSIFIED = "非密"

    @classmethod
    def classified(cls) -> tuple[Level, ...]:
        """The 密件 levels, highest first (everything but 非密)."""
        return (cls.TOP_SECRET, cls.CONFIDENTIAL, cls.SECRET)

    @property
    def rank(self) -> int:
        """非密 0 … 绝密 3: a higher rank needs a higher clearance."""
        return LEVEL_RANK[self]


class CopyState(StrEnum):
    """Where one copy is (copy.state), in the order the register's filter lists them."""

    IN_CABINET = "在柜"
    LENT = "借出"  # across the counter, back the same day
    DISTRIBUTED = "分发在外"  # with a unit against a receipt, until the recall
    RECALLED = "已清退"
    DESTROYED = "已销毁"
    FILED = "已归档"  # handed to the archive with its document (归档), final
    RETAINED = "留用"  # kept in the room after the recall, with a reason
    LOST = "遗失"

    @classmethod
    def in_room(cls) -> tuple[CopyState, ...]:
        """The states of a copy physically in the room (in its cabinet)."""
        return (cls.IN_CABINET, cls.RETAINED)


class Clearance(StrEnum):
    """A reader's 涉密等级, highest first."""

    CORE = "核心"
    IMPORTANT = "重要"
    GENERAL = "一般"
    NONE = "非涉密"

    @property
    def label(self) -> str:
        return f"{self.value}涉密人员" if self is not Clearance.NONE else "非涉密人员"

    @property
    def max_level(self) -> Level:
        """The highest 密级 this clearance may hold."""
        return CLEARANCE_MAX_LEVEL[self]


LEVELS: tuple[Level, ...] = tuple(Level)
CLASSIFIED: tuple[Level, ...] = Level.classified()
COPY_STATES: tuple[CopyState, ...] = tuple(CopyState)
IN_ROOM: tuple[CopyState, ...] = CopyState.in_room()
CLEARANCES: tuple[Clearance, ...] = tuple(Clearance)
CLEARANCE_LABELS: dict[str, str] = {c: c.label for c in Clearance}

LEVEL_RANK: dict[str, int] = {
    Level.UNCLASSIFIED: 0,
    Level.SECRET: 1,
    Level.CONFIDENTIAL: 2,
    Level.TOP_SECRET: 3,
}
CLEARANCE_RANK: dict[str, int] = {
    Clearance.NONE: 0,
    Clearance.GENERAL: 1,
    Clearance.IMPORTANT: 2,
    Clearance.CORE: 3,
}
CLEARANCE_MAX_LEVEL: dict[str, Level] = {
    Clearance.CORE: Level.TOP_SECRET,
    Clearance.IMPORTANT: Level.CONFIDENTIAL,
    Clearance.GENERAL: Level.SECRET,
    Clearance.NONE: Level.UNCLASSIFIED,
}


def may_hold(clearance: str, level: str) -> bool:
    """Whether a reader of this 涉密等级 may hold a copy of this 密级."""
    return CLEARANCE_RANK[clearance] >= LEVEL_RANK[level]


def sql_value(member: Level | CopyState | Clearance) -> str:
    """One member as an SQL string literal: '在柜'."""
    return f"'{member.value}'"


def sql_in(members: Iterable[Level | CopyState | Clearance]) -> str:
    """Members as an SQL IN-list: sql_in(Level.classified()) == "('绝密', '机密', '秘密')"."""
    return "(" + ", ".join(sql_value(m) for m in members) + ")"
