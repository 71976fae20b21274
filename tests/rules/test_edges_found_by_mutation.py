"""Edges that the session-7 mutation run found no test for (issue 19): a changed comparison or
number at each survived. Each test names the rule; the mutant it kills is in the comment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from app import accounts, day_close, desk, documents, qr_payload, refusals, registry, slips
from app.classification import Period
from app.clock import FixedClock
from app.errors import InvalidInput, PermissionDenied, WrongPassword
from app.model import Credential, NewAccount
from app.people import ReaderInput, add_reader
from app.refusals import RefusalKind
from app.roles import Role
from app.session import Session, open_session
from app.slips import ForgedCode
from tests.app.test_registry import doc
from tests.app.test_sign_clock import at
from tests.conftest import PASSWORD
from tests.rules.test_tables import FRIDAY

GOOD = "Sunjie-2026-good"


@pytest.fixture
def lent(login: Callable[..., Session], clock: FixedClock) -> tuple[Session, Session, int]:
    """(custodian, 保密员, a 秘密 copy's open handover) at 09:00 on a Friday."""
    clock.set(FRIDAY)
    officer = login("baomi")
    reader = add_reader(officer, ReaderInput("读者", "区委办", "", "核心", "", "E1"))
    custodian = login("jiyao")
    done = registry.register(custodian, doc(level="秘密", doc_number="边〔2026〕1号"))
    [handover] = desk.checkout(custodian, reader.id, [done.copies[0].id])
    return custodian, officer, handover


def test_a_day_close_closes_that_day_only(lent, clock: FixedClock) -> None:
    """desk.counter_closed reads the close of the day asked (`day = ?` as `day <> ?`)."""
    custodian, officer, handover = lent
    day_close.add_exception(officer, handover, "书记带回批阅", FRIDAY + timedelta(days=1))
    today = FRIDAY.date()
    assert not desk.counter_closed(custodian.db, today)
    clock.set(FRIDAY.replace(hour=18))
    day_close.close_day(custodian)
    assert desk.counter_closed(custodian.db, today)
    assert not desk.counter_closed(custodian.db, today + timedelta(days=1))
    assert not desk.counter_closed(custodian.db, today - timedelta(days=1))


def test_tonights_exception_is_registered_once_and_last_nights_does_not_count(
    lent, clock: FixedClock
) -> None:
    """day_close.add_exception refuses a second exception for the same night only
    (`night = ?` as `night <> ?`)."""
    _, officer, handover = lent
    back_at = FRIDAY.replace(hour=9) + timedelta(days=1)
    day_close.add_exception(officer, handover, "书记带回批阅", back_at)
    with pytest.raises(InvalidInput, match="今晚的例外已登记"):
        day_close.add_exception(officer, handover, "再登一次", back_at)
    clock.set(FRIDAY + timedelta(days=1))  # still out the next day: tonight needs its own
    day_close.add_exception(officer, handover, "书记仍在批阅", back_at + timedelta(days=1))


def test_sign_for_lateness_at_its_boundary(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """registry: signed at the deadline is on time (`>` as `>=`); an hour after is 迟 60 分钟
    (the minutes as seconds / 60, not another number)."""
    clock.set(at(18))
    custodian = login("jiyao")
    on_time = registry.register(
        custodian,
        doc(doc_number="界〔2026〕1号", waiting_at=at(8), received_at=at(12), deadline=at(19)),
    )
    assert not any("签收逾时" in w for w in on_time.warnings)
    late = registry.register(
        custodian,
        doc(doc_number="界〔2026〕2号", waiting_at=at(8), received_at=at(13), deadline=at(19)),
    )
    assert any("迟 60 分钟" in w for w in late.warnings), late.warnings


def test_a_deactivated_account_neither_logs_in_nor_confirms(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """A deactivated account cannot log in (its key slot is gone, so the login fails before
    the account is read: test_audit_accounts_mutants' slot test guards session's `or`); confirm:
    nor can it confirm anything for another person."""
    admin = login("xitong")
    accounts.deactivate(admin, "zhuren")
    with pytest.raises(WrongPassword):
        open_session(admin.paths.db, "zhuren", PASSWORD, clock, exclusive=False)
    custodian = login("jiyao")
    with pytest.raises(PermissionDenied, match="没有这个在用的账户"):
        custodian.confirm(Credential("zhuren", PASSWORD), "监销确认")


def test_the_first_slip_of_a_room_is_number_one(login: Callable[..., Session]) -> None:
    """slips.propose numbers from the highest serial so far, 0 in a room with none."""
    custodian = login("jiyao")
    db = custodian.db
    assert db.scalar("SELECT count(*) FROM slip") == 0
    copy_id = registry.register(custodian, doc(doc_number="笺〔2026〕1号")).copies[0].id
    [code] = slips.propose(custodian, [copy_id], slips.form_for("区本级"))
    assert code.serial == 1


def test_an_unclassified_period_is_the_level_alone() -> None:
    """classification.Period.label: 非密 shows no ★ whatever the period, 无 none at any level
    (`or` as `and`)."""
    assert Period("年", "10").label("非密") == "非密"
    assert Period("无").label("秘密") == "秘密"
    assert Period("年", "10").label("秘密") == "秘密★10年"


def test_only_a_rooms_first_security_officer_is_granted_at_creation(
    login: Callable[..., Session],
) -> None:
    """accounts.create_account: a second 安全保密管理员 is a proposal like any other account
    until granted (`and` as `or`)."""
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("anquan2", "孙洁", Role.SECURITY_OFFICER, GOOD))
    accounts.create_account(admin, NewAccount("jiyao3", "钱敏", Role.CUSTODIAN, GOOD))
    for login_name in ("anquan2", "jiyao3"):
        created = accounts.find(admin.db, login_name)
        assert created is not None and not created.granted, login_name


def test_an_account_not_yet_granted_confirms_nothing(login: Callable[..., Session]) -> None:
    """confirm: an active account the 安全保密管理员 has not granted yet is no one's approver
    (`not active or not granted` as `not active and not granted`)."""
    admin = login("xitong")
    accounts.create_account(admin, NewAccount("baomi2", "钱敏", Role.APPROVER, GOOD))
    created = accounts.find(admin.db, "baomi2")
    assert created is not None and created.active and not created.granted
    custodian = login("jiyao")
    with pytest.raises(PermissionDenied, match="没有这个在用的账户"):
        custodian.confirm(Credential("baomi2", GOOD), "例外放行", Role.APPROVER)


def test_a_signed_code_names_its_own_slip_or_nothing(login: Callable[..., Session]) -> None:
    """slips.read_code: a code signed with the room's secret is still forged when no slip has
    its serial, or when its slip is another copy's (`row is None or …` as `and`)."""
    custodian = login("jiyao")
    first, second = (
        c.id for c in registry.register(custodian, doc(doc_number="笺〔2026〕2号")).copies[:2]
    )
    [code] = slips.issue(custodian, [first], slips.form_for("区本级"))
    secret, room_id = slips.room_secret(custodian.db)
    assert slips.read_code(custodian.db, code.payload) == first
    for copy_id, serial in ((second, code.serial), (first, code.serial + 7)):
        with pytest.raises(ForgedCode):
            slips.read_code(custodian.db, qr_payload.encode(secret, room_id, copy_id, serial))


def test_a_slips_code_is_never_smaller_than_version_2() -> None:
    """slips.qr_matrix starts at version 2 (25 modules a side), the size the slip's print and
    the scanner were measured at, even for a code that would fit version 1 (`QR_VERSION = 1`)."""
    assert len(slips.qr_matrix("MJ1")) == 25


def test_a_clean_login_leaves_the_keys_file_as_it_was(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """session: the keys file is written at a login only when the account had failures or a lock
    to clear (`slot is not None and (…)` as `or`): a clean login does not rewrite it, so it never
    races a key rotation by another process for nothing."""
    admin = login("xitong")
    keys = admin.paths.keys
    before = (keys.read_bytes(), keys.stat().st_mtime_ns)
    open_session(admin.paths.db, "jiyao", PASSWORD, clock, exclusive=False).close()
    assert (keys.read_bytes(), keys.stat().st_mtime_ns) == before


def test_a_reader_named_in_the_scope_may_read_it_and_another_may_not(
    login: Callable[..., Session], clock: FixedClock
) -> None:
    """知悉范围 by name: a document scoped to one reader (no group) may be taken by that reader
    and is refused to another (refusals._in_scope: `s.reader_id = ?` as `<>`)."""
    clock.set(FRIDAY)
    officer = login("baomi")
    named = add_reader(officer, ReaderInput("张建国", "区委办", "", "核心", "", "N1"))
    other = add_reader(officer, ReaderInput("李华", "区委办", "", "核心", "", "N2"))
    custodian = login("jiyao")
    done = registry.register(
        custodian, doc(level="秘密", doc_number="范〔2026〕1号", scope_reader_ids=(named.id,))
    )
    db = custodian.db
    copy = documents.copy_ref(db, done.copies[0].id)
    kinds = {
        reader.name: [r.kind for r in refusals.refusals(db, reader, copy, FRIDAY)]
        for reader in (named, other)
    }
    assert kinds == {"张建国": [], "李华": [RefusalKind.SCOPE]}
