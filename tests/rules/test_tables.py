"""Every rule table at every 密级 and every boundary: clearance, close time, overnight
exceptions, protection periods, deadlines, and the audit event each change owes.

The expected tables are written out here, from DOMAIN.md, and never read from the modules under
test: a changed constant there must fail here.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest

from app import audit, day_close, desk, destruction, on_spot, registry
from app.classification import Period, default_period, period_end
from app.clock import FixedClock
from app.desk import Override
from app.errors import InvalidInput
from app.model import Credential
from app.people import ReaderInput, add_reader
from app.session import Session
from app.workdays import registration_deadline
from tests.app.test_registry import doc
from tests.conftest import BEIJING, PASSWORD

LEVELS = ("绝密", "机密", "秘密", "非密")
SECRET = ("绝密", "机密", "秘密")
CLEARANCES = ("核心", "重要", "一般", "非涉密")
# Who may take what without an approval (the clearance a level needs and every one above it).
MAY_READ = {
    "核心": {"绝密", "机密", "秘密", "非密"},
    "重要": {"机密", "秘密", "非密"},
    "一般": {"秘密", "非密"},
    "非涉密": {"非密"},
}
DEFAULT_YEARS = {"绝密": "30", "机密": "20", "秘密": "10"}
FRIDAY = datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING)


@pytest.fixture
def room(login: Callable[..., Session], clock: FixedClock):
    """The custodian and the 保密员 with one reader of each clearance and one copy of each
    密级 (copy ids by level), at 09:00 on a Friday."""
    return furnish(login, clock)


def furnish(login: Callable[..., Session], clock: FixedClock):
    """The `room` fixture's state, for modules that also need the conftest's own `room`."""
    clock.set(FRIDAY)
    officer = login("baomi")
    readers = {
        c: add_reader(officer, ReaderInput(f"读者{i}", "区委办", "", c, "", f"T{i}"))
        for i, c in enumerate(CLEARANCES)
    }
    custodian = login("jiyao")
    copies = {}
    for i, level in enumerate(LEVELS):
        done = registry.register(
            custodian, doc(level=level, copy_numbers=f"{i + 1}", doc_number=f"表〔2026〕{i + 1}号")
        )
        copies[level] = done.copies[0].id
    return custodian, officer, readers, copies


def _hand(custodian: Session, reader_id: int, copy_id: int) -> int:
    """Give a reader a copy the way the room does at its level: 绝密 is read in the room
    (即阅即批即退, DOMAIN.md), everything else goes across the counter. The handover id."""
    level = custodian.db.scalar(
        "SELECT d.level FROM copy c JOIN document d ON d.id = c.document_id WHERE c.id = ?",
        (copy_id,),
    )
    if level == "绝密":
        return on_spot.start(custodian, reader_id, copy_id, present=True).handover_id
    [handover] = desk.checkout(custodian, reader_id, [copy_id])
    return handover


def _lend(custodian: Session, reader_id: int, copy_id: int) -> bool:
    try:
        _hand(custodian, reader_id, copy_id)
    except InvalidInput:
        return False
    desk.take_back(custodian, copy_id)
    return True


# ---- clearance × 密级 ---------------------------------------------------------------------------
def test_each_level_against_each_clearance(room) -> None:
    custodian, _, readers, copies = room
    lent = {
        (clearance, level): _lend(custodian, readers[clearance].id, copies[level])
        for clearance in CLEARANCES
        for level in LEVELS
    }
    expected = {(c, lv): lv in MAY_READ[c] for c in CLEARANCES for lv in LEVELS}
    assert lent == expected
    # 绝密 never crosses the counter without the 单位负责人 named, whoever asks.
    for clearance in CLEARANCES:
        with pytest.raises(InvalidInput, match="须在室阅读|不能借阅"):
            desk.checkout(custodian, readers[clearance].id, [copies["绝密"]])


def test_the_override_above_clearance_names_the_head_at_each_level(room) -> None:
    custodian, _, readers, copies = room
    reader = readers["非涉密"]
    for level in SECRET:
        bare = Override("baomi", PASSWORD, "领导急需")
        with pytest.raises(InvalidInput, match="单位负责人"):
            desk.checkout(custodian, reader.id, [copies[level]], bare)
        full = Override("baomi", PASSWORD, "领导急需", "张建国 书记", "批字1号")
        [handover] = desk.checkout(custodian, reader.id, [copies[level]], full)
        row = custodian.db.one("SELECT * FROM handover WHERE id = ?", (handover,))
        kind = "涉密等级、绝密在室" if level == "绝密" else "涉密等级"
        assert (row["override_by"], row["override_kind"]) == ("baomi", kind)
        desk.take_back(custodian, copies[level])


def test_the_override_never_lends_a_copy_that_is_out(room) -> None:
    custodian, _, readers, copies = room
    for level in LEVELS:
        _hand(custodian, readers["核心"].id, copies[level])
        word = Override("baomi", PASSWORD, "领导急需", "张建国 书记", "批字1号")
        with pytest.raises(InvalidInput, match="不得横传|在室阅读"):
            desk.checkout(custodian, readers["重要"].id, [copies[level]], word)
        assert len(desk.disclosure(custodian.db, copies[level])) == 1


# ---- the close time -----------------------------------------------------------------------------
def test_the_close_time_to_the_second(room, clock: FixedClock) -> None:
    custodian, _, readers, copies = room
    close = datetime.combine(FRIDAY.date(), time(17, 30), BEIJING)
    lent = {}
    for offset in (-1, 0, 1):
        clock.set(close + timedelta(seconds=offset))
        for level in LEVELS:
            lent[offset, level] = _lend(custodian, readers["核心"].id, copies[level])
    assert lent == {(o, lv): o < 0 or lv == "非密" for o in (-1, 0, 1) for lv in LEVELS}


def test_due_back_at_the_close_and_overdue_from_it(room, clock: FixedClock) -> None:
    custodian, _, readers, copies = room
    for level in SECRET:
        _hand(custodian, readers["核心"].id, copies[level])
    close = datetime.combine(FRIDAY.date(), time(17, 30), BEIJING)
    rows = desk.out_now(custodian.db)
    assert {r.due_at for r in rows} == {close}
    row = rows[0]
    second = timedelta(seconds=1)
    assert row.status(close - timedelta(minutes=30) - second) == "正常"
    assert row.status(close - timedelta(minutes=30)) == "将到期"
    assert row.status(close - second) == "将到期"
    assert row.status(close) == "逾期"


# ---- overnight exceptions: the same, the previous and the next night -----------------------------
def test_an_exception_covers_its_own_night_only(room, clock: FixedClock) -> None:
    custodian, officer, readers, copies = room
    clock.set(FRIDAY.replace(hour=16))
    handovers = set()
    for level in SECRET:
        handover = _hand(custodian, readers["核心"].id, copies[level])
        day_close.add_exception(officer, handover, "开会使用", FRIDAY + timedelta(days=3))
        handovers.add(handover)
    friday = FRIDAY.date()
    blocked = {
        d: {r.handover_id for r in day_close.blockers(custodian.db, d)}
        for d in (friday - timedelta(days=1), friday, friday + timedelta(days=1))
    }
    assert blocked == {
        friday - timedelta(days=1): handovers,
        friday: set(),
        friday + timedelta(days=1): handovers,
    }
    clock.set(FRIDAY.replace(hour=17, minute=40))
    day_close.close_day(custodian)  # the excepted night closes
    # Sunday morning, still out: Friday's exception is not Sunday's.
    clock.set(datetime(2026, 11, 22, 9, 0, tzinfo=BEIJING))
    with pytest.raises(InvalidInput, match="尚有密件未归还"):
        day_close.close_day(custodian)
    for level in SECRET:
        desk.take_back(custodian, copies[level])
    day_close.detect_overnight(custodian)
    nights = custodian.db.query(
        "SELECT handover_id, night FROM incident WHERE kind = '违规过夜' ORDER BY handover_id"
    )
    assert [tuple(r) for r in nights] == [(h, "2026-11-21") for h in sorted(handovers)]


def test_the_day_does_not_close_over_a_copy_out_at_any_level(room, clock: FixedClock) -> None:
    custodian, _, readers, copies = room
    for level in SECRET:
        _hand(custodian, readers["核心"].id, copies[level])
        with pytest.raises(InvalidInput, match="尚有密件未归还"):
            day_close.close_day(custodian)
        desk.take_back(custodian, copies[level])
    assert custodian.db.scalar("SELECT count(*) FROM day_close") == 0
    desk.checkout(custodian, readers["非涉密"].id, [copies["非密"]])
    day_close.close_day(custodian)  # an unclassified copy out does not hold the day


# ---- protection periods and deadlines -----------------------------------------------------------
def test_the_law_default_protection_periods() -> None:
    for level, years in DEFAULT_YEARS.items():
        assert default_period(level) == Period("年", years, defaulted=True)
        assert default_period(level).label(level) == f"{level}★{years}年"
    assert default_period("非密") == Period("无")


def test_a_registration_takes_the_default_period_and_deadline(room) -> None:
    custodian, _, _, copies = room
    stored = {
        r["level"]: (r["period_kind"], r["period_value"], r["period_defaulted"])
        for r in custodian.db.query(
            "SELECT level, period_kind, period_value, period_defaulted FROM document"
        )
    }
    assert stored == {
        "绝密": ("年", "30", 1),
        "机密": ("年", "20", 1),
        "秘密": ("年", "10", 1),
        "非密": ("无", "", 0),
    }
    for i, level in enumerate(LEVELS):
        done = registry.register(
            custodian,
            doc(level=level, copy_numbers="900", doc_number=f"限〔2026〕{i + 1}号", urgency="特急"),
        )
        assert done.document.deadline == FRIDAY + timedelta(hours=2), level


def test_the_period_ends_on_the_anniversary() -> None:
    written = date(2024, 2, 29)
    for level, years in DEFAULT_YEARS.items():
        end = period_end(default_period(level), written, date(2024, 3, 5))
        year = 2024 + int(years)
        assert end == date(year, 2, 29 if calendar.isleap(year) else 28)
    assert period_end(Period("月", "6"), None, date(2026, 8, 31)) == date(2027, 2, 28)
    assert period_end(Period("解密日期", "2030-01-01"), None, date(2026, 1, 1)) == date(2030, 1, 1)
    assert period_end(Period("长期"), written, written) is None


# Friday 09:00. Ordinary 办件: two working days (Tuesday); 特急: two hours. Telegrams: 特提 at
# once — a real short limit, 30 minutes by default (issue 16) —, 特急 two working days, the
# others six (the next Monday but one).
DEADLINES = {
    ("特急", False): FRIDAY + timedelta(hours=2),
    ("加急", False): FRIDAY + timedelta(days=4),
    ("平件", False): FRIDAY + timedelta(days=4),
    ("特提", True): FRIDAY + timedelta(minutes=30),
    ("特急", True): FRIDAY + timedelta(days=4),
    ("加急", True): FRIDAY + timedelta(days=10),
    ("平急", True): FRIDAY + timedelta(days=10),
}


@pytest.mark.parametrize(("urgency", "telegram"), list(DEADLINES))
def test_the_default_deadlines(room, urgency: str, telegram: bool) -> None:
    """At the room's default time limits and an empty holiday calendar for those days."""
    db = room[0].db
    assert (
        registration_deadline(db, FRIDAY, urgency, telegram, "办件") == DEADLINES[urgency, telegram]
    )
    assert registration_deadline(db, FRIDAY, urgency, telegram, "阅件") is None


# ---- every change writes its audit event ---------------------------------------------------------
def _events(custodian: Session, since: int) -> list[tuple[str, str]]:
    return [
        (r["action"], r["object"])
        for r in custodian.db.query(
            "SELECT action, object FROM audit_event WHERE seq > ? ORDER BY seq", (since,)
        )
    ]


def test_each_change_writes_its_one_audit_event(room, clock: FixedClock) -> None:
    custodian, officer, readers, copies = room
    db = custodian.db

    def after(action: Callable[[], object]) -> list[tuple[str, str]]:
        mark = audit.count(db)
        action()
        return _events(custodian, mark)

    label = "2026-0001 第000001份"  # the 绝密 copy
    assert after(
        lambda: registry.register(
            custodian, doc(level="秘密", copy_numbers="7", doc_number="审〔2026〕1号")
        )
    ) == [("登记收文", "document:2026-0005")]
    copy = copies["绝密"]
    assert after(lambda: on_spot.start(custodian, readers["核心"].id, copy, True)) == [
        ("在室阅读", f"copy:{label}")
    ]
    assert after(lambda: desk.take_back(custodian, copy)) == [("归还", f"copy:{label}")]
    word = Override("baomi", PASSWORD, "领导急需", "张建国 书记", "批字1号")
    assert after(lambda: desk.checkout(custodian, readers["一般"].id, [copy], word)) == [
        ("借出", f"copy:{label}")
    ]
    assert after(lambda: desk.take_back(custodian, copy)) == [("归还", f"copy:{label}")]
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", FRIDAY.date())
    target = f"batch:2026-{batch.serial}"
    assert after(lambda: destruction.add(custodian, batch.id, [copy])) == [("列入销毁批次", target)]
    assert after(
        lambda: destruction.approve(custodian, batch.id, Credential("baomi", PASSWORD))
    ) == [("批准销毁", target)]
    witnesses = (Credential("baomi", PASSWORD), Credential("zhuren", PASSWORD))
    assert after(lambda: destruction.seal(custodian, batch.id, witnesses)) == [("销毁封存", target)]
    clock.set(FRIDAY.replace(hour=18))
    assert after(lambda: day_close.close_day(custodian)) == [("日终清点", "day:2026-11-20")]


def test_a_receipt_time_in_the_past_is_kept_and_one_in_the_future_refused(room) -> None:
    custodian, _, _, _ = room
    earlier = FRIDAY - timedelta(hours=20)
    done = registry.register(
        custodian,
        doc(level="机密", copy_numbers="901", doc_number="收〔2026〕1号", received_at=earlier),
    )
    assert done.document.received_at == earlier
    with pytest.raises(InvalidInput, match="签收时间不能晚于现在"):
        registry.register(
            custodian,
            doc(
                level="机密",
                copy_numbers="902",
                doc_number="收〔2026〕2号",
                received_at=FRIDAY + timedelta(seconds=1),
            ),
        )
