"""Rules of the audit trail, the accounts, the login and the protection periods that the
session-7 mutation run found unguarded (issue 19). Each test names its rule; the mutants it
kills are in its docstring."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from app import accounts, audit, audit_view, day_close, desk, registry, trail_parallel
from app.classification import Period, period_end
from app.clock import FixedClock, stamp
from app.entry import parse_period
from app.errors import AccountLocked, KeysFileWriteFailed, MijianError, WrongPassword
from app.model import NewAccount
from app.paths import RoomPaths
from app.people import ReaderInput, add_reader
from app.roles import Role
from app.session import LOCK_AFTER_FAILURES, LOCK_MINUTES, Session, open_session
from db.keyslots import KeyFile
from tests.app.test_registry import doc
from tests.conftest import PASSWORD, TEST_KDF
from tests.rules.test_tables import FRIDAY

GOOD = "Sunjie-2026-good"
LONG = 10_500  # events written on top of the room's own: past one progress report (10,000)


# --- the audit trail -------------------------------------------------------------------------


@pytest.fixture
def long_trail(login: Callable[..., Session]) -> Session:
    """An auditor's session on a room whose trail holds more than 10,000 events."""
    custodian = login("jiyao")
    db = custodian.db
    with db.transaction():
        for i in range(LONG - audit.count(db)):
            audit.record(db, custodian.clock, "jiyao", "测试", f"test:{i}", {"i": i})
    return login("shenji")


def test_a_long_trail_reports_progress_every_10000_events_and_pages_from_its_head(
    long_trail: Session,
) -> None:
    """The auditor's check of a long trail reports progress at each 10,000th event, and only
    there (audit.walk: `count % 1_000 == 0` as `!= 0`, `== 1`, `== -1`, `% 999`, `% 1001`,
    `+ 1_000`, `not …`; `progress is not None and count % 10_000 == 0` with `is`, `or`, `!=`,
    `== 1`, `== -1`, `% 9999`, `% 10001`, `+ 10_000`, `not …`). The audit page with no cursor
    shows the newest events, however long the trail (audit.page: `2**62` as `2*62`)."""
    db = long_trail.db
    total = audit.count(db)
    heard: list[int] = []
    report = audit.verify(db, heard.append)
    assert report.ok and report.count == total >= 10_000
    assert heard == [10_000]
    assert audit.verify(db).ok  # no listener: nothing is called
    newest = audit.page(db, None, 3)
    assert [e.seq for e in newest] == [total, total - 1, total - 2]
    assert newest[0].hash == audit.head(db) == report.head


def test_a_tail_walk_checks_only_the_events_after_the_vouched_point(
    login: Callable[..., Session],
) -> None:
    """A walk `after` a point an earlier check vouched for (a seal, a day close) starts on that
    point's hash, counts only the later events and says from where it checked; a wrong hash
    at the point breaks the chain at the next event (audit.walk: `after[1]` as `after[2]`,
    `after[0]`; `since = after[0]` as `after[1]`, `after[-1]`; `expected_seq = after[0] + 1`
    as `after[1] + 1`, `after[-1] + 1`, `+ 2`, `+ 0`, `- 1`)."""
    db = login("shenji").db
    total = audit.count(db)
    point = total // 2
    vouched = db.scalar("SELECT hash FROM audit_event WHERE seq = ?", (point,))
    walked: list[int] = []
    report = audit.walk(db, lambda seq, _: walked.append(seq), after=(point, vouched))
    assert report.ok and report.since == point
    assert (report.count, report.head) == (total - point, audit.head(db))
    assert walked == list(range(point + 1, total + 1))
    assert report.message.startswith(f"链自第 {point + 1} 条起完整：{total - point} 条")
    wrong = audit.walk(db, None, after=(point, audit.GENESIS))
    assert (wrong.ok, wrong.broken_seq, wrong.count, wrong.since) == (False, point + 1, 0, point)


def test_an_event_is_returned_and_searched_as_it_was_written(
    login: Callable[..., Session],
) -> None:
    """audit.record returns the event as stored, details included (`details or {}` as
    `details and {}`), and stores the details as readable UTF-8, so that the audit view's
    search finds a Chinese word in them (`ensure_ascii=False` as `True`)."""
    custodian = login("jiyao")
    db = custodian.db
    with db.transaction():
        event = audit.record(
            db, custodian.clock, "jiyao", "测试", "test:1", {"reason": "书记带回批阅"}
        )
    assert event == audit.page(db, None, 1)[0]
    assert event.details == {"reason": "书记带回批阅"}
    found, _ = audit_view.search(db, Role.CUSTODIAN, audit_view.AuditFilter(text="带回批阅"))
    assert [line.seq for line in found] == [event.seq]


def test_a_report_made_without_a_vouched_point_is_of_the_whole_chain() -> None:
    """A ChainReport built with no `since` (as the parallel check and the maintenance page build
    theirs) is of the whole chain, and says so (`since: int = 0` as 1 or -1)."""
    report = audit.ChainReport(True, 3, "ab12")
    assert report.since == 0
    assert report.message == "链完整：3 条，链头 ab12"


def test_a_whole_chain_checked_on_every_core_says_it_is_whole(
    login: Callable[..., Session],
) -> None:
    """The parallel check of a long trail (app/trail_parallel.py) walks the chain from its
    start: its report is the sequential walk's, from no vouched point, and says 链完整 with the
    count and head (ChainReport's `since: int = 0` as 1 or -1, which the parallel report
    takes)."""
    auditor = login("shenji")
    db = auditor.db
    total = audit.count(db)
    report, heads = trail_parallel.walk(auditor.paths.db, auditor.data_key, total, {total}, 2)
    assert report == audit.verify(db)
    assert (report.ok, report.count, report.since) == (True, total, 0)
    assert report.message == f"链完整：{total} 条，链头 {audit.head(db)}"
    assert heads == {total: audit.head(db)}


def test_what_the_program_records_by_itself_is_signed_as_the_system(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """A 违规过夜 found by the program is noted by 系统, in the incident and in the trail, and
    the audit view names that actor as the program (audit.SYSTEM = "系统" changed)."""
    clock.set(FRIDAY)
    reader = add_reader(login("baomi"), ReaderInput("张建国", "区委", "", "核心", "", "S1"))
    custodian = login("jiyao")
    done = registry.register(custodian, doc(level="秘密", copy_numbers="1"))
    desk.checkout(custodian, reader.id, [done.copies[0].id])
    clock.set(FRIDAY + timedelta(days=1))
    [incident] = day_close.detect_overnight(custodian)
    db = custodian.db
    noted = db.scalar("SELECT noted_by FROM incident WHERE id = ?", (incident,))
    event = audit.page(db, None, 1)[0]
    assert (noted, event.account, event.action) == ("系统", "系统", "违规过夜")
    assert audit_view.actors(db)["系统"].label == "系统（程序自动记录）"


# --- accounts ---------------------------------------------------------------------------------


@pytest.fixture
def gone(login: Callable[..., Session]) -> Session:
    """The system administrator's session after deactivating a new custodian, zhaolei."""
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    accounts.deactivate(admin, "zhaolei")
    return admin


def test_a_deactivation_is_audited_as_active_to_inactive(gone: Session) -> None:
    """The trail records a deactivation as `active` True before, False after
    (accounts._deactivate: either boolean of the details flipped)."""
    [event] = [e for e in audit.page(gone.db, None, 50) if e.action == "停用账户"]
    assert event.object == "account:zhaolei"
    assert event.details == {"before": {"active": True}, "after": {"active": False}}


def test_only_active_accounts_can_be_deactivated_or_reset(gone: Session) -> None:
    """Deactivating an inactive account, or resetting the password of a login nobody has, is
    a calm refusal naming the login (accounts._active: `or` as `and`)."""
    with pytest.raises(MijianError, match="没有名为 zhaolei 的在用账户"):
        accounts.deactivate(gone, "zhaolei")
    with pytest.raises(MijianError, match="没有名为 nobody 的在用账户"):
        accounts.reset_password(gone, "nobody", GOOD)


def test_a_password_change_dates_that_account_only(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """Changing a password sets that account's 密码修改时间 and no other's
    (accounts._rewrap_rows: `WHERE id = ?` as `id <> ?`)."""
    admin = login("xitong")
    before = {a.login: a.password_changed_at for a in accounts.list_accounts(admin.db)}
    clock.advance(days=3)
    accounts.change_own_password(admin, PASSWORD, GOOD)
    after = {a.login: a.password_changed_at for a in accounts.list_accounts(admin.db)}
    assert after.pop("xitong") == stamp(clock.now()) != before.pop("xitong")
    assert after == before


def test_a_failed_account_creation_leaves_no_key_slot(
    login: Callable[..., Session], room: RoomPaths
) -> None:
    """An account whose creation failed (the keys file could not be written) has no slot, in
    memory or in the keys file written next (accounts.create_account: `except BaseException`
    as an exception never raised)."""
    admin = login("xitong")
    blocker = room.keys.with_name(room.keys.name + ".tmp")
    blocker.mkdir()  # the temp file's name taken by a folder: the write fails
    with pytest.raises(KeysFileWriteFailed):
        accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, GOOD))
    blocker.rmdir()
    assert accounts.find(admin.db, "zhaolei") is None
    admin.keyfile.save()
    assert KeyFile.load(room.keys).slot("zhaolei") is None


# --- logging in -------------------------------------------------------------------------------


def test_a_key_slot_without_an_active_account_does_not_log_in(
    gone: Session, room: RoomPaths, clock: FixedClock
) -> None:
    """A slot in the keys file opens nothing unless an active account stands behind it: a
    deactivated account's, or one for a login no account has (session.open_session:
    `account is None or not account.active` with `and`)."""
    for who in ("zhaolei", "ghost"):
        gone.keyfile.add_slot(who, GOOD, gone.data_key, TEST_KDF)
    gone.keyfile.save()
    for who in ("zhaolei", "ghost"):
        with pytest.raises(WrongPassword):
            open_session(room.db, who, GOOD, clock, exclusive=False)


def _fail(room: RoomPaths, clock: FixedClock, times: int, error: type[Exception]) -> None:
    for _ in range(times):
        with pytest.raises(error):
            open_session(room.db, "jiyao", "Wrong-2026-pass", clock, exclusive=False)


def test_every_lock_and_every_login_starts_the_count_of_failures_afresh(
    room: RoomPaths, clock: FixedClock
) -> None:
    """Five wrong passwords in a row lock an account; a login that succeeds, or a lock that
    ends, starts the count again from zero (session.count_failure: `failures = 0` as `1`,
    `-1`; session.clear_failures: `slot is not None` as `is None`, `not …`,
    `failures or locked_until` as `and`)."""
    _fail(room, clock, LOCK_AFTER_FAILURES - 1, WrongPassword)
    open_session(room.db, "jiyao", PASSWORD, clock, exclusive=False).close()
    _fail(room, clock, LOCK_AFTER_FAILURES - 1, WrongPassword)  # four more do not lock
    open_session(room.db, "jiyao", PASSWORD, clock, exclusive=False).close()
    _fail(room, clock, LOCK_AFTER_FAILURES, WrongPassword)  # the fifth locks
    with pytest.raises(AccountLocked):
        open_session(room.db, "jiyao", PASSWORD, clock, exclusive=False)
    clock.advance(minutes=LOCK_MINUTES + 1)
    _fail(room, clock, LOCK_AFTER_FAILURES, WrongPassword)  # five tries again after the lock
    with pytest.raises(AccountLocked):
        open_session(room.db, "jiyao", PASSWORD, clock, exclusive=False)


def test_an_unknown_login_is_recorded_by_its_tag_never_in_clear(
    login: Callable[..., Session], room: RoomPaths, clock: FixedClock
) -> None:
    """A failed login under a name no account has reaches the trail as 未知账户# and the
    first 8 hex digits of that name's slot id, never as typed (session.count_failure:
    `[:8]` as `[:9]`, `[:7]`)."""
    typed = "wangwu-typo"
    with pytest.raises(WrongPassword):
        open_session(room.db, typed, PASSWORD, clock, exclusive=False)
    auditor = login("shenji")
    tag = "未知账户#" + auditor.keyfile.slot_id(typed)[:8]
    failed = [e for e in audit.page(auditor.db, None, 20) if e.action == "登录失败"]
    assert [e.object for e in failed] == [f"account:{tag}"]
    rows = auditor.db.query("SELECT account, object, details FROM audit_event")
    assert not any(typed in " ".join(map(str, tuple(r))) for r in rows)


# --- protection periods ------------------------------------------------------------------------


def test_a_period_in_months_ends_on_the_last_day_of_a_shorter_month() -> None:
    """A period counted from the 31st ends on the last day of a month without one: the 30th,
    or the 29th of a leap February (classification._add_months: `(day.day, 30, 29, 28)` with
    30 as 31 or 29, 29 as 30 or 28)."""
    month = Period("月", "1")
    assert period_end(month, date(2026, 3, 31), date(2026, 4, 2)) == date(2026, 4, 30)
    assert period_end(month, None, date(2028, 1, 31)) == date(2028, 2, 29)
    assert period_end(month, date(2027, 1, 31), date(2027, 2, 2)) == date(2027, 2, 28)
    assert period_end(Period("年", "1"), date(2028, 2, 29), date(2028, 3, 1)) == date(2029, 2, 28)


def test_a_period_written_on_the_document_is_not_the_laws_default(
    login: Callable[..., Session],
) -> None:
    """A 保密期限 typed from the paper is the document's own; only a document without one is
    marked 法定默认期限 (classification.Period: `defaulted: bool = False` as `True`)."""
    custodian = login("jiyao")
    own = registry.register(
        custodian, doc(doc_number="期〔2026〕1号", period=parse_period("10年", "机密"))
    ).document
    assert (own.level_label, own.period.defaulted) == ("机密★10年", False)
    default = registry.register(custodian, doc(doc_number="期〔2026〕2号")).document
    assert (default.level_label, default.period.defaulted) == ("机密★20年", True)
