"""The demo room's 发文 and 退文 (issue 15): the office's own documents numbered and sent, some
回执 back and some still missing, a voided number kept in the book, and one item returned for
coming by the wrong route. Everything is invented."""

from __future__ import annotations

from datetime import timedelta

from app import outgoing, outgoing_records, returned_mail
from app.clock import FixedClock
from app.outgoing import OutgoingInput, RecipientInput
from app.returned_mail import ReturnInput
from app.session import Session
from app.units import find_units


def _unit(custodian: Session, name: str) -> int | None:
    found = [u for u in find_units(custodian.db, name) if u.name == name]
    return found[0].id if found else None


def seed_outgoing(custodian: Session, clock: FixedClock) -> None:
    names = ("城关镇", "区财政局", "区发展改革局", "区委组织部")
    ids = [_unit(custodian, n) for n in names]
    if any(i is None for i in ids):
        return
    town, finance, reform, organisation = (int(i or 0) for i in ids)
    # Sent yesterday afternoon, two 回执 back this morning: the story ends before the room is
    # opened, never in its future (walk-through: 发出时间 later than the clock on the wall).
    now = clock.now()
    yesterday = (now - timedelta(days=1)).date()
    clock.set(now.replace(hour=15, minute=0, second=0, microsecond=0) - timedelta(days=1))
    secret = outgoing.register(
        custodian,
        OutgoingInput(
            code="区委办发",
            title="关于做好岁末年初安全稳定工作的通知（演示）",
            level="秘密",
            signed_by="刘明",
            signed_on=yesterday,
            printed=8,
            pages=5,
            urgency="加急",
            recipients=(
                RecipientInput(town, "主送", 2),
                RecipientInput(finance, "主送", 1),
                RecipientInput(reform, "抄送", 1),
                RecipientInput(organisation, "抄送", 1),
            ),
            notes="按机要渠道送达",
        ),
    )
    clock.advance(minutes=20)
    outgoing.send(custodian, secret.id)
    plain = outgoing.register(
        custodian,
        OutgoingInput(
            code="区委办发",
            title="关于调整机关冬季作息时间的通知（演示）",
            level="非密",
            signed_by="王建华",
            signed_on=yesterday,
            printed=4,
            pages=1,
            recipients=(RecipientInput(finance, "主送", 1), RecipientInput(town, "主送", 1)),
        ),
    )
    clock.advance(minutes=10)
    outgoing.send(custodian, plain.id)
    wrong = outgoing.register(
        custodian,
        OutgoingInput(
            code="区委办发",
            title="关于召开年终总结会议的通知（演示，印错作废）",
            level="非密",
            signed_by="王建华",
            signed_on=yesterday,
            printed=2,
            pages=1,
            recipients=(RecipientInput(finance, "主送", 1),),
        ),
    )
    outgoing.void(custodian, wrong.id, "会议时间印错，重新印制")
    # The town and the finance bureau sign and send back their 回执; the others are missing.
    clock.set(now - timedelta(minutes=20))
    for line in outgoing_records.recipients(custodian.db, secret.id)[:2]:
        outgoing.reply(custodian, line.id, "收发员", how="手工")
    clock.set(now - timedelta(minutes=5))
    returned_mail.record(
        custodian,
        ReturnInput(
            sender="区住房和城乡建设局",
            title="关于申请追加老旧小区改造资金的请示（演示）",
            rule="越级件",
            returned_to="区住房和城乡建设局办公室",
            doc_number="区住建发〔2026〕33号",
            note="未经分管区领导审核，直接报送区委书记",
            came_at=clock.now() - timedelta(hours=1),
        ),
    )
    clock.set(now)
