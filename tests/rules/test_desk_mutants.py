"""The counter at the edges a mutation run found unguarded (issue 19): an exception's reason, the
unit head's approval named for what it lifts, a loan handed over at the close itself, the end of
a reading in the room, a copy's return or loss, what the desk lists as out, and the disclosure
record. Each test names its rule; the mutants it kills are in its docstring."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from app import audit, desk, distribution, on_spot, registry, scanning
from app.desk import Override
from app.errors import InvalidInput
from app.units import UnitInput, add_unit, set_reader_unit
from tests.app.test_registry import doc
from tests.conftest import BEIJING, PASSWORD

NINE = datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING)
CLOSE = datetime(2026, 11, 20, 17, 30, tzinfo=BEIJING)


def _events(db, copy_id: int) -> list[tuple[str, dict]]:
    return [
        (r["kind"], json.loads(r["details"]))
        for r in db.query(
            "SELECT kind, details FROM copy_event WHERE copy_id = ? ORDER BY id", (copy_id,)
        )
    ]


def test_an_exception_needs_a_reason_of_two_characters(counter) -> None:
    """例外放行 needs a reason of at least two characters (`< 2` as `< 1`)."""
    custodian, _, readers, docs = counter
    secret = docs["secret"].copies[0].id
    for reason in ("急", " 急 "):
        with pytest.raises(InvalidInput, match="须写明理由"):
            desk.checkout(
                custodian, readers["li"].id, [secret], Override("baomi", PASSWORD, reason)
            )


def test_the_unit_heads_approval_is_asked_for_what_it_lifts(counter, clock) -> None:
    """Without the unit head named, the refusal says what needs approval: taking a 绝密 copy out
    of the room, or a loan beyond the reader's clearance (`is ON_SPOT` negated or as `is not`)."""
    custodian, _, readers, docs = counter
    clock.set(NINE)
    secret = docs["secret"].copies[0].id
    with pytest.raises(InvalidInput, match="超出.*的借阅须经单位负责人批准"):
        desk.checkout(custodian, readers["li"].id, [secret], Override("baomi", PASSWORD, "急用"))
    top = registry.register(
        custodian, doc(level="绝密", copy_numbers="1", doc_number="密〔2026〕9号")
    )
    with pytest.raises(InvalidInput, match="绝密件带出机要室须经单位负责人批准"):
        desk.checkout(
            custodian, readers["zhang"].id, [top.copies[0].id], Override("baomi", PASSWORD, "急用")
        )


def test_a_loan_at_the_close_itself_is_refused_and_lent_by_exception_for_an_hour(
    counter, clock
) -> None:
    """At 17:30 exactly the close has come (`now >= close` as `>`); lent then by the 保密员's
    exception, the copy is due an hour later, not at the instant it left (`due <= now` as `<`)."""
    custodian, _, readers, docs = counter
    clock.set(CLOSE)
    secret = docs["secret"].copies[0].id
    with pytest.raises(InvalidInput):
        desk.checkout(custodian, readers["zhang"].id, [secret])
    [handover] = desk.checkout(
        custodian, readers["zhang"].id, [secret], Override("baomi", PASSWORD, "会议急用")
    )
    due = custodian.db.scalar("SELECT due_at FROM handover WHERE id = ?", (handover,))
    assert due.startswith("2026-11-20T18:30"), due


def test_a_reading_in_the_room_ends_with_its_return_and_only_then(counter, clock) -> None:
    """The return of an in-room reading records 在室阅读结束 with its start (to the minute) and
    its whole minutes, at least one; an ordinary return after it records none (`id = ?` and
    `on_spot = 1` as <>, OR, `= 2`; `[:16]` as 15/17; the minutes' 1, 60 and `/`)."""
    custodian, _, readers, docs = counter
    db = custodian.db
    first, second = (c.id for c in docs["secret"].copies[:2])
    clock.set(NINE)
    on_spot.start(custodian, readers["zhang"].id, first, present=True)
    clock.set(NINE + timedelta(seconds=20))
    desk.take_back(custodian, first)
    clock.set(NINE + timedelta(minutes=5))
    on_spot.start(custodian, readers["zhang"].id, first, present=True)
    clock.set(NINE + timedelta(minutes=64))
    desk.take_back(custodian, first)
    readings = [d for kind, d in _events(db, first) if kind == "在室阅读结束"]
    assert readings == [
        {"reader": "张建国", "from": "2026-11-20 09:00", "minutes": 1},
        {"reader": "张建国", "from": "2026-11-20 09:05", "minutes": 59},
    ]
    clock.set(NINE + timedelta(minutes=70))
    desk.checkout(custodian, readers["zhang"].id, [second])
    desk.take_back(custodian, second)
    assert [kind for kind, _ in _events(db, second)][-2:] == ["借出", "归还"]
    last = audit.page(db, None, 1)[0]
    assert last.action == "归还" and "on_spot_minutes" not in last.details
    assert desk.reading_minutes(NINE, NINE + timedelta(seconds=3540)) == 59


def test_what_is_out_names_its_copy_as_not_voided(counter, clock) -> None:
    """out_now reads each copy's void from its document (`voided_at is not None` as `is None`)."""
    custodian, _, readers, docs = counter
    clock.set(NINE)
    desk.checkout(custodian, readers["zhang"].id, [docs["secret"].copies[0].id])
    [row] = desk.out_now(custodian.db)
    assert row.copy.voided is False and row.on_spot is False


def test_the_disclosure_record_names_every_holder_in_order(counter, clock) -> None:
    """Everyone who held a copy, in the order they had it: a reader (marked 在室阅读 for a reading
    in the room), a unit with the person who signed for it, or 凭回执 when no one signed at the
    counter (each word of the SQL emptied; `ORDER BY 2` as 3; the tuple's fields)."""
    custodian, _, readers, docs = counter
    db = custodian.db
    copy = docs["secret"].copies[0].id
    office = add_unit(custodian, UnitInput("区委办公室", "部门", "区委办"))
    set_reader_unit(custodian, readers["zhang"].id, office.id)
    clock.set(NINE)
    on_spot.start(custodian, readers["zhang"].id, copy, present=True)
    clock.set(NINE + timedelta(minutes=30))
    desk.take_back(custodian, copy)
    clock.set(NINE + timedelta(hours=1))
    receipt = distribution.issue(custodian, office.id, readers["zhang"].id, [copy])
    clock.set(NINE + timedelta(days=3))
    distribution.take_back_receipt(custodian, receipt.id)
    clock.set(NINE + timedelta(days=4))
    with db.transaction():  # a 发文's way out: no signer at the counter, the 回执 to come
        distribution.write_receipt(custodian, office, None, [scanning.copy_ref(db, copy)])
    found = desk.disclosure(db, copy)
    assert [holder for holder, _, _ in found] == [
        "张建国（在室阅读）",
        "区委办公室（张建国 签收）",
        "区委办公室（凭回执）",
    ]
    assert found[0][1] == "2026-11-20T09:00:00+08:00"
    assert found[0][2] == "2026-11-20T09:30:00+08:00"
    assert found[1][2] == "2026-11-23T09:00:00+08:00" and found[2][2] is None
