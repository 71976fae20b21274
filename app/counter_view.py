"""What the 借阅台 shows, as plain data: the counter's answer to a key (app.counter) and the
board beside it (what is out, the open incidents). The page renders these and decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.day_close import count_open_incidents, open_incidents
from app.desk import OutRow, Refusal, out_now
from app.on_spot import Reading, under_way
from app.vocab import Level
from db.connection import Database

IDLE_TEXT = "请扫描读者证件或文件"
NO_READER = "读者：—"
INCIDENTS_SHOWN = 5


class Tone(StrEnum):
    """The banner's colour kind."""

    IDLE = "idle"  # grey: waiting, cleared
    OK = "ok"  # green: done, or what to scan next
    CHECK = "check"  # amber: a return to check, an exception handed over
    ALERT = "alert"  # red, silent: a discrepancy recorded
    REFUSED = "refused"  # red and a beep: the scan or key was refused


class EnterDoes(StrEnum):
    """What Enter on the empty field will do now."""

    HAND_OVER = "确认借出"
    TAKE_BACK = "确认归还"
    NOT_INSTRUCTED = "无批示"  # the return's question: Enter says the reader wrote none
    NOTHING = "无"


class Ask(StrEnum):
    """A question the key asks before the counter can act; the page asks it in a dialog."""

    NOTE = "核对异常"  # F6: the discrepancy's description
    OVERRIDE = "例外放行"  # F7: the 保密员's credentials, reason (and the head's approval)
    SLIP = "补打处理笺"  # F8: preview, print or save the new slip
    # At a return that records 阅毕: did the reader write a 批示? Asked on the banner (Y and
    # Enter, or Enter alone for no), so the scanner's rhythm is kept.
    INSTRUCTED = "是否批示"
    INSTRUCTION = "登记批示"  # yes: the page opens the 批示 entry for the document
    PRESENCE = "在场确认"  # F9: the custodian confirms being present for an in-room reading


@dataclass(frozen=True)
class FolderRow:
    label: str
    title: str
    level: str
    pages: int


@dataclass(frozen=True)
class View:
    banner: str
    tone: Tone
    reader: str  # the reader line, 读者：— when none
    folder: tuple[FolderRow, ...]
    pending_return: str | None  # the label of the copy whose check Enter confirms
    enter: EnterDoes
    f7: bool  # the refusal shown may be lifted with F7
    f9: bool = False  # the 绝密 copy just scanned may be read in the room (F9)
    # A handover, return or discrepancy was written: the out-list and incidents moved.
    changed: bool = False
    beep: bool = False  # this answer is a refusal: the page beeps once
    asks: Ask | None = None
    prompt: str = ""  # the question's title or label
    lifts: tuple[Refusal, ...] = ()  # for Ask.OVERRIDE: the refusals the 保密员 lifts
    slip_file: str = ""  # for Ask.SLIP: the file name offered
    # for Ask.INSTRUCTION: the 收文编号 and the leader the 批示 entry opens with
    instruction_number: str = ""
    instruction_leader: str = ""
    # What the folder table holds: the 本次文件夹, or a labelled folder's return under way.
    folder_title: str = "本次文件夹"


@dataclass(frozen=True)
class Board:
    """The right-hand side of the desk: every copy out (earliest due first), how many
    classified ones are late, and the open incidents line."""

    rows: list[OutRow]
    late: int
    incidents: str
    readings: list[Reading] = field(default_factory=list)  # 在室阅读 under way: the timers


def board(db: Database, now: datetime) -> Board:
    rows = out_now(db, now.date().isoformat())
    # 逾期 as OutRow.status says it (now at or past due), the cheap comparison first.
    late = sum(1 for r in rows if now >= r.due_at and r.copy.level != Level.UNCLASSIFIED)
    readings = under_way(db) if any(r.on_spot for r in rows) else []
    return Board(rows, late, incidents_line(db), readings)


def readings_line(readings: list[Reading], now: datetime) -> str:
    """The desk's timers: 在室阅读：张建国 2026-0005 第000001份 12:07；…"""
    if not readings:
        return ""
    return "在室阅读（机要员在场）：" + "；".join(
        f"{r.reader} {r.label} {r.elapsed(now)}" for r in readings
    )


def incidents_line(db: Database) -> str:
    """The first few open incidents and how many there are: one query for the few and one
    count, whatever the number open (3,500 open cost a scan 89 ms when all were built)."""
    shown = open_incidents(db, limit=INCIDENTS_SHOWN + 1)
    if not shown:
        return ""
    text = "待处理事件：" + "；".join(i.summary for i in shown[:INCIDENTS_SHOWN])
    if len(shown) > INCIDENTS_SHOWN:
        text += f" 等 {count_open_incidents(db)} 件"
    return text
