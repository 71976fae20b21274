"""借阅台 and 日终清点 with a clock that moves: 密件不过夜."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from app import audit, desk, registry, scanning
from app.day_close import (
    add_exception,
    blockers,
    close_day,
    detect_overnight,
    last_close,
    open_incidents,
    resolve_incident,
)
from app.desk import Override
from app.errors import InvalidInput, PermissionDenied, WrongPassword
from app.people import ReaderInput, add_group, add_reader
from app.session import Session
from tests.app.test_registry import doc
from tests.conftest import BEIJING, PASSWORD


@pytest.fixture
def counter(login: Callable[..., Session], clock):
    """A custodian at the counter with readers and a few registered documents, at 08:30."""
    clock.set(datetime(2026, 11, 20, 8, 30, tzinfo=BEIJING))
    officer = login("baomi")
    readers = {
        "zhang": add_reader(
            officer, ReaderInput("张建国", "区委", "书记", "核心", "13800000001", "B0001")
        ),
        "wang": add_reader(
            officer, ReaderInput("王芳", "区委办", "科员", "一般", "13800000002", "B0002")
        ),
        "li": add_reader(officer, ReaderInput("李四", "区信访局", "科员", "非涉密", "", "B0003")),
    }
    add_group(officer, "区委常委", [readers["zhang"].id])
    custodian = login("jiyao")
    docs = {
        "secret": registry.register(
            custodian, doc(level="秘密", copy_numbers="1-3", doc_number="F〔2026〕1号")
        ),
        "confidential": registry.register(
            custodian, doc(level="机密", copy_numbers="10", doc_number="F〔2026〕2号")
        ),
        "scoped": registry.register(
            custodian,
            doc(level="秘密", copy_numbers="20", doc_number="F〔2026〕3号", scope_group_ids=(1,)),
        ),
        "plain": registry.register(
            custodian, doc(level="非密", copy_numbers="", copy_count=1, doc_number="F〔2026〕4号")
        ),
    }
    return custodian, officer, readers, docs


def test_scans_name_readers_and_copies(counter) -> None:
    custodian, _, readers, docs = counter
    db = custodian.db
    assert scanning.resolve(db, "b0001").reader == readers["zhang"]
    assert scanning.resolve(db, "张建国").reader == readers["zhang"]
    assert scanning.resolve(db, "zjg").reader == readers["zhang"]
    copy = scanning.resolve(db, "2026-0001/000002").copy
    assert copy is not None and copy.copy_no == "000002" and copy.level == "秘密"
    assert (
        scanning.resolve(db, "2026-0002").copy.copy_no == "000010"
    )  # one copy: the number is enough
    with pytest.raises(InvalidInput, match="有多份"):
        scanning.resolve(db, "2026-0001")
    with pytest.raises(InvalidInput, match="无法识别"):
        scanning.resolve(db, "XYZ-1")
    with pytest.raises(InvalidInput, match="没有 2026-0001 第000009份"):
        scanning.resolve(db, "2026-0001/9")


def test_the_day_at_the_counter(counter, clock) -> None:
    custodian, officer, readers, docs = counter
    db = custodian.db
    copy = docs["secret"].copies[0]
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["wang"].id, [copy.id])
    out = desk.out_now(db)
    assert [(r.copy.label, r.reader, r.due_at.strftime("%H:%M")) for r in out] == [
        ("2026-0001 第000001份", "王芳", "17:30")
    ]
    assert out[0].status(clock.now()) == "正常"
    clock.set(datetime(2026, 11, 20, 17, 0, tzinfo=BEIJING))
    assert desk.out_now(db)[0].status(clock.now()) == "将到期"
    clock.set(datetime(2026, 11, 20, 17, 31, tzinfo=BEIJING))
    assert desk.out_now(db)[0].status(clock.now()) == "逾期"
    with pytest.raises(InvalidInput, match="尚有密件未归还"):
        close_day(custodian)
    desk.take_back(custodian, copy.id)
    closed = close_day(custodian)
    assert closed.counts["秘密"] == {
        "在柜": 4,
        "借出": 0,
        "分发在外": 0,
    }  # three copies and the scoped one
    assert closed.counts["机密"] == {"在柜": 1, "借出": 0, "分发在外": 0}
    assert closed.chain_head == audit.head(db)
    assert last_close(db) == closed
    with pytest.raises(InvalidInput, match="已清点关闭"):
        close_day(custodian)
    history = [name for name, _, _ in desk.disclosure(db, copy.id)]
    assert history == ["王芳"]


def test_a_copy_left_out_overnight_becomes_an_incident(counter, clock) -> None:
    custodian, officer, readers, docs = counter
    copy = docs["confidential"].copies[0]
    clock.set(datetime(2026, 11, 20, 15, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["zhang"].id, [copy.id])
    clock.set(datetime(2026, 11, 21, 8, 20, tzinfo=BEIJING))
    found = detect_overnight(custodian)
    assert len(found) == 1
    incidents = open_incidents(custodian.db)
    assert incidents[0].kind == "违规过夜" and "张建国" in incidents[0].description
    assert detect_overnight(custodian) == []  # once per copy and night
    resolve_incident(officer, incidents[0].id, "已谈话提醒")
    assert open_incidents(custodian.db) == []


def test_an_exception_lets_the_day_close_and_produces_no_incident(counter, clock) -> None:
    custodian, officer, readers, docs = counter
    copy = docs["confidential"].copies[0]
    clock.set(datetime(2026, 11, 20, 15, 0, tzinfo=BEIJING))
    handover = desk.checkout(custodian, readers["zhang"].id, [copy.id])[0]
    clock.set(datetime(2026, 11, 20, 17, 40, tzinfo=BEIJING))
    assert len(blockers(custodian.db, clock.now().date())) == 1
    with pytest.raises(PermissionDenied):
        add_exception(
            custodian, handover, "书记带回批阅", datetime(2026, 11, 21, 9, 0, tzinfo=BEIJING)
        )
    add_exception(
        officer,
        handover,
        "书记带回批阅，次日上班交回",
        datetime(2026, 11, 21, 9, 0, tzinfo=BEIJING),
    )
    closed = close_day(custodian)
    assert closed.exceptions[0]["reason"] == "书记带回批阅，次日上班交回"
    clock.set(datetime(2026, 11, 21, 8, 50, tzinfo=BEIJING))
    assert detect_overnight(custodian) == []


def test_refusals_name_the_reason(counter, clock) -> None:
    custodian, officer, readers, docs = counter
    db = custodian.db
    first = docs["secret"].copies[0]
    desk.checkout(custodian, readers["wang"].id, [first.id])
    with pytest.raises(InvalidInput, match="在 王芳 处.*不得横传"):
        desk.checkout(custodian, readers["zhang"].id, [first.id])
    with pytest.raises(InvalidInput, match="一般涉密人员，不能借阅机密件"):
        desk.checkout(custodian, readers["wang"].id, [docs["confidential"].copies[0].id])
    with pytest.raises(InvalidInput, match="不在该件的阅文范围内"):
        desk.checkout(custodian, readers["wang"].id, [docs["scoped"].copies[0].id])
    desk.checkout(custodian, readers["zhang"].id, [docs["scoped"].copies[0].id])  # in the group
    with pytest.raises(InvalidInput, match="非涉密人员，不能借阅秘密件"):
        desk.checkout(custodian, readers["li"].id, [docs["secret"].copies[1].id])
    desk.checkout(custodian, readers["li"].id, [docs["plain"].copies[0].id])  # unclassified: fine
    clock.set(datetime(2026, 11, 20, 17, 45, tzinfo=BEIJING))
    with pytest.raises(InvalidInput, match="已过闭库时间 17:30"):
        desk.checkout(custodian, readers["zhang"].id, [docs["secret"].copies[2].id])
    registry.void(custodian, docs["confidential"].document.id, "误登")
    with pytest.raises(InvalidInput, match="登记已作废"):
        desk.checkout(custodian, readers["zhang"].id, [docs["confidential"].copies[0].id])

    # All or none: a refused copy in the folder hands over nothing.
    before = len(desk.out_now(db))
    with pytest.raises(InvalidInput):
        desk.checkout(custodian, readers["zhang"].id, [docs["plain"].copies[0].id, first.id])
    assert len(desk.out_now(db)) == before


def test_the_approver_may_override_with_their_own_password(counter) -> None:
    custodian, officer, readers, docs = counter
    copy = docs["confidential"].copies[0]
    law = {"head": "张三 区委书记", "reference": "区委批〔2026〕7号"}
    with pytest.raises(WrongPassword):
        desk.checkout(
            custodian,
            readers["wang"].id,
            [copy.id],
            Override("baomi", "wrong-pass", "领导同意", **law),
        )
    with pytest.raises(PermissionDenied):
        desk.checkout(
            custodian, readers["wang"].id, [copy.id], Override("jiyao", PASSWORD, "领导同意", **law)
        )
    desk.checkout(
        custodian,
        readers["wang"].id,
        [copy.id],
        Override("baomi", PASSWORD, "领导同意临时阅看", **law),
    )
    event = audit.page(custodian.db, None, 1)[0]
    assert event.action == "借出" and event.details["override"]["by"] == "baomi"
    assert "一般涉密人员" in event.details["override"]["refusal"]


def test_a_discrepancy_keeps_the_copy_out_until_resolved(counter) -> None:
    custodian, officer, readers, docs = counter
    copy = docs["secret"].copies[0]
    desk.checkout(custodian, readers["wang"].id, [copy.id])
    incident = desk.take_back(custodian, copy.id, "少第3页")
    assert incident is not None
    assert scanning.copy_ref(custodian.db, copy.id).state == "借出"
    with pytest.raises(InvalidInput, match="待保密员处理"):
        desk.take_back(custodian, copy.id, "又少一页")
    resolve_incident(officer, incident, "找回第3页，已补齐", "归还")
    assert scanning.copy_ref(custodian.db, copy.id).state == "在柜"
    # The 借阅登记 keeps what was found beside what was decided (walk-through finding).
    note = custodian.db.scalar("SELECT check_note FROM handover WHERE copy_id = ?", (copy.id,))
    assert note == "核对异常：少第3页；处理：找回第3页，已补齐"
    with pytest.raises(InvalidInput, match="没有借出记录"):
        desk.take_back(custodian, copy.id)


def test_returned_handovers_are_final(counter) -> None:
    custodian, _, readers, docs = counter
    copy = docs["secret"].copies[0]
    handover = desk.checkout(custodian, readers["wang"].id, [copy.id])[0]
    desk.take_back(custodian, copy.id)
    with pytest.raises(Exception, match="final"):
        custodian.db.execute("UPDATE handover SET back_at = NULL WHERE id = ?", (handover,))
    with pytest.raises(Exception, match="never deleted"):
        custodian.db.execute("DELETE FROM handover WHERE id = ?", (handover,))


def test_full_width_and_ime_scans(counter) -> None:
    """A Chinese input method's full-width mode types ＭＪ１…, Ｂ０００６, ２０２６－０００１／２."""
    custodian, _, readers, docs = counter
    db = custodian.db
    assert scanning.resolve(db, "Ｂ０００１").reader == readers["zhang"]
    assert scanning.resolve(db, "ｂ０００２").reader == readers["wang"]
    copy = scanning.resolve(db, "２０２６－０００１／０００００２").copy
    assert copy is not None and copy.copy_no == "000002"
    assert scanning.resolve(db, "2026-0001、3").copy.copy_no == "000003"  # / with the IME on
    from app import slips

    code = slips.issue(custodian, [docs["secret"].copies[0].id], slips.LABEL)[0].payload
    wide = code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert wide != code and scanning.resolve(db, wide).copy.copy_id == docs["secret"].copies[0].id
    assert scanning.resolve(db, code.lower()).copy.copy_id == docs["secret"].copies[0].id
    # An input method composed Chinese out of a scan: say so, not 无法识别.
    for garbled in ("不0001", "2026-0001，不1", "MJ1中国-AB", "2026【0001"):
        with pytest.raises(InvalidInput, match="请切换到英文输入法"):
            scanning.resolve(db, garbled)
    with pytest.raises(InvalidInput, match="无法识别"):
        scanning.resolve(db, "赵六")  # a name not known is not an input-method fault


def test_a_plain_return_never_overwrites_an_open_discrepancy(counter) -> None:
    custodian, officer, readers, docs = counter
    copy = docs["secret"].copies[0]
    desk.checkout(custodian, readers["wang"].id, [copy.id])
    incident = desk.take_back(custodian, copy.id, "缺第3页")
    assert desk.pending_discrepancy(custodian.db, copy.id) == "缺第3页"
    with pytest.raises(InvalidInput, match="已登记核对异常（缺第3页）.*不能按核对无误归还"):
        desk.take_back(custodian, copy.id)
    actions = [e.action for e in audit.page(custodian.db, None, 1)[:3]]
    assert "归还" not in actions
    assert scanning.copy_ref(custodian.db, copy.id).state == "借出"
    resolve_incident(officer, incident, "找回第3页，已补齐", "归还")
    assert desk.pending_discrepancy(custodian.db, copy.id) is None


def test_nothing_goes_out_after_the_close_until_the_approver_reopens(counter, clock) -> None:
    custodian, officer, readers, docs = counter
    from app.day_close import closes_of, reopen_day
    from app.model import Credential

    clock.set(datetime(2026, 11, 20, 17, 0, tzinfo=BEIJING))
    first = close_day(custodian)
    assert first.counts["秘密"]["借出"] == 0
    plain = docs["plain"].copies[0].id
    with pytest.raises(InvalidInput, match="今日已清点关闭"):
        desk.checkout(custodian, readers["li"].id, [plain])
    # F7 does not lift the close.
    with pytest.raises(InvalidInput, match="今日已清点关闭"):
        desk.checkout(
            custodian,
            readers["wang"].id,
            [docs["secret"].copies[0].id],
            Override("baomi", PASSWORD, "领导急需"),
        )
    with pytest.raises(InvalidInput, match="须由保密员"):
        reopen_day(custodian, "领导急需阅看")
    with pytest.raises(PermissionDenied):
        reopen_day(custodian, "领导急需阅看", Credential("jiyao", PASSWORD))
    with pytest.raises(WrongPassword):
        reopen_day(custodian, "领导急需阅看", Credential("baomi", "wrong-pass"))
    assert desk.counter_closed(custodian.db, clock.now().date())
    reopen_day(custodian, "领导急需阅看", Credential("baomi", PASSWORD))
    event = audit.page(custodian.db, None, 1)[0]
    assert event.action == "重开当日" and event.details["approver"] == "baomi"
    with pytest.raises(InvalidInput, match="尚未清点关闭"):
        reopen_day(officer, "再开一次")
    desk.checkout(custodian, readers["li"].id, [plain])
    desk.take_back(custodian, plain)
    clock.set(datetime(2026, 11, 20, 17, 20, tzinfo=BEIJING))
    second = close_day(custodian)
    assert second.round == 2 and second.reopen is not None
    assert second.reopen["by"] == "王建国" and second.reopen["reason"] == "领导急需阅看"
    # The first close and its sheet are as they were.
    assert closes_of(custodian.db, first.day) == [first, second]
    assert last_close(custodian.db) == second
    with pytest.raises(InvalidInput, match="今日已清点关闭"):
        desk.checkout(custodian, readers["li"].id, [plain])
    # `mijian check` finds both closes in the trail, each head in its place.
    from app.maintenance import check_room

    assert check_room(custodian).findings == ()
    with pytest.raises(Exception, match="final"):
        custodian.db.execute("UPDATE day_reopen SET reason = 'x'")
    with pytest.raises(Exception, match="final"):
        custodian.db.execute("DELETE FROM day_reopen")
    # The next day is open.
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["li"].id, [plain])


def test_a_return_dated_before_its_checkout_is_refused(counter, clock) -> None:
    """A clock set back (walk-through: lent 12-04 09:17, returned 12-03 09:01) must not record a
    copy back before it left; the copy stays out and nothing is written."""
    custodian, _, readers, docs = counter
    copy = docs["secret"].copies[0]
    clock.set(datetime(2026, 11, 20, 9, 17, tzinfo=BEIJING))
    desk.checkout(custodian, readers["wang"].id, [copy.id])
    events = audit.verify(custodian.db).count
    clock.set(datetime(2026, 11, 19, 9, 1, tzinfo=BEIJING))
    for note in ("", "缺第3页"):
        with pytest.raises(InvalidInput, match="早于该份的借出时间 2026-11-20 09:17"):
            desk.take_back(custodian, copy.id, note)
    assert audit.verify(custodian.db).count == events
    assert custodian.db.scalar("SELECT state FROM copy WHERE id = ?", (copy.id,)) == "借出"
    clock.set(datetime(2026, 11, 20, 9, 17, tzinfo=BEIJING))  # the same minute is fine
    assert desk.take_back(custodian, copy.id) is None
