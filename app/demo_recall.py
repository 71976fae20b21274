"""The demo room's recall: last year's campaign finished (the province's copies returned, a few
kept with approval, the rest destroyed in two witnessed batches) and this year's under way."""

from __future__ import annotations

from datetime import date, datetime

from app import destruction, recall
from app.clock import FixedClock
from app.model import Credential
from app.session import Session

RETURNED_TO = {
    "省委办公厅": ("省委机要交通局 陈明", "SJ-{y}-0417"),
    "省政府办公厅": ("省政府办公厅秘书处 周伟", "SZ-{y}-0088"),
}
KEEP_REASON = "全年工作总结和下年度工作要点起草仍需参阅"


def seed_recall(custodian: Session, clock: FixedClock, password: str) -> None:
    today = clock.now()
    last = today.year - 1

    def at(month: int, day: int, hour: int = 10) -> datetime:
        return datetime(today.year, month, day, hour, 0, tzinfo=today.tzinfo)

    officer = Credential("baomi", password)
    clock.set(at(3, 2))
    recall.open_campaign(custodian, last)
    rows = recall.rows(custodian.db, last)
    clock.set(at(4, 17))
    for issuer, (receiver, receipt) in RETURNED_TO.items():
        mine = [r.copy_id for r in rows if r.issuer == issuer and r.outcome == "待处理"]
        if mine:
            recall.record_return(
                custodian,
                last,
                mine,
                date(today.year, 4, 17),
                receiver,
                receipt.format(y=today.year),
            )
    rest = [r.copy_id for r in recall.rows(custodian.db, last) if r.outcome == "待处理"]
    kept, rest = rest[:3], rest[3:]
    clock.set(at(4, 20))
    if kept:
        recall.retain(custodian, last, kept, KEEP_REASON, officer)
    half = len(rest) // 2
    for (month, day), method, place, part, witnesses in (
        ((5, 14), "碎纸机粉碎", "机要室", rest[:half], ("baomi", "shenji")),
        ((6, 11), "送销毁中心", "市保密技术服务中心", rest[half:], ("xitong", "shenji")),
    ):
        if not part:
            continue
        clock.set(at(month, day, 9))
        batch = destruction.create(custodian, method, place, date(today.year, month, day))
        destruction.add(custodian, batch.id, part)
        clock.set(at(month, day, 10))
        destruction.approve(custodian, batch.id, officer)
        clock.set(at(month, day, 15))
        destruction.seal(custodian, batch.id, tuple(Credential(w, password) for w in witnesses))  # type: ignore[arg-type]
    clock.set(at(6, 24, 16))
    recall.close_campaign(custodian, last, officer)

    # This year: the campaign has begun; one issuer's copies went back, a batch is being built.
    clock.set(today.replace(hour=8, minute=45) if today.hour >= 9 else today)
    recall.open_campaign(custodian, today.year)
    rows = [
        r for r in recall.rows(custodian.db, today.year) if r.outcome == "待处理" and not r.blocker
    ]
    central = [r.copy_id for r in rows if r.source == "中央"][:4]
    if central:
        recall.record_return(
            custodian, today.year, central, today.date(), "市委机要局 黄磊", f"SW-{today.year}-1103"
        )
    city = [r.copy_id for r in rows if r.source == "市"][:6]
    if city:
        batch = destruction.create(custodian, "碎纸机粉碎", "机要室", today.date())
        destruction.add(custodian, batch.id, city)
    clock.set(today)
