"""Synthetic content for the demo room: readers, groups and two years of registered documents.

Everything is invented; titles follow the shapes of real office mail, numbers are made up.
A seeded random generator keeps the demo the same on every machine.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from app import instructions
from app.classification import Period
from app.clock import FixedClock
from app.day_close import add_exception, close_day
from app.desk import checkout, refusal, take_back
from app.people import Reader, ReaderInput, add_group, add_reader, list_readers
from app.registration_checks import DocumentInput
from app.registry import register
from app.scanning import copy_ref
from app.session import Session
from app.vocab import CopyState, Level, sql_in, sql_value
from db.connection import Database

READERS = (
    ("张建国", "区委", "区委书记", "核心", "B0001"),
    ("曾晓东", "区政府", "区长", "核心", "B0002"),
    ("王芳", "区委", "区委副书记", "核心", "B0003"),
    ("单立新", "区委办公室", "主任", "重要", "B0004"),
    ("解红梅", "区委组织部", "部长", "重要", "B0005"),
    ("欧阳明", "区委宣传部", "副部长", "重要", "B0006"),
    ("刘洋", "区发展改革局", "局长", "一般", "B0007"),
    ("陈静", "区财政局", "副局长", "一般", "B0008"),
    ("赵磊", "区委办公室", "科员", "一般", "B0009"),
    ("孙丽", "区信访局", "科员", "非涉密", "B0010"),
)

SENDERS = (
    ("中共中央办公厅", "中央", "中办发"),
    ("国务院办公厅", "中央", "国办发"),
    ("省委办公厅", "省", "省委办发"),
    ("省政府办公厅", "省", "省政办发"),
    ("市委办公室", "市", "市委办发"),
    ("市政府办公室", "市", "市政办发"),
    ("市委保密委员会", "市", "市保委"),
    ("区政府办公室", "区本级", "区政办"),
    ("区发展改革局", "下级单位", "区发改"),
    ("区信访局", "信访", "区信"),
)

SUBJECTS = (
    "关于做好{y}年度保密自查自评工作的通知",
    "关于印发《{y}年全市保密工作要点》的通知",
    "关于召开区委常委会会议的通知",
    "关于进一步加强涉密文件管理的意见",
    "关于开展安全生产大检查的通知",
    "关于{y}年第{n}季度经济运行情况的通报",
    "关于做好重大节日期间值班工作的通知",
    "关于转发《机关公文处理办法》的通知",
    "关于加强领导干部报告个人有关事项工作的通知",
    "关于落实中央八项规定精神的情况通报",
    "关于年度目标责任考核工作的实施方案",
)


def seed(session_custodian: Session, session_officer: Session, clock: FixedClock) -> None:
    rng = random.Random(2026)
    short = random.Random(7)  # a few short protection periods, for the 保密期限 review list
    reader_ids = [
        add_reader(
            session_officer, ReaderInput(name, unit, position, clearance, f"8812 0{i:03d}", badge)
        ).id
        for i, (name, unit, position, clearance, badge) in enumerate(READERS, start=101)
    ]
    add_group(session_officer, "区委常委", reader_ids[:3])
    add_group(session_officer, "区委办公室", [reader_ids[3], reader_ids[8]])

    today = clock.now()
    day = datetime(today.year - 1, 1, 6, 9, 0, tzinfo=today.tzinfo)
    sequence: dict[tuple[str, int], int] = {}
    copy_base = 1
    while day < today - timedelta(days=1):
        for _ in range(rng.choice((0, 1, 1, 2))):
            clock.set(day + timedelta(minutes=rng.randint(0, 420)))
            issuer, source, code = rng.choice(SENDERS)
            year = clock.now().year
            sequence[(code, year)] = sequence.get((code, year), 0) + rng.randint(1, 6)
            level = rng.choice(("机密", "秘密", "秘密", "非密")) if source != "信访" else "非密"
            count = rng.choice((1, 2, 3, 5))
            copies = (
                f"{copy_base:06d}-{copy_base + count - 1:06d}" if count > 1 else f"{copy_base:06d}"
            )
            copy_base += count + rng.randint(0, 20)
            urgency = rng.choice(("平件", "平件", "加急", "特急"))
            register(
                session_custodian,
                DocumentInput(
                    issuer=issuer,
                    source=source,
                    level=level,
                    title=(
                        f"信访事项转办单（{clock.now():%m}月第{rng.randint(1, 9)}批）"
                        if source == "信访"
                        else rng.choice(SUBJECTS).format(y=year, n=rng.randint(1, 4))
                    ),
                    doc_number=f"{code}〔{year}〕{sequence[(code, year)]}号",
                    copy_numbers=copies if level != "非密" else "",
                    copy_count=None if level != "非密" else count,
                    pages=rng.randint(2, 24),
                    urgency=urgency,
                    handling=rng.choice(("办件", "阅件")),
                    written_on=(clock.now() - timedelta(days=rng.randint(1, 9))).date(),
                    scope_group_ids=(1,) if rng.random() < 0.15 else (),
                    cabinet=f"{rng.randint(1, 4)}号保密柜",
                    period=(
                        Period("年", "1") if level != "非密" and short.random() < 0.12 else None
                    ),
                ),
            )
        day += timedelta(days=rng.choice((1, 2, 3, 4)))
    clock.set(today)


def seed_desk(custodian: Session, officer: Session, clock: FixedClock) -> None:
    """Two weeks at the counter: handovers returned the same day and each day closed; one copy
    kept overnight with an exception; one left out last night without one (the first start
    reports it); two copies out this morning."""
    rng = random.Random(11)
    db = custodian.db
    today = clock.now()
    readers = [r for r in list_readers(db) if r.active]
    copies = [c for c in _classified_copies(db)]
    day = (today - timedelta(days=14)).replace(hour=9, minute=0, second=0)
    while day.date() < today.date():
        if day.weekday() < 5:
            clock.set(day.replace(hour=9, minute=rng.randint(5, 50)))
            taken = _hand_out(custodian, readers, copies, rng, rng.randint(2, 4))
            yesterday = day.date() == (today - timedelta(days=1)).date()
            kept = (
                taken.pop()
                if taken and (yesterday or day.date() == (today - timedelta(days=3)).date())
                else None
            )
            clock.set(day.replace(hour=rng.randint(14, 16), minute=rng.randint(0, 59)))
            for copy_id in taken:
                take_back(custodian, copy_id)
            if kept is not None and not yesterday:
                clock.set(day.replace(hour=17, minute=20))
                handover = int(
                    db.scalar(
                        "SELECT id FROM handover WHERE copy_id = ? AND back_at IS NULL", (kept,)
                    )
                )
                add_exception(
                    officer,
                    handover,
                    "领导带回批阅，次日上班交回",
                    day.replace(hour=9) + timedelta(days=1),
                )
            if not yesterday:
                clock.set(day.replace(hour=17, minute=35))
                close_day(custodian)
            if kept is not None and not yesterday:
                clock.set(day.replace(hour=8, minute=40) + timedelta(days=1))
                take_back(custodian, kept)
        day += timedelta(days=1)
    if today.hour >= 9:
        clock.set(today.replace(hour=9, minute=20, second=0))
        _hand_out(custodian, readers, copies, rng, 2)
    clock.set(today)


def _classified_copies(db: Database) -> list[int]:
    rows = db.query(
        "SELECT c.id FROM copy c JOIN document d ON d.id = c.document_id"
        f" WHERE d.level IN {sql_in((Level.CONFIDENTIAL, Level.SECRET))}"
        f" AND c.state = {sql_value(CopyState.IN_CABINET)} AND d.voided_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM document_scope s WHERE s.document_id = d.id)"
        " ORDER BY c.id DESC LIMIT 200"
    )
    return [int(r[0]) for r in rows]


def _hand_out(
    custodian: Session, readers: list[Reader], copies: list[int], rng: random.Random, count: int
) -> list[int]:
    db = custodian.db
    given: list[int] = []
    for copy_id in rng.sample(copies, min(len(copies), count * 3)):
        if len(given) >= count:
            break
        ref = copy_ref(db, copy_id)
        fitting = [r for r in readers if refusal(db, r, ref, custodian.clock.now()) is None]
        if fitting:
            checkout(custodian, rng.choice(fitting).id, [copy_id])
            given.append(copy_id)
    return given


def seed_instructions(custodian: Session, clock: FixedClock) -> None:
    """Instructions in every state: answered, extended, chased, overdue, and fresh."""
    db = custodian.db
    today = clock.now()
    docs = [
        int(r[0])
        for r in db.query(
            "SELECT id FROM document WHERE voided_at IS NULL AND handling = '办件' ORDER BY id DESC LIMIT 8"
        )
    ]
    plan = [
        # (days ago, leader, text, unit, handler, kind, then)
        (
            20,
            "张建国",
            "请区委办牵头，会同组织部拿出落实方案，报我审定。",
            "区委办公室",
            "单立新",
            "政策性",
            "finish",
        ),
        (12, "曾晓东", "请财政局研究提出资金安排意见。", "区财政局", "陈静", "普通", "extend"),
        (9, "张建国", "请各常委阅。", "区委办公室", "赵磊", "事务性", "chase_overdue"),
        (1, "王芳", "请宣传部做好舆情引导，每日报告。", "区委宣传部", "欧阳明", "政策性", "chase"),
        (
            1,
            "张建国",
            "请发改局抓紧对接，本周内反馈进展。",
            "区发展改革局",
            "刘洋",
            "普通",
            "start",
        ),
        (0, "曾晓东", "请信访局妥善处理，及时答复来信人。", "区信访局", "孙丽", "事务性", "none"),
        (
            0,
            "张建国",
            "会议通知：请区委办安排明日常委会会务。",
            "区委办公室",
            "单立新",
            "会议通知",
            "none",
        ),
    ]
    for (days, leader, text, unit, handler, kind, then), document_id in zip(
        plan, docs, strict=False
    ):
        given = (today - timedelta(days=days)).replace(hour=10, minute=0, second=0)
        if given > today:
            given = today - timedelta(minutes=30)
        clock.set(given)
        item = instructions.add(
            custodian, document_id, leader, text, unit=unit, handler=handler, kind=kind
        )
        clock.set(given + timedelta(hours=3))
        if then in ("finish", "extend", "chase", "chase_overdue", "start"):
            instructions.start(custodian, item.id)
        if then in ("finish", "chase", "chase_overdue", "extend"):
            clock.set(min(item.deadline - timedelta(hours=2), today))
            instructions.chase(custodian, item.id, "电话", handler, "答复正在办理")
        if then == "chase_overdue":
            clock.set(min(item.deadline + timedelta(days=1), today))
            instructions.chase(custodian, item.id, "上门", handler, "答复尚有两位常委未阅")
        if then == "extend":
            instructions.request_extension(
                custodian, item.id, "需与发改局会商，申请延期", item.deadline + timedelta(days=16)
            )
            instructions.decide_extension(custodian, item.id, True, leader)
        if then == "finish":
            clock.set(min(item.deadline - timedelta(hours=1), today))
            instructions.finish(custodian, item.id, "方案已报张建国同志审定，已印发执行。")
    clock.set(today)
