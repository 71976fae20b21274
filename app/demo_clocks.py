"""The demo room's clocks and folders (issue 16): a 绝密 item signed for late at the exchange
and being read in the room now, and a labelled folder out with a leader."""

from __future__ import annotations

from datetime import timedelta

from app import folders, on_spot, registry
from app.clock import FixedClock
from app.desk import checkout
from app.people import list_readers
from app.refusals import refusal
from app.registration_checks import DocumentInput
from app.scanning import copy_ref
from app.session import Session
from app.vocab import CopyState, Level, sql_in, sql_value

TOP_READER = "张建国"
FOLDER_READER = "曾晓东"
_IN_CABINET = sql_value(CopyState.IN_CABINET)
_FOLDER_LEVELS = sql_in((Level.CONFIDENTIAL, Level.SECRET))  # what goes out in a folder here


def seed_clocks(custodian: Session, clock: FixedClock) -> None:
    db = custodian.db
    today = clock.now()
    by_name = {r.name: r for r in list_readers(db) if r.active}
    if TOP_READER not in by_name or FOLDER_READER not in by_name:
        return
    # The morning's play at 10:30, or a quarter of an hour ago for a room made earlier.
    start = today.replace(hour=10, minute=30, second=0, microsecond=0)
    if today < start + timedelta(minutes=15):
        start = today - timedelta(minutes=15)
    # 特急, waiting at the exchange since two hours before, signed for an hour and a half late.
    clock.set(start - timedelta(minutes=30))
    top = registry.register(
        custodian,
        DocumentInput(
            issuer="市委办公室",
            source="市",
            title="关于重大事项请示报告的通知（演示）",
            level="绝密",
            copy_numbers="000001-000002",
            pages=4,
            doc_number="市委发〔2026〕31号",
            urgency="特急",
            handling="办件",
            received_at=start - timedelta(minutes=30),
            waiting_at=start - timedelta(hours=2),
            cabinet="1号保密柜",
        ),
    )
    # 即阅即批即退: the 书记 reads it in the room now, the custodian present.
    clock.set(start)
    on_spot.start(custodian, by_name[TOP_READER].id, top.copies[0].id, present=True)
    # 一夹一传递: two copies out with the 区长 in 红夹1.
    red = folders.create(custodian, "红夹1")
    reader = by_name[FOLDER_READER]
    clock.set(start + timedelta(minutes=5))
    candidates = [
        int(r[0])
        for r in db.query(
            f"""SELECT c.id FROM copy c JOIN document d ON d.id = c.document_id
               WHERE c.state = {_IN_CABINET} AND d.level IN {_FOLDER_LEVELS} AND d.voided_at IS NULL
                 AND d.reading_state IS NULL ORDER BY d.id DESC, c.copy_no LIMIT 40"""
        )
    ]
    fitting = [c for c in candidates if refusal(db, reader, copy_ref(db, c), clock.now()) is None]
    if len(fitting) >= 2:
        checkout(custodian, reader.id, fitting[:2], folder_id=red.id)
    clock.set(today)
