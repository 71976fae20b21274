"""The database's own guards, tried around the app layer with raw SQL; and the Chinese refusal
the user gets where the app's check and the database's guard meet.

Every trigger, CHECK and unique index of db/migrations that repeats a rule of the room is here,
each with the message that names it: a guard dropped, or another one firing in its place, fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest
import sqlcipher3

from app import audit, day_close, desk, destruction, registry
from app.clock import FixedClock
from app.errors import AccountLocked, InvalidInput, PermissionDenied, WrongPassword
from app.model import Credential
from app.people import ReaderInput, add_reader
from app.session import LOCK_AFTER_FAILURES, Session
from tests.app.test_registry import doc
from tests.conftest import BEIJING, PASSWORD

T = "'2026-11-20T10:00:00+08:00'"
APPEND_ONLY = "append-only"
UNIQUE = "UNIQUE constraint failed"
CHECK = "CHECK constraint failed"


@pytest.fixture
def scene(login: Callable[..., Session], clock: FixedClock) -> tuple[Session, dict[str, int]]:
    """Through the app: one copy out (excepted tonight), one returned, one destroyed by a sealed
    batch, one in an approved batch, one in a draft batch, the day closed; ids by name."""
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    officer = login("baomi")
    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心", "", "G1"))
    low = add_reader(officer, ReaderInput("李四", "区委", "科员", "非涉密", "", "G2"))
    custodian = login("jiyao")
    done = registry.register(
        custodian, doc(level="机密", copy_numbers="1-6", doc_number="G〔2026〕1号")
    )
    c = [copy.id for copy in done.copies]
    [out] = desk.checkout(custodian, reader.id, [c[0]])
    [back] = desk.checkout(custodian, reader.id, [c[1]])
    desk.take_back(custodian, c[1])
    day_close.add_exception(officer, out, "开会使用", datetime(2026, 11, 21, 9, 0, tzinfo=BEIJING))
    sealed = destruction.create(custodian, "碎纸机粉碎", "机要室", clock.now().date())
    destruction.add(custodian, sealed.id, [c[2]])
    destruction.approve(custodian, sealed.id, Credential("baomi", PASSWORD))
    witnesses = (Credential("baomi", PASSWORD), Credential("zhuren", PASSWORD))
    destruction.seal(custodian, sealed.id, witnesses)
    approved = destruction.create(custodian, "碎纸机粉碎", "机要室", clock.now().date())
    destruction.add(custodian, approved.id, [c[3]])
    destruction.approve(custodian, approved.id, Credential("baomi", PASSWORD))
    draft = destruction.create(custodian, "碎纸机粉碎", "机要室", clock.now().date())
    destruction.add(custodian, draft.id, [c[4]])
    clock.set(datetime(2026, 11, 20, 17, 40, tzinfo=BEIJING))
    day_close.close_day(custodian)
    other = registry.register(
        custodian, doc(level="秘密", copy_numbers="1", doc_number="G〔2026〕2号")
    )
    db = custodian.db
    db.execute(f"UPDATE copy SET state = '已清退' WHERE id = {c[5]}")  # as a recall return does
    db.execute(
        "INSERT INTO incident (kind, copy_id, handover_id, night, at, noted_by, description)"
        f" VALUES ('违规过夜', {c[1]}, {back}, '2026-11-19', {T}, '系统', '测试')"
    )
    db.execute(
        "INSERT INTO slip (copy_id, kind, printed_at, printed_by)"
        f" VALUES ({c[5]}, '标签', {T}, 'jiyao')"
    )
    db.execute(
        "INSERT INTO instruction (document_id, leader, given_at, text, kind, deadline,"
        f" state, created_at, created_by) VALUES ({done.document.id}, '张建国', {T}, '阅',"
        f" '普通', {T}, '已办结', {T}, 'jiyao')"
    )
    db.execute(
        f"INSERT INTO instruction_event (instruction_id, at, account, kind) VALUES (1, {T},"
        " 'jiyao', '登记')"
    )
    db.execute(
        "INSERT INTO recall_campaign (year, deadline, opened_at, opened_by, closed_at)"
        f" VALUES (2025, '2026-06-30', {T}, 'jiyao', {T})"
    )
    db.execute(
        "INSERT INTO recall_return (copy_id, returned_on, receiver, receipt_no, recorded_at,"
        f" recorded_by) VALUES ({c[5]}, '2026-11-20', '市委办', 'R1', {T}, 'jiyao')"
    )
    db.execute(
        "INSERT INTO recall_retention (copy_id, reason, decided_at, decided_by, approved_by)"
        f" VALUES ({c[4]}, '留存备查', {T}, 'jiyao', 'baomi')"
    )
    return custodian, {
        "doc": done.document.id,
        "other": other.document.id,
        "out": c[0],
        "back": c[1],
        "destroyed": c[2],
        "in_approved": c[3],
        "in_draft": c[4],
        "spare": c[5],
        "h_out": out,
        "h_back": back,
        "sealed": sealed.id,
        "approved": approved.id,
        "draft": draft.id,
        "reader": reader.id,
        "low": low.id,
    }


def _handover(copy: str, extra: str = "", values: str = "") -> str:
    return (
        f"INSERT INTO handover (copy_id, reader_id, out_at, due_at, out_by{extra})"
        f" VALUES ({{{copy}}}, {{reader}}, {T}, {T}, 'jiyao'{values})"
    )


# (what the guard keeps, the statement, the message that names the guard)
GUARDS: list[tuple[str, str, str]] = [
    # accounts and the trail
    ("accounts never deleted", "DELETE FROM account WHERE login = 'shenji'", "never deleted"),
    (
        "logins unique whatever the case",
        "INSERT INTO account (login, display_name, role,"
        f" created_at, password_changed_at) VALUES ('BAOMI', 'x', 'approver', {T}, {T})",
        UNIQUE,
    ),
    (
        "audit events never changed",
        "UPDATE audit_event SET account = 'x' WHERE seq = 1",
        APPEND_ONLY,
    ),
    (
        "audit events never deleted",
        "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)",
        APPEND_ONLY,
    ),
    ("audit seals never changed", "UPDATE audit_seal SET head = 'x'", APPEND_ONLY),
    ("audit seals never deleted", "DELETE FROM audit_seal", APPEND_ONLY),
    # registrations
    ("readers never deleted", "DELETE FROM reader WHERE id = {low}", "never deleted"),
    ("registrations never deleted", "DELETE FROM document WHERE id = {doc}", "never deleted"),
    ("copies never deleted", "DELETE FROM copy WHERE id = {spare}", "never deleted"),
    ("custody history never changed", "UPDATE copy_event SET kind = 'x'", APPEND_ONLY),
    ("custody history never deleted", "DELETE FROM copy_event", APPEND_ONLY),
    (
        "each copy registered once",
        "INSERT INTO copy (document_id, copy_no, pages) VALUES ({doc}, '000001', 1)",
        UNIQUE,
    ),
    (
        "收文编号 never reused",
        "INSERT INTO document (year, serial, issuer, source, doc_number,"
        " title, level, period_kind, urgency, handling, received_at, created_at, created_by)"
        f" SELECT year, serial, 'x', '市', '', 'x', '秘密', '无', '平件', '阅件', {T}, {T}, 'jiyao'"
        " FROM document WHERE id = {doc}",
        UNIQUE,
    ),
    ("密级 is one of four", "UPDATE document SET level = '内部' WHERE id = {other}", CHECK),
    ("a copy's state is known", "UPDATE copy SET state = '借走' WHERE id = {spare}", CHECK),
    (
        "a 密级 changes only by a recorded decision",
        "UPDATE document SET level = '绝密' WHERE id = {other}",
        "only by a recorded decision",
    ),
    (
        "a copy is filed only with its document",
        "UPDATE copy SET state = '已归档' WHERE id = {spare}",
        "filed only with its document",
    ),
    (
        "a copy is made only under an approval",
        "INSERT INTO copy (document_id, copy_no, pages, derived_from)"
        " VALUES ({doc}, '000001-复1', 1, {spare})",
        "only under an approval",
    ),
    ("a carrier kind is known", "UPDATE copy SET carrier = '软盘' WHERE id = {spare}", CHECK),
    (
        "份号 has six digits",
        "INSERT INTO copy (document_id, copy_no, pages) VALUES ({doc}, '7', 1)",
        CHECK,
    ),
    (
        "a scope names a reader or a group",
        "INSERT INTO document_scope (document_id) VALUES ({doc})",
        CHECK,
    ),
    # the desk
    ("a copy is out to one person at a time", _handover("out"), UNIQUE),
    ("handovers never deleted", "DELETE FROM handover WHERE id = {h_back}", "never deleted"),
    (
        "a returned handover is final",
        "UPDATE handover SET back_by = 'x' WHERE id = {h_back}",
        "final once returned",
    ),
    (
        "an open handover keeps its reader",
        "UPDATE handover SET reader_id = {low} WHERE id = {h_out}",
        "final once returned",
    ),
    (
        "an open handover keeps its due time",
        "UPDATE handover SET due_at = '2026-12-31' WHERE id = {h_out}",
        "final once returned",
    ),
    (
        "a clearance override names the head",
        _handover(
            "back", ", override_by, override_kind, override_ref", ", 'baomi', '涉密等级', '批1'"
        ),
        "approving head",
    ),
    (
        "a scope override names the reference",
        _handover(
            "back", ", override_by, override_kind, override_head", ", 'baomi', '知悉范围', '张'"
        ),
        "approving head",
    ),
    (
        "an override is never changed",
        "UPDATE handover SET override_by = 'baomi' WHERE id = {h_out}",
        "never changed",
    ),
    (
        "one 违规过夜 per handover and night",
        "INSERT INTO incident (kind, copy_id, handover_id,"
        f" night, at, noted_by, description) VALUES ('违规过夜', {{back}}, {{h_back}}, '2026-11-19',"
        f" {T}, '系统', 'x')",
        UNIQUE,
    ),
    ("incidents never deleted", "DELETE FROM incident", "never deleted"),
    (
        "one exception per handover and night",
        "INSERT INTO overnight_exception (handover_id,"
        " night, reason, approver, expected_return, created_at) SELECT handover_id, night, 'x',"
        " 'baomi', expected_return, created_at FROM overnight_exception",
        UNIQUE,
    ),
    (
        "a day closes once",
        "INSERT INTO day_close (day, closed_at, closed_by, chain_seq,"
        " chain_head, counts) SELECT day, closed_at, closed_by, 1, 'x', '{{}}' FROM day_close",
        UNIQUE,
    ),
    ("a closed day is final", "UPDATE day_close SET closed_by = 'x'", "closed day is final"),
    ("a closed day is never deleted", "DELETE FROM day_close", "closed day is final"),
    ("printed slips never deleted", "DELETE FROM slip", "never deleted"),
    ("instructions never deleted", "DELETE FROM instruction", "never deleted"),
    ("the chase log never changed", "UPDATE instruction_event SET note = 'x'", APPEND_ONLY),
    ("the chase log never deleted", "DELETE FROM instruction_event", APPEND_ONLY),
    # recall
    (
        "a closed campaign is final",
        "UPDATE recall_campaign SET deadline = '2027-01-01'",
        "closed recall campaign is final",
    ),
    ("campaigns never deleted", "DELETE FROM recall_campaign", "never deleted"),
    ("a return is final", "UPDATE recall_return SET receiver = 'x'", "return is final"),
    ("a return is never deleted", "DELETE FROM recall_return", "return is final"),
    (
        "a copy is returned once",
        "INSERT INTO recall_return (copy_id, returned_on, receiver,"
        f" receipt_no, recorded_at, recorded_by) VALUES ({{spare}}, '2026-11-20', 'x', 'R2', {T},"
        " 'jiyao')",
        UNIQUE,
    ),
    ("a retention is final", "UPDATE recall_retention SET reason = 'x'", "retention is final"),
    ("a retention is never deleted", "DELETE FROM recall_retention", "retention is final"),
    ("a returned copy never goes out", _handover("spare"), "never handed out"),
    # destruction
    (
        "the builder never approves",
        "UPDATE destruction_batch SET approved_by = built_by,"
        f" approved_at = {T} WHERE id = {{draft}}",
        CHECK,
    ),
    (
        "a batch is sealed only when approved",
        "UPDATE destruction_batch SET sealed_at = "
        f"{T}, witness_1 = 'baomi', witness_2 = 'zhuren' WHERE id = {{draft}}",
        CHECK,
    ),
    (
        "two witnesses",
        "UPDATE destruction_batch SET sealed_at = "
        f"{T}, witness_1 = 'baomi' WHERE id = {{approved}}",
        CHECK,
    ),
    (
        "two distinct witnesses",
        "UPDATE destruction_batch SET sealed_at = "
        f"{T}, witness_1 = 'baomi', witness_2 = 'baomi' WHERE id = {{approved}}",
        CHECK,
    ),
    (
        "the builder is not the first witness",
        "UPDATE destruction_batch SET sealed_at = "
        f"{T}, witness_1 = 'jiyao', witness_2 = 'zhuren' WHERE id = {{approved}}",
        CHECK,
    ),
    (
        "the builder is not the second witness",
        "UPDATE destruction_batch SET sealed_at = "
        f"{T}, witness_1 = 'baomi', witness_2 = 'jiyao' WHERE id = {{approved}}",
        CHECK,
    ),
    (
        "no administrator witnesses (first)",
        "UPDATE destruction_batch SET sealed_at = "
        f"{T}, witness_1 = 'xitong', witness_2 = 'zhuren' WHERE id = {{approved}}",
        "never by the 三员",
    ),
    (
        "no administrator witnesses (second)",
        "UPDATE destruction_batch SET sealed_at = "
        f"{T}, witness_1 = 'baomi', witness_2 = 'shenji' WHERE id = {{approved}}",
        "never by the 三员",
    ),
    (
        "no unknown witness",
        "UPDATE destruction_batch SET sealed_at = "
        f"{T}, witness_1 = 'baomi', witness_2 = 'nobody' WHERE id = {{approved}}",
        "never by the 三员",
    ),
    (
        "sealed or cancelled, never both",
        "UPDATE destruction_batch SET sealed_at = "
        f"{T}, witness_1 = 'baomi', witness_2 = 'zhuren', cancelled_at = {T}"
        " WHERE id = {approved}",
        CHECK,
    ),
    (
        "a sealed batch is final",
        "UPDATE destruction_batch SET place = 'x' WHERE id = {sealed}",
        "is final",
    ),
    ("batches never deleted", "DELETE FROM destruction_batch WHERE id = {draft}", "never deleted"),
    ("a batch item never changes", "UPDATE destruction_item SET added_at = 'x'", "never changed"),
    (
        "an approved list takes nothing more",
        "INSERT INTO destruction_item (batch_id, copy_id,"
        f" added_at) VALUES ({{approved}}, {{spare}}, {T})",
        "batch is fixed",
    ),
    (
        "an approved list loses nothing",
        "DELETE FROM destruction_item WHERE batch_id = {approved}",
        "batch is fixed",
    ),
    (
        "a destroyed copy is final",
        "UPDATE copy SET pages = 99 WHERE id = {destroyed}",
        "destroyed copy is final",
    ),
    (
        "destroyed only by a sealed batch",
        "UPDATE copy SET state = '已销毁' WHERE id = {spare}",
        "only by a sealed destruction batch",
    ),
    (
        "a destroyed copy's registration is final",
        "UPDATE document SET title = 'x' WHERE id = {doc}",
        "registration of a destroyed copy is final",
    ),
    ("a destroyed copy never goes out", _handover("destroyed"), "never handed out"),
]


def test_every_guard_refuses_raw_sql(scene: tuple[Session, dict[str, int]]) -> None:
    session, ids = scene
    db = session.db
    survived = []
    for name, sql, message in GUARDS:
        try:
            db.execute(sql.format(**ids))
        except sqlcipher3.IntegrityError as refused:
            if not re.search(re.escape(message), str(refused)):
                survived.append(f"{name}: refused by another guard ({refused})")
            continue
        survived.append(f"{name}: accepted")
    assert survived == []
    assert audit.verify(db).ok


# ---- where the app's check and the database's guard meet: a Chinese refusal, never a raw error --
@pytest.fixture
def batch(login: Callable[..., Session], clock: FixedClock) -> tuple[Session, int]:
    """An approved batch built by jiyao, waiting for its witnesses."""
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    custodian = login("jiyao")
    done = registry.register(
        custodian, doc(level="绝密", copy_numbers="1", doc_number="W〔2026〕1号")
    )
    made = destruction.create(custodian, "碎纸机粉碎", "机要室", clock.now().date())
    destruction.add(custodian, made.id, [done.copies[0].id])
    destruction.approve(custodian, made.id, Credential("BAOMI", PASSWORD))
    return custodian, made.id


SAME_PERSON = ("BAOMI", "ｂａｏｍｉ", " baomi ", "Ｂａｏ Ｍｉ")
BUILDER = ("JIYAO", "ｊｉｙａｏ", " JiYao", "ＪＩＹＡＯ")


def test_one_witness_twice_or_the_builder_in_any_spelling_is_refused_in_chinese(batch) -> None:
    """The CHECKs of 0007 compare stored logins exactly; the app compares them as it looks
    them up. Any spelling that slipped through would end in a raw IntegrityError."""
    custodian, batch_id = batch
    for spelling in SAME_PERSON:
        pair = (Credential("baomi", PASSWORD), Credential(spelling, PASSWORD))
        with pytest.raises(InvalidInput, match="两名不同的监销人"):
            destruction.seal(custodian, batch_id, pair)
    for spelling in BUILDER:
        for names in ((spelling, "anquan"), ("anquan", spelling)):
            pair = (Credential(names[0], PASSWORD), Credential(names[1], PASSWORD))
            with pytest.raises(PermissionDenied, match="编制人不能担任监销人"):
                destruction.seal(custodian, batch_id, pair)
    assert destruction.get(custodian.db, batch_id).state == "待监销"


def test_witnesses_typed_in_full_width_are_the_room_s_logins(batch) -> None:
    custodian, batch_id = batch
    pair = (Credential("ＢＡＯＭＩ", PASSWORD), Credential(" Zhu Ren ", PASSWORD))
    sealed = destruction.seal(custodian, batch_id, pair)
    row = custodian.db.one(
        "SELECT witness_1, witness_2 FROM destruction_batch WHERE id = ?", (sealed.id,)
    )
    assert tuple(row) == ("baomi", "zhuren")


def test_the_builder_never_approves_in_any_spelling(login, clock) -> None:
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    custodian = login("jiyao")
    done = registry.register(
        custodian, doc(level="秘密", copy_numbers="1", doc_number="A〔2026〕1号")
    )
    made = destruction.create(custodian, "碎纸机粉碎", "机要室", clock.now().date())
    destruction.add(custodian, made.id, [done.copies[0].id])
    for spelling in BUILDER:
        with pytest.raises(PermissionDenied, match="审批人不能是编制人本人"):
            destruction.approve(custodian, made.id, Credential(spelling, PASSWORD))


def test_a_destroyed_copy_is_refused_at_the_counter_in_chinese(batch, login) -> None:
    custodian, batch_id = batch
    reader = add_reader(login("baomi"), ReaderInput("张建国", "区委", "书记", "核心", "", "D1"))
    destruction.seal(
        custodian, batch_id, (Credential("baomi", PASSWORD), Credential("zhuren", PASSWORD))
    )
    copy = custodian.db.scalar(
        "SELECT copy_id FROM destruction_item WHERE batch_id = ?", (batch_id,)
    )
    word = desk.Override("baomi", PASSWORD, "领导急需", "张建国 书记", "批字1号")
    with pytest.raises(InvalidInput, match="已销毁"):
        desk.checkout(custodian, reader.id, [copy], word)


def test_a_witness_s_password_honours_the_lockout(batch, clock: FixedClock) -> None:
    custodian, batch_id = batch
    for _ in range(LOCK_AFTER_FAILURES):
        with pytest.raises(WrongPassword, match="监销确认未完成"):
            destruction.seal(
                custodian,
                batch_id,
                (Credential("zhuren", "Wrong-pass-1"), Credential("baomi", PASSWORD)),
            )
    with pytest.raises(AccountLocked):
        destruction.seal(
            custodian, batch_id, (Credential("baomi", PASSWORD), Credential("zhuren", PASSWORD))
        )
    assert destruction.get(custodian.db, batch_id).state == "待监销"
    clock.advance(minutes=15, seconds=1)
    destruction.seal(
        custodian, batch_id, (Credential("baomi", PASSWORD), Credential("zhuren", PASSWORD))
    )
    assert destruction.get(custodian.db, batch_id).state == "已销毁"


def test_a_login_typed_in_full_width_opens_the_session(room, clock: FixedClock) -> None:
    from app.session import open_session

    session = open_session(room.db, "ＢＡＯＭＩ ", PASSWORD, clock, exclusive=False)
    try:
        assert session.account.login == "baomi"
    finally:
        session.close()


def test_a_batch_changed_between_the_passwords_and_the_write_is_refused(batch) -> None:
    """The passwords are typed outside the transaction; the batch read before them is checked
    again inside it (another window may have cancelled it meanwhile)."""
    custodian, batch_id = batch
    seen = destruction.get(custodian.db, batch_id)
    destruction.cancel(custodian, batch_id, "清单有误")
    with pytest.raises(InvalidInput, match="刚刚有变动"), custodian.db.transaction():
        destruction._still(custodian.db, seen, "待监销", "销毁")
