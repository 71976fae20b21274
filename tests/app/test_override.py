"""The desk's override (F7) by law: each refusal kind x with/without the 单位负责人 and the
approval's reference x right/wrong password, and the one confirmation path's lockout."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from app import audit, desk, destruction
from app.desk import Override, RefusalKind
from app.errors import AccountLocked, InvalidInput, PermissionDenied, WrongPassword
from app.session import LOCK_AFTER_FAILURES
from tests.conftest import BEIJING, PASSWORD

HEAD, REF = "张三 区委书记", "区委批〔2026〕7号"
LAW = {"head": HEAD, "reference": REF}
SHOTS = Path(__file__).resolve().parents[2] / "shots"


def _case(counter, clock, kind: RefusalKind):
    """(reader id, copy id) refused for `kind` alone."""
    custodian, _, readers, docs = counter
    if kind is RefusalKind.CLEARANCE:
        return readers["wang"].id, docs["confidential"].copies[0].id
    if kind is RefusalKind.SCOPE:
        return readers["wang"].id, docs["scoped"].copies[0].id
    if kind is RefusalKind.CLOSED:
        clock.set(datetime(2026, 11, 20, 17, 45, tzinfo=BEIJING))
        return readers["zhang"].id, docs["secret"].copies[0].id
    if kind is RefusalKind.IN_BATCH:
        batch = destruction.create(custodian, "碎纸机粉碎", "机要室", clock.now().date())
        destruction.add(custodian, batch.id, [docs["secret"].copies[1].id])
        return readers["zhang"].id, docs["secret"].copies[1].id
    raise AssertionError(kind)


def _handover(db, handover_id: int):
    return db.one(
        "SELECT override_by, override_reason, override_kind, override_head, override_ref"
        " FROM handover WHERE id = ?",
        (handover_id,),
    )


def _failures(db) -> int:
    return sum(1 for e in audit.page(db, None, 200) if e.action == "确认失败")


@pytest.mark.parametrize("kind", [RefusalKind.CLEARANCE, RefusalKind.SCOPE])
@pytest.mark.parametrize("named", [False, True])
@pytest.mark.parametrize("right", [False, True])
def test_a_refusal_by_law_needs_the_head_and_the_reference(
    counter, clock, kind: RefusalKind, named: bool, right: bool
) -> None:
    custodian, _, _, _ = counter
    reader, copy = _case(counter, clock, kind)
    found = desk.refusal(
        custodian.db, _reader(counter, reader), _copy(custodian, copy), clock.now()
    )
    assert found is not None and found.kind is kind and found.by_law
    override = Override("baomi", PASSWORD if right else "Wrong-pass-1", "领导同意", **_law(named))
    before = _failures(custodian.db)
    if not named:
        # Refused before the password is even checked: nothing counted against the 保密员.
        with pytest.raises(InvalidInput, match="单位负责人.*批准单号"):
            desk.checkout(custodian, reader, [copy], override)
        assert _failures(custodian.db) == before
        assert desk.out_now(custodian.db) == []
        return
    if not right:
        with pytest.raises(WrongPassword, match="未完成"):
            desk.checkout(custodian, reader, [copy], override)
        assert _failures(custodian.db) == before + 1
        assert desk.out_now(custodian.db) == []
        return
    (handover,) = desk.checkout(custodian, reader, [copy], override)
    row = _handover(custodian.db, handover)
    assert tuple(row) == ("baomi", "领导同意", kind.value, HEAD, REF)
    event = audit.page(custodian.db, None, 1)[0]
    assert event.details["override"] | {} == {
        "by": "baomi",
        "kind": kind.value,
        "refusal": found.message,
        "reason": "领导同意",
        "head": HEAD,
        "reference": REF,
    }


@pytest.mark.parametrize("kind", [RefusalKind.CLOSED, RefusalKind.IN_BATCH])
@pytest.mark.parametrize("named", [False, True])
@pytest.mark.parametrize("right", [False, True])
def test_the_close_time_stays_the_approvers_alone(
    counter, clock, kind: RefusalKind, named: bool, right: bool
) -> None:
    custodian, _, _, _ = counter
    reader, copy = _case(counter, clock, kind)
    override = Override("baomi", PASSWORD if right else "Wrong-pass-1", "领导同意", **_law(named))
    with pytest.raises(InvalidInput):
        desk.checkout(custodian, reader, [copy])
    if not right:
        with pytest.raises(WrongPassword):
            desk.checkout(custodian, reader, [copy], override)
        return
    (handover,) = desk.checkout(custodian, reader, [copy], override)
    # A head typed for a refusal that does not need one is not recorded as if it had.
    assert tuple(_handover(custodian.db, handover)) == ("baomi", "领导同意", kind.value, None, None)
    assert "head" not in audit.page(custodian.db, None, 1)[0].details["override"]


def test_a_clearance_refusal_after_the_close_needs_the_head_too(counter, clock) -> None:
    custodian, _, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 17, 45, tzinfo=BEIJING))
    copy = docs["confidential"].copies[0].id
    with pytest.raises(InvalidInput, match="单位负责人"):
        desk.checkout(custodian, readers["wang"].id, [copy], Override("baomi", PASSWORD, "急用"))
    (handover,) = desk.checkout(
        custodian, readers["wang"].id, [copy], Override("baomi", PASSWORD, "急用", **LAW)
    )
    assert _handover(custodian.db, handover)["override_kind"] == "涉密等级、闭库时间"


def test_nobody_overrides_a_copy_that_is_not_in_the_room(counter) -> None:
    custodian, _, readers, docs = counter
    copy = docs["secret"].copies[0].id
    desk.checkout(custodian, readers["zhang"].id, [copy])
    before = _failures(custodian.db)
    with pytest.raises(InvalidInput, match="不得横传"):
        desk.checkout(
            custodian, readers["wang"].id, [copy], Override("baomi", "bad-pass", "急用", **LAW)
        )
    assert _failures(custodian.db) == before  # refused before the password


def test_only_the_approver_overrides(counter, clock) -> None:
    custodian, _, _, _ = counter
    reader, copy = _case(counter, clock, RefusalKind.CLEARANCE)
    for who in ("anquan", "jiyao", "xitong"):
        with pytest.raises(PermissionDenied, match="保密员"):
            desk.checkout(custodian, reader, [copy], Override(who, PASSWORD, "领导同意", **LAW))


def test_the_override_honours_and_counts_the_lockout(counter, clock) -> None:
    custodian, _, _, _ = counter
    reader, copy = _case(counter, clock, RefusalKind.CLEARANCE)
    for _ in range(LOCK_AFTER_FAILURES):
        with pytest.raises(WrongPassword):
            desk.checkout(custodian, reader, [copy], Override("baomi", "Wrong-1", "急用", **LAW))
    # The right password no longer opens the way: the account is locked, as at login.
    with pytest.raises(AccountLocked, match="请于 08:45 后再试"):
        desk.checkout(custodian, reader, [copy], Override("baomi", PASSWORD, "急用", **LAW))
    actions = [e.action for e in audit.page(custodian.db, None, 100)]
    assert actions.count("确认失败") == LOCK_AFTER_FAILURES
    assert "账户锁定" in actions and "锁定期间尝试" in actions
    assert desk.out_now(custodian.db) == []
    clock.advance(minutes=15)
    desk.checkout(custodian, reader, [copy], Override("baomi", PASSWORD, "急用", **LAW))


INSERT_OVERRIDE = (
    "INSERT INTO handover (copy_id, reader_id, out_at, due_at, out_by, override_by,"
    " override_kind, override_head, override_ref) VALUES (?, ?, '2026-11-20T09:00:00+08:00',"
    " '2026-11-20T17:30:00+08:00', 'jiyao', 'baomi', ?, ?, ?)"
)


@pytest.mark.parametrize("kind", [k for k in RefusalKind if k.overridable])
def test_the_database_refuses_a_law_override_without_the_head(counter, kind) -> None:
    """The trigger of migration 0010 names the by-law kinds by their stored values."""
    custodian, _, readers, docs = counter
    who = (docs["scoped"].copies[0].id, readers["wang"].id, f"闭库时间、{kind.value}")
    if kind.by_law:
        for head, reference in ((None, REF), (HEAD, " "), (None, None)):
            with pytest.raises(Exception, match="approving head"):
                custodian.db.execute(INSERT_OVERRIDE, (*who, head, reference))
        custodian.db.execute(INSERT_OVERRIDE, (*who, HEAD, REF))
    else:
        custodian.db.execute(INSERT_OVERRIDE, (*who, None, None))
    with pytest.raises(Exception, match="never changed"):
        custodian.db.execute("UPDATE handover SET override_head = 'x'")


def _law(named: bool) -> dict[str, str]:
    return LAW if named else {}


def _reader(counter, reader_id: int):
    from app.scanning import active_reader

    return active_reader(counter[0].db, reader_id)


def _copy(session, copy_id: int):
    from app.scanning import copy_ref

    return copy_ref(session.db, copy_id)


def test_the_handover_log_prints_the_head_and_the_reference(counter, clock, tmp_path) -> None:
    """借阅登记 (PDF, read as a person would, and its sheet): the exception by law names the
    单位负责人 and the approval's reference; a close-time exception names neither."""
    from reportlab.lib.units import mm

    from app.reports import catalog, sheets
    from tests.pdf_tools import rasterise, text_in, text_of

    custodian, _, readers, docs = counter
    desk.checkout(
        custodian,
        readers["wang"].id,
        [docs["scoped"].copies[0].id],
        Override("baomi", PASSWORD, "专项工作需要", **LAW),
    )
    clock.set(datetime(2026, 11, 20, 17, 45, tzinfo=BEIJING))
    desk.checkout(
        custodian,
        readers["zhang"].id,
        [docs["secret"].copies[0].id],
        Override("baomi", PASSWORD, "书记急用"),
    )
    notes = [row[-1] for row in sheets.handovers(custodian.db, 2026).rows]
    assert notes == [
        f"保密员 王建国 放行（知悉范围）；单位负责人 {HEAD} 批准，批准单号 {REF}；理由：专项工作需要",
        "保密员 王建国 放行（闭库时间）；理由：书记急用",
    ]
    pdf = tmp_path / "handovers.pdf"
    pdf.write_bytes(catalog.render(custodian, "handovers", 2026))
    text = re.sub(r"\s+", "", text_of(pdf))
    assert "例外放行" in text
    # The last column (45 mm from 12 + 228 mm), read down as a person reads a wrapped cell.
    column = re.sub(r"\s+", "", text_in(pdf, 240 * mm, 45 * mm))
    for printed in ("张三区委书记", "区委批〔2026〕7号", "知悉范围", "闭库时间"):
        assert printed in column, printed
    assert rasterise(pdf)


def test_the_slip_marks_an_excepted_handover_and_names_the_approval(counter, tmp_path) -> None:
    """The 处理笺's 传阅/承办 rows are the handover record in the folder: an exception is marked
    ※ and explained under the grid with the 单位负责人 and the approval's reference."""
    from app.slip_print import print_slips
    from tests.pdf_tools import rasterise, text_of

    custodian, _, readers, docs = counter
    copy = docs["scoped"].copies[0]
    desk.checkout(
        custodian, readers["wang"].id, [copy.id], Override("baomi", PASSWORD, "专项工作需要", **LAW)
    )
    desk.take_back(custodian, copy.id)
    desk.checkout(custodian, readers["zhang"].id, [copy.id])  # in the 阅文范围: no exception
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(print_slips(custodian, docs["scoped"].document.id, [copy.id]).pdf)
    text = re.sub(r"\s+", "", text_of(pdf))
    assert "王芳※" in text and "张建国※" not in text
    for printed in ("例外放行", "知悉范围", "张三区委书记", "区委批〔2026〕7号", "专项工作需要"):
        assert printed in text, printed
    shutil.copyfile(rasterise(pdf)[0], SHOTS / "slip-exception.png")
