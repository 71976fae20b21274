"""日终清点 and the overnight rule at the edges a mutation run found unguarded (issue 19): the
refusal's list of copies still out, a reopened day closed again (and only that day), the
stored sheet, what the sheet says is still open, the counter's exceptions of the day, the
overnight look-back, and the 保密员's handling of incidents. Each test names its rule; the
mutants it kills are in its docstring."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from app import audit, day_close, desk, registry, stocktake
from app.clock import FixedClock
from app.desk import Override
from app.errors import InvalidInput
from app.people import ReaderInput, add_reader
from app.session import Session
from app.stocktake_resolve import Resolution, resolve
from tests.app.test_registry import doc
from tests.conftest import PASSWORD
from tests.rules.test_tables import FRIDAY, furnish

SATURDAY = FRIDAY + timedelta(days=1)


@pytest.fixture
def furnished(login: Callable[..., Session], clock: FixedClock):
    """test_tables' room: custodian, 保密员, a reader per clearance, a copy per 密级."""
    return furnish(login, clock)


def _evening(clock: FixedClock, day: datetime) -> None:
    clock.set(day.replace(hour=17, minute=40))


def _close_reopen_close(custodian: Session, officer: Session, clock: FixedClock) -> None:
    """Friday closed, reopened by the 保密员 and closed again."""
    _evening(clock, FRIDAY)
    day_close.close_day(custodian)
    day_close.reopen_day(officer, "补借一份")
    day_close.close_day(custodian)


# ---- the refusal that lists what is still out ---------------------------------------------------
@pytest.fixture
def six_out(login: Callable[..., Session], clock: FixedClock) -> tuple[Session, list[int]]:
    """Six 秘密 copies lent at 09:00 on Friday, one per reader call (custodian, handover ids)."""
    clock.set(FRIDAY)
    officer = login("baomi")
    reader = add_reader(officer, ReaderInput("读者", "区委办", "", "核心", "", "E1"))
    custodian = login("jiyao")
    done = registry.register(
        custodian, doc(level="秘密", copy_numbers="1-6", doc_number="清〔2026〕1号")
    )
    ids = desk.checkout(custodian, reader.id, [c.id for c in done.copies])
    return custodian, ids


def test_the_refusal_names_five_copies_and_counts_the_rest(six_out, clock: FixedClock) -> None:
    """Closing with copies out names the first five and says 等 N 份 only beyond five
    (`[:5]` as `[:4]`/`[:6]`, `> 5` as `>= 5`, `> 4`, `> 6`, `<= 5`, `not`)."""
    custodian, _ = six_out
    _evening(clock, FRIDAY)
    with pytest.raises(InvalidInput) as refused:
        day_close.close_day(custodian)
    text = str(refused.value)
    assert text.count("第00000") == 5 and "等 6 份" in text, text
    desk.take_back(custodian, custodian.db.scalar("SELECT min(copy_id) FROM handover"))
    with pytest.raises(InvalidInput) as refused:
        day_close.close_day(custodian)
    text = str(refused.value)
    assert text.count("第00000") == 5 and "等" not in text, text


# ---- a reopened day ---------------------------------------------------------------------------
def test_a_reopening_closed_again_is_the_second_round_of_that_day_only(
    furnished, clock: FixedClock
) -> None:
    """closes_of(day) is the day's close (round 1) and its reopenings closed again (2, 3 …),
    never another day's (`_close(…, 1, …)` as 0 or 2; `day = ? AND closed_at IS NOT NULL` as
    OR); the close after a reopening audits which reopening it closed (`is not None` negated);
    the newest day is the last close and first of closed_days (DESC as ASC)."""
    custodian, officer, _, _ = furnished
    _close_reopen_close(custodian, officer, clock)
    _evening(clock, SATURDAY)
    day_close.close_day(custodian)
    friday = day_close.closes_of(custodian.db, FRIDAY.date())
    saturday = day_close.closes_of(custodian.db, SATURDAY.date())
    assert [c.round for c in friday] == [1, 2]
    assert friday[1].reopen is not None and friday[1].reopen["reason"] == "补借一份"
    assert [c.round for c in saturday] == [1] and saturday[0].reopen is None
    assert day_close.last_close(custodian.db).day == SATURDAY.date()  # type: ignore[union-attr]
    assert day_close.closed_days(custodian.db) == [SATURDAY.date(), FRIDAY.date()]
    events = [
        e.details
        for e in audit.page(custodian.db, None, 1000)
        if e.action == "日终清点" and e.object == f"day:{FRIDAY.date()}"
    ]
    events.sort(key=lambda d: "reopen" in d)
    assert len(events) == 2 and "reopen" not in events[0] and isinstance(events[1]["reopen"], int)


def test_an_open_reopening_of_yesterday_does_not_let_today_close_twice(
    furnished, clock: FixedClock
) -> None:
    """A day closed once is refused a second close unless *that day* was reopened
    (`day = ? AND closed_at IS NULL` as OR: yesterday's open reopening would be taken)."""
    custodian, officer, _, _ = furnished
    _evening(clock, FRIDAY)
    day_close.close_day(custodian)
    day_close.reopen_day(officer, "补借一份")  # and never closed again
    _evening(clock, SATURDAY)
    day_close.close_day(custodian)
    with pytest.raises(InvalidInput, match="已清点关闭"):
        day_close.close_day(custodian)


def test_a_reopening_needs_a_reason_of_two_characters(furnished, clock: FixedClock) -> None:
    """重新开启 needs a reason of at least two characters (`< 2` as `< 1`, `< 3`, `<= 2`)."""
    custodian, officer, _, _ = furnished
    _evening(clock, FRIDAY)
    day_close.close_day(custodian)
    for reason in ("", " 急 "):
        with pytest.raises(InvalidInput, match="须写明理由"):
            day_close.reopen_day(officer, reason)
    day_close.reopen_day(officer, "补借")
    assert not desk.counter_closed(custodian.db, FRIDAY.date())


def test_the_stored_sheet_is_readable_text(furnished, clock: FixedClock) -> None:
    """The close stores its counts as JSON with the Chinese words as they are, so the row
    reads like the signed sheet (`ensure_ascii=False` as True)."""
    custodian, _, _, _ = furnished
    _evening(clock, FRIDAY)
    day_close.close_day(custodian)
    stored = custodian.db.scalar("SELECT counts FROM day_close")
    assert "在柜" in stored and "\\u" not in stored
    assert json.loads(stored)["counts"]["秘密"]["在柜"] == 1


# ---- what the sheet says is still open ----------------------------------------------------------
def test_a_stocktakes_missing_classified_copies_stay_on_the_sheet_until_settled(
    furnished, clock: FixedClock
) -> None:
    """Every classified copy a stocktake found missing (缺失) and not yet settled is listed as
    清查未见 with the stocktake's date; a settled one and an unclassified one are not (the loop
    emptied; `class = '缺失'` as <> or ''; `AND resolved_at IS NULL` as OR or IS NOT NULL;
    `[:10]` as `[:9]`/`[:11]`)."""
    custodian, _, _, copies = furnished
    taken = stocktake.start(custodian, None, "baomi")
    stocktake.finish(custodian, taken.id, PASSWORD)  # nothing scanned: every copy 缺失
    found = dict(
        custodian.db.query("SELECT copy_id, id FROM stocktake_finding WHERE class = '缺失'")
    )
    assert set(found) == set(copies.values())
    resolve(custodian, found[copies["机密"]], Resolution.CORRECTION, "在2号柜找到")
    matters = [m for m in day_close.open_matters(custodian.db) if m["kind"] == "清查未见"]
    assert len(matters) == 2, matters  # 绝密 and 秘密: 机密 settled, 非密 not listed
    for m in matters:
        assert m["note"].startswith(("绝密；2026-11-20 清查时", "秘密；2026-11-20 清查时")), m


# ---- the counter's exceptions of the day -------------------------------------------------------
def test_the_days_counter_exceptions_run_from_midnight_to_the_close(
    furnished, clock: FixedClock
) -> None:
    """overrides(until) lists the F7 exceptions of until's day from 00:00 up to and including
    `until`, each with its kind and reason (`time(0)` as `time(1)`; `>=` as `>`; `<=` as `<`;
    `or ""` as `and ""`)."""
    custodian, _, readers, copies = furnished
    midnight = FRIDAY.replace(hour=0, minute=0)
    clock.set(midnight)
    lift = Override("baomi", PASSWORD, "书记急用", head="李华 区委办主任", reference="批字1号")
    desk.checkout(custodian, readers["一般"].id, [copies["机密"]], lift)
    clock.set(FRIDAY.replace(hour=10))
    desk.checkout(custodian, readers["一般"].id, [copies["秘密"]])  # no exception
    found = day_close.overrides(custodian.db, midnight)
    assert [(o["reason"], o["head"]) for o in found] == [("书记急用", "李华 区委办主任 批字1号")]
    assert found[0]["kind"] != ""
    assert len(day_close.overrides(custodian.db, FRIDAY.replace(hour=23))) == 1
    assert day_close.overrides(custodian.db, midnight - timedelta(seconds=1)) == []


# ---- the overnight look-back -------------------------------------------------------------------
@pytest.fixture
def out_since(login: Callable[..., Session], clock: FixedClock):
    """(custodian, lend(copy level, at) → None): copies lent by a reader of 核心 clearance at
    the given times, never returned."""
    clock.set(FRIDAY - timedelta(days=40))
    officer = login("baomi")
    reader = add_reader(officer, ReaderInput("读者", "区委办", "", "核心", "", "E1"))
    custodian = login("jiyao")
    numbers = iter(range(1, 100))

    def lend(level: str, at: datetime) -> None:
        clock.set(at)
        done = registry.register(
            custodian,
            doc(
                level=level,
                copy_numbers="1",
                doc_number=f"夜〔2026〕{next(numbers)}号",
                written_on=date(2026, 9, 1),
            ),
        )
        desk.checkout(custodian, reader.id, [done.copies[0].id])

    return custodian, lend


def test_overnight_looks_back_exactly_31_days_and_at_classified_copies_only(
    out_since, clock: FixedClock
) -> None:
    """detect_overnight reads handovers out at most 31 days before now, the boundary included,
    and of classified copies only (`days=31` as 30 or 32; `out_at >= ?` as `>`; `AND d.level` as
    OR; the copy and document joins as <>)."""
    custodian, lend = out_since
    now = FRIDAY.replace(hour=8)
    lend("秘密", now - timedelta(days=31))  # exactly at the boundary: counted
    lend("秘密", now - timedelta(days=31, minutes=1))  # a minute older: already past
    lend("非密", now - timedelta(days=2))  # unclassified: never an incident
    clock.set(now)
    day_close.detect_overnight(custodian)
    rows = custodian.db.query(
        "SELECT h.out_at, count(*) AS nights FROM incident i JOIN handover h"
        " ON h.id = i.handover_id GROUP BY h.id"
    )
    assert [(r["out_at"][:16], r["nights"]) for r in rows] == [
        ((now - timedelta(days=31)).strftime("%Y-%m-%dT%H:%M"), 31)
    ]
    assert day_close.overnight_count(custodian.db, 2026) == 31
    assert day_close.overnight_count(custodian.db, 2025) == 0


def test_overnight_count_is_of_that_year_and_kind(out_since, clock: FixedClock) -> None:
    """overnight_count counts 违规过夜 of the year asked, by the night's year (`kind =` as <> or
    ''; `substr(night, 1, 4) = ?` as <>, `substr(night, 2, 4)`, `substr(night, 1, 5)`; AND as
    OR); count_open_incidents is 0 with none (`or 0` as `or 1`/`or -1` when no row)."""
    custodian, lend = out_since
    assert day_close.count_open_incidents(custodian.db) == 0
    new_year = datetime(2026, 12, 30, 10, 0, tzinfo=FRIDAY.tzinfo)
    lend("秘密", new_year)
    clock.set(new_year + timedelta(days=3))  # the nights of 12-30, 12-31 and 01-01
    day_close.detect_overnight(custodian)
    assert day_close.overnight_count(custodian.db, 2026) == 2
    assert day_close.overnight_count(custodian.db, 2027) == 1
    assert day_close.count_open_incidents(custodian.db) == 3
    assert len(day_close.open_incidents(custodian.db)) == 3


# ---- incidents ---------------------------------------------------------------------------------
def test_an_incident_reads_as_one_line_of_the_counters_list(out_since, clock: FixedClock) -> None:
    """An open incident's summary is one line: 【kind】, the copy once, what happened without
    its closing 。; a description that does not name the copy gets it in front
    (Incident.summary's `@property` removed)."""
    custodian, lend = out_since
    lend("秘密", FRIDAY - timedelta(days=1))
    clock.set(FRIDAY)
    day_close.detect_overnight(custodian)
    [found] = day_close.open_incidents(custodian.db)
    assert found.copy_label == "2026-0001 第000001份"
    assert found.summary == "【违规过夜】2026-0001 第000001份 11月19日 夜间在 读者 处，未登记例外"
    other = day_close.Incident(9, "核对异常", found.copy_label, FRIDAY, "少 2 页。")
    assert other.summary == "【核对异常】2026-0001 第000001份：少 2 页"


def test_resolving_one_incident_needs_a_reason_and_touches_only_it(
    out_since, clock: FixedClock, login: Callable[..., Session]
) -> None:
    """处理意见 of at least two characters (`< 2` as `< 1`, `< 3`, `<= 2`); the incident
    resolved is the one named, not any open one (`id = ? AND resolved_at IS NULL` as OR), and a
    second resolution of it is refused."""
    custodian, lend = out_since
    lend("秘密", FRIDAY - timedelta(days=2))
    clock.set(FRIDAY)
    first, second = day_close.detect_overnight(custodian)
    officer = login("baomi")
    for reason in ("", "阅"):
        with pytest.raises(InvalidInput, match="处理意见"):
            day_close.resolve_incident(officer, second, reason)
    day_close.resolve_incident(officer, second, "批评")
    assert [i.id for i in day_close.open_incidents(custodian.db)] == [first]
    with pytest.raises(InvalidInput, match="已处理"):
        day_close.resolve_incident(officer, second, "已批评")


def test_a_missing_copy_recorded_lost_is_that_copy_alone(
    furnished, clock: FixedClock, login: Callable[..., Session]
) -> None:
    """A stocktake's 缺失 taken up as an incident: 遗失 records that copy lost and no other
    (`WHERE id = ?` as <>; `state = ` as <>), 归还 leaves it in the cabinet (`== "遗失"` as !=);
    a copy no longer 在柜 is not recorded lost (`!= "在柜"` negated)."""
    custodian, officer, readers, copies = furnished
    taken = stocktake.start(custodian, None, "baomi")
    stocktake.finish(custodian, taken.id, PASSWORD)
    found = dict(
        custodian.db.query("SELECT copy_id, id FROM stocktake_finding WHERE class = '缺失'")
    )
    for level in ("机密", "秘密", "非密"):
        resolve(custodian, found[copies[level]], Resolution.INCIDENT, "柜中未见，报保密员")
    incidents = {
        r["copy_id"]: r["id"]
        for r in custodian.db.query("SELECT id, copy_id FROM incident WHERE resolved_at IS NULL")
    }
    day_close.resolve_incident(officer, incidents[copies["机密"]], "确认遗失，报案", "遗失")
    day_close.resolve_incident(officer, incidents[copies["秘密"]], "已在柜内找到", "归还")
    states = dict(custodian.db.query("SELECT id, state FROM copy"))
    assert states == {
        copies["绝密"]: "在柜",
        copies["机密"]: "遗失",
        copies["秘密"]: "在柜",
        copies["非密"]: "在柜",
    }
    desk.checkout(custodian, readers["核心"].id, [copies["非密"]])
    with pytest.raises(InvalidInput, match="不能登记遗失"):
        day_close.resolve_incident(officer, incidents[copies["非密"]], "确认遗失", "遗失")


def test_a_discrepancy_at_return_closes_its_own_handover(
    furnished, clock: FixedClock, login: Callable[..., Session]
) -> None:
    """核对异常 resolved 归还 closes the handover it was found on, not another open one
    (`h.id = ? AND h.back_at IS NULL` as OR)."""
    custodian, officer, readers, copies = furnished
    clock.set(FRIDAY.replace(hour=10))
    desk.checkout(custodian, readers["核心"].id, [copies["秘密"], copies["机密"]])
    desk.take_back(custodian, copies["秘密"], discrepancy="少第3页")
    incident = custodian.db.scalar("SELECT id FROM incident WHERE kind = '核对异常'")
    day_close.resolve_incident(officer, incident, "页码已补齐", "归还")
    states = dict(custodian.db.query("SELECT id, state FROM copy"))
    assert states[copies["秘密"]] == "在柜" and states[copies["机密"]] == "借出"


def test_the_list_of_closed_days_is_the_newest_400(furnished) -> None:
    """closed_days gives at most 400 days, newest first (`limit=400` as 399 or 401)."""
    custodian = furnished[0]
    first = date(2025, 1, 1)
    custodian.db.executemany(
        "INSERT INTO day_close (day, closed_at, closed_by, chain_seq, chain_head, counts)"
        " VALUES (?, ?, 'jiyao', 1, 'x', '{}')",
        [
            ((first + timedelta(days=n)).isoformat(), f"{first + timedelta(days=n)}T17:40:00+08:00")
            for n in range(401)
        ],
    )
    days = day_close.closed_days(custodian.db)
    assert len(days) == 400 and days[0] == first + timedelta(days=400)
    assert days[-1] == first + timedelta(days=1)
