"""The demo room's 传阅 and 今日时限 (issue 16): a saved route, one 阅件 on its way round the
leaders (one has read it and written an instruction, the next holds it now), one whose reading
limit has run out with nobody having read it, and one instruction flagged 挂牌督办.
"""

from __future__ import annotations

from datetime import timedelta

from app import circulation, supervision
from app.clock import FixedClock
from app.desk import checkout, take_back
from app.people import list_readers
from app.refusals import refusal
from app.scanning import copy_ref
from app.session import Session
from app.vocab import CopyState, Level, sql_in, sql_value

ROUTE = ("张建国", "王芳", "曾晓东", "单立新")


def seed_circulation(custodian: Session, clock: FixedClock) -> None:
    db = custodian.db
    today = clock.now()
    by_name = {r.name: r for r in list_readers(db) if r.active}
    route = [by_name[n].id for n in ROUTE if n in by_name]
    if len(route) < 2:
        return
    saved = circulation.save_route(custodian, "常委传阅", route)
    docs = [
        int(r[0])
        for r in db.query(
            f"""SELECT d.id FROM document d WHERE d.voided_at IS NULL AND d.handling = '阅件'
                 AND d.level IN {sql_in((Level.CONFIDENTIAL, Level.SECRET))} AND d.telegram = 0
                 AND NOT EXISTS (SELECT 1 FROM document_scope s WHERE s.document_id = d.id)
                 AND NOT EXISTS (SELECT 1 FROM copy c WHERE c.document_id = d.id
                                 AND c.state <> {sql_value(CopyState.IN_CABINET)})
               ORDER BY d.id DESC LIMIT 2"""
        )
    ]
    if len(docs) < 2:
        return
    moving, waiting = docs
    circulation.set_route(custodian, waiting, route_id=saved.id)
    circulation.set_route(custodian, moving, route_id=saved.id)
    copy_id = int(db.scalar("SELECT min(id) FROM copy WHERE document_id = ?", (moving,)))
    morning = today.replace(hour=9, minute=30, second=0)
    if today >= morning + timedelta(hours=1):
        first, second = by_name[ROUTE[0]], by_name[ROUTE[1]]
        clock.set(morning)
        if refusal(db, first, copy_ref(db, copy_id), clock.now()) is None:
            checkout(custodian, first.id, [copy_id])
            clock.set(morning + timedelta(minutes=40))
            take_back(custodian, copy_id)
            circulation.record_read(custodian, copy_id, first.id, instructed=True)
            clock.set(morning + timedelta(minutes=50))
            if refusal(db, second, copy_ref(db, copy_id), clock.now()) is None:
                checkout(custodian, second.id, [copy_id])
    clock.set(today)
    overdue = db.scalar(
        "SELECT id FROM instruction WHERE state <> '已办结' ORDER BY deadline LIMIT 1"
    )
    if overdue is not None:
        supervision.flag(custodian, int(overdue), "常委会部署的重点工作，专项督办")
    clock.set(today)
