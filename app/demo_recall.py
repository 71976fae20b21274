"""The demo room's recall: last year's campaign finished (the province's copies returned, a few
kept with approval, the rest destroyed in two witnessed batches) and this year's under way."""

from __future__ import annotations

from datetime import datetime, timedelta

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
    # Last year's campaign ran from early March to late June; a demo made before July squeezes
    # it into the weeks before today, so that nothing in the room is dated in the future.
    start = min(datetime(today.year, 3, 2, tzinfo=today.tzinfo), today - timedelta(days=12))
    end = min(datetime(today.year, 6, 24, tzinfo=today.tzinfo), today - timedelta(days=1))

    def at(share: float, hour: int = 10) -> datetime:
        day = start + (end - start) * share
        return day.replace(hour=hour, minute=0, second=0, microsecond=0)

    officer = Credential("baomi", password)
    clock.set(at(0))
    recall.open_campaign(custodian, last)
    rows = recall.rows(custodian.db, last)
    clock.set(at(0.4))
    for issuer, (receiver, receipt) in RETURNED_TO.items():
        mine = [
            r.copy_id
            for r in rows
            if r.issuer == issuer and r.outcome == "待处理" and not r.blocker
        ]

        if mine:
            recall.record_return(
                custodian,
                last,
                mine,
                at(0.4).date(),
                receiver,
                receipt.format(y=at(0.4).year),
            )
    pending = [r for r in recall.rows(custodian.db, last) if r.outcome == "待处理"]
    # Copies still out or still being acted on are kept; three more are kept for reference.
    free = [r.copy_id for r in pending if not r.blocker]
    kept = [r.copy_id for r in pending if r.blocker] + free[:3]
    rest = free[3:]

    clock.set(at(0.45))
    if kept:
        recall.retain(custodian, last, kept, KEEP_REASON, officer)
    half = len(rest) // 2
    for share, method, place, part, witnesses in (
        (0.6, "碎纸机粉碎", "机要室", rest[:half], ("baomi", "zhuren")),
        (0.85, "送销毁中心", "市保密技术服务中心", rest[half:], ("zhuren", "baomi")),
    ):
        if not part:
            continue
        clock.set(at(share, 9))
        batch = destruction.create(custodian, method, place, at(share).date())
        destruction.add(custodian, batch.id, part)
        clock.set(at(share, 10))
        destruction.approve(custodian, batch.id, officer)
        clock.set(at(share, 15))
        destruction.seal(custodian, batch.id, tuple(Credential(w, password) for w in witnesses))  # type: ignore[arg-type]
    clock.set(at(1, 16))
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
