"""分发: copies handed to a unit for months against a receipt, and back by scan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from app import audit, desk, destruction, distribution, scanning
from app.errors import InvalidInput, PermissionDenied
from app.session import Session
from app.units import UnitInput, add_unit, set_reader_unit
from tests.conftest import BEIJING


@pytest.fixture
def handout(counter, login: Callable[..., Session]):
    """The counter, with two units; 张建国 belongs to 区委办公室."""
    custodian, officer, readers, docs = counter
    office = add_unit(custodian, UnitInput("区委办公室", "部门", "区委办"))
    town = add_unit(custodian, UnitInput("城关镇", "乡镇街道"))
    set_reader_unit(custodian, readers["zhang"].id, office.id)
    return custodian, readers, docs, office, town


def _ids(result) -> list[int]:
    return [c.id for c in result.copies]


def _count(db, state: str) -> int:
    return int(db.scalar("SELECT sum(n) FROM copy_count WHERE state = ?", (state,)))


def test_issue_hold_and_return_by_scan(handout, clock) -> None:
    custodian, readers, docs, office, _ = handout
    db = custodian.db
    secret = _ids(docs["secret"])
    in_room = _count(db, "在柜")
    receipt = distribution.issue(
        custodian, office.id, readers["zhang"].id, secret, signed_by_badge=True
    )
    assert receipt.label == "分2026-0001" and receipt.closed_at is None
    assert receipt.signed_by_badge and receipt.signer == "张建国"
    assert {scanning.copy_ref(db, c).state for c in secret} == {"分发在外"}
    # copy_count stays true to the copies.
    assert _count(db, "分发在外") == 3 and _count(db, "在柜") == in_room - 3
    held = distribution.holdings(db, office.id)
    assert [line.copy.copy_no for line in held] == ["000001", "000002", "000003"]
    events = [e.action for e in audit.page(db, None, 4)]
    assert events == ["分发签收单", "分发", "分发", "分发"]
    # Months later, one comes back by scan; the receipt stays open.
    clock.set(datetime(2027, 3, 1, 10, 0, tzinfo=BEIJING))
    code = f"{docs['secret'].document.number}/000002"
    back = distribution.take_back(custodian, scanning.scan(custodian, code).copy.copy_id)
    assert back.unit == "区委办公室"
    assert scanning.copy_ref(db, secret[1]).state == "在柜"
    assert len(distribution.holdings(db, office.id)) == 2
    assert distribution.get_receipt(db, receipt.id).closed_at is None
    # The rest of the receipt at once; the trigger closes it.
    clock.set(datetime(2027, 5, 20, 10, 0, tzinfo=BEIJING))
    assert len(distribution.take_back_receipt(custodian, receipt.id)) == 2
    closed = distribution.get_receipt(db, receipt.id)
    assert closed.closed_at == datetime(2027, 5, 20, 10, 0, tzinfo=BEIJING)
    assert distribution.holdings(db, office.id) == []
    assert _count(db, "分发在外") == 0 and _count(db, "在柜") == in_room
    # Holdings at any past moment.
    at_feb = distribution.holdings(db, office.id, datetime(2027, 2, 1, tzinfo=BEIJING))
    at_apr = distribution.holdings(db, office.id, datetime(2027, 4, 1, tzinfo=BEIJING))
    assert (len(at_feb), len(at_apr)) == (3, 2)
    assert [u for u, *_ in distribution.disclosure(db, secret[0])] == ["区委办公室"]
    with pytest.raises(InvalidInput, match="没有分发在外"):
        distribution.take_back(custodian, secret[0])
    with pytest.raises(InvalidInput, match="已全部收回"):
        distribution.take_back_receipt(custodian, receipt.id)
    with pytest.raises(Exception, match="never deleted"):
        db.execute("DELETE FROM distribution_item")


def test_refusals_are_calm_and_all_or_none(handout, login) -> None:
    custodian, readers, docs, office, town = handout
    db = custodian.db
    secret = _ids(docs["secret"])
    confidential = _ids(docs["confidential"])
    with pytest.raises(InvalidInput, match="属于 区委办公室"):
        distribution.issue(custodian, town.id, readers["zhang"].id, secret)
    with pytest.raises(InvalidInput, match="涉密等级不能签收"):
        distribution.issue(custodian, town.id, readers["li"].id, secret[:1])
    with pytest.raises(InvalidInput, match="涉密等级不能签收"):
        distribution.issue(custodian, town.id, readers["wang"].id, secret[:1] + confidential)
    assert _count(db, "分发在外") == 0  # all or none
    with pytest.raises(InvalidInput, match="扫描了两次"):
        distribution.issue(custodian, town.id, readers["wang"].id, secret[:1] * 2)
    desk.checkout(custodian, readers["wang"].id, secret[:1])
    with pytest.raises(InvalidInput, match="状态为借出"):
        distribution.issue(custodian, town.id, readers["wang"].id, secret[:1])
    distribution.issue(custodian, town.id, readers["wang"].id, secret[1:2])
    with pytest.raises(InvalidInput, match="已分发在外"):
        distribution.issue(custodian, office.id, readers["zhang"].id, secret[1:2])
    with pytest.raises(PermissionDenied):
        distribution.issue(login("baomi"), town.id, readers["wang"].id, secret[2:])
    assert distribution.receipts(db, town.id)[0].label == "分2026-0001"


def test_a_distributed_copy_is_not_lent_at_the_desk(handout) -> None:
    custodian, readers, docs, office, _ = handout
    secret = _ids(docs["secret"])
    distribution.issue(custodian, office.id, readers["zhang"].id, secret[:1])
    with pytest.raises(InvalidInput, match="分发在外"):
        desk.checkout(custodian, readers["zhang"].id, secret[:1])
    # And the database refuses it even past the desk's own check.
    with pytest.raises(Exception, match="not lent until it comes back"):
        custodian.db.execute(
            "INSERT INTO handover (copy_id, reader_id, out_at, due_at, out_by)"
            " VALUES (?, ?, '2026-11-20T09:00:00+08:00', '2026-11-20T17:30:00+08:00', 'x')",
            (secret[0], readers["zhang"].id),
        )


def test_state_and_open_line_go_together(handout) -> None:
    custodian, readers, docs, office, _ = handout
    db = custodian.db
    secret = _ids(docs["secret"])
    with pytest.raises(Exception, match="exactly while"):
        db.execute("UPDATE copy SET state = '分发在外' WHERE id = ?", (secret[0],))
    distribution.issue(custodian, office.id, readers["zhang"].id, secret[:1])
    with pytest.raises(Exception, match="exactly while"):
        db.execute("UPDATE copy SET state = '在柜' WHERE id = ?", (secret[0],))


def test_a_copy_on_an_open_receipt_is_not_destroyed(handout) -> None:
    custodian, readers, docs, office, _ = handout
    secret = _ids(docs["secret"])
    receipt = distribution.issue(custodian, office.id, readers["zhang"].id, secret)
    distribution.take_back(custodian, secret[0])  # back, but its receipt is still open
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    with pytest.raises(InvalidInput, match="分发签收单"):
        destruction.add(custodian, batch.id, secret[:1])
    with pytest.raises(Exception, match="open distribution receipt"):
        custodian.db.execute(
            "INSERT INTO destruction_item (batch_id, copy_id, added_at) VALUES (?, ?, 'x')",
            (batch.id, secret[0]),
        )
    distribution.take_back_receipt(custodian, receipt.id)
    assert destruction.add(custodian, batch.id, secret[:1]) == 1


def test_overdue_holdings(handout, clock) -> None:
    custodian, readers, docs, office, town = handout
    db = custodian.db
    secret = _ids(docs["secret"])
    distribution.issue(
        custodian, town.id, readers["wang"].id, secret[:1], recall_by=date(2027, 5, 31)
    )
    distribution.issue(custodian, office.id, readers["zhang"].id, secret[1:2])
    deadline = docs["secret"].document.deadline
    assert deadline is not None
    # Before the 办理时限: late only against a recall deadline already past.
    assert distribution.overdue(db, clock.now()) == []
    late = distribution.overdue(db, clock.now(), date(2026, 11, 19))
    assert [x.overdue(clock.now(), date(2026, 11, 19)) for x in late] == ["超过清退期限"] * 2
    clock.set(deadline)
    assert distribution.overdue(db, clock.now()) == []
    clock.advance(minutes=1)
    late = distribution.overdue(db, clock.now())
    assert [(x.unit, x.overdue(clock.now())) for x in late] == [
        ("区委办公室", "超过办理时限"),
        ("城关镇", "超过办理时限"),
    ]
    # Past the receipt's own recall deadline or the year's recall.
    assert late[0].overdue(datetime(2027, 6, 1, tzinfo=BEIJING)) == "超过办理时限"
    no_deadline = late[1].__class__(**{**late[1].__dict__, "deadline": None})
    assert no_deadline.overdue(datetime(2027, 5, 31, 23, 0, tzinfo=BEIJING)) is None
    assert no_deadline.overdue(datetime(2027, 6, 1, tzinfo=BEIJING)) == "超过清退期限"
    office_line = late[0].__class__(**{**late[0].__dict__, "deadline": None})
    assert office_line.overdue(datetime(2027, 6, 1, tzinfo=BEIJING)) is None
    assert office_line.overdue(datetime(2027, 6, 1, tzinfo=BEIJING), date(2027, 5, 31)) == (
        "超过清退期限"
    )


def test_the_day_close_counts_distributed_copies(handout) -> None:
    from app import day_close

    custodian, readers, docs, office, _ = handout
    distribution.issue(custodian, office.id, readers["zhang"].id, _ids(docs["secret"]))
    assert "分发在外" in repr(day_close.counts(custodian.db))


def test_the_recall_sees_a_unit_still_holding_a_copy(handout) -> None:
    from app import recall_records

    custodian, readers, docs, office, _ = handout
    secret = _ids(docs["secret"])
    distribution.issue(custodian, office.id, readers["zhang"].id, secret[:1])
    row = next(r for r in recall_records.rows(custodian.db, 2026) if r.copy_id == secret[0])
    assert row.blocker


def test_the_disclosure_record_names_the_unit(handout) -> None:
    custodian, readers, docs, office, _ = handout
    secret = _ids(docs["secret"])
    distribution.issue(custodian, office.id, readers["zhang"].id, secret[:1])
    assert any("区委办公室" in str(entry) for entry in desk.disclosure(custodian.db, secret[0]))


def test_the_recall_refuses_to_return_a_copy_a_unit_holds(handout) -> None:
    from app import recall

    custodian, readers, docs, office, _ = handout
    secret = _ids(docs["secret"])
    distribution.issue(custodian, office.id, readers["zhang"].id, secret[:1])
    recall.open_campaign(custodian, 2026)
    with pytest.raises(InvalidInput):
        recall.record_return(custodian, 2026, secret[:1], date(2026, 11, 20), "市委机要局", "R1")


def test_a_copy_waiting_for_destruction_is_not_handed_out(handout, clock) -> None:
    """Walk-through: two copies listed in a batch 待审批 went out to a unit, and the batch then
    listed them as 分发在外. The app refuses in words; the database's own guard stands behind."""
    import sqlcipher3

    from app import outgoing
    from tests.app.test_outgoing import _paper

    custodian, readers, docs, office, town = handout
    db = custodian.db
    secret = _ids(docs["secret"])
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, [secret[0]])
    with pytest.raises(
        InvalidInput, match=r"^.*第000001份 已列入待销毁的 2026年第1批，不能分发。$"
    ):
        distribution.issue(custodian, office.id, readers["zhang"].id, [secret[0]])
    assert scanning.copy_ref(db, secret[0]).state == "在柜"
    receipt = distribution.issue(custodian, office.id, readers["zhang"].id, [secret[1]])
    with pytest.raises(sqlcipher3.IntegrityError, match="open destruction batch"):
        db.execute(
            "INSERT INTO distribution_item (receipt_id, copy_id, out_at) VALUES (?, ?, ?)",
            (receipt.id, secret[0], "2026-11-20T09:00:00+08:00"),
        )
    # A 发文's 存档份 in a batch: sending it is refused the same way.
    units = {"town": town, "finance": office}
    out = outgoing.register(custodian, _paper(units, printed=3))
    first = db.scalar(
        "SELECT id FROM copy WHERE document_id = ? ORDER BY copy_no", (out.document_id,)
    )
    destruction.add(custodian, batch.id, [int(first)])
    with pytest.raises(InvalidInput, match="已列入待销毁的 2026年第1批，不能分发"):
        outgoing.send(custodian, out.id)
    # Cancelled, the batch frees its copies.
    destruction.cancel(custodian, batch.id, "改为清退")
    distribution.issue(custodian, office.id, readers["zhang"].id, [secret[0]])
    assert scanning.copy_ref(db, secret[0]).state == "分发在外"
