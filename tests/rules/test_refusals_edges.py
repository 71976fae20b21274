"""With several reasons to refuse, the counter names the first in the rule's order: a
destruction batch, then the clearance, then the 阅文范围, then the close time."""

from __future__ import annotations

from datetime import date

import pytest

from app import desk, destruction, scanning
from app.clock import FixedClock
from app.desk import Override
from app.errors import InvalidInput
from app.refusals import RefusalKind, refusal, refusals
from tests.conftest import PASSWORD
from tests.rules.test_tables import FRIDAY, room  # noqa: F401  (the fixture)


def test_the_first_reason_is_the_one_named(room, clock: FixedClock) -> None:  # noqa: F811
    custodian, _, readers, copies = room
    clock.set(FRIDAY.replace(hour=18))  # after the close time too
    reader = readers["一般"]
    copy = scanning.copy_ref(custodian.db, copies["机密"])
    kinds = [r.kind for r in refusals(custodian.db, reader, copy, clock.now())]
    assert kinds == [RefusalKind.CLEARANCE, RefusalKind.CLOSED]
    first = refusal(custodian.db, reader, copy, clock.now())
    assert first is not None and first.kind is RefusalKind.CLEARANCE
    with pytest.raises(InvalidInput, match="不能借阅机密件"):
        desk.checkout(custodian, reader.id, [copies["机密"]])
    clock.set(FRIDAY.replace(hour=10))
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, [copies["机密"]])
    clock.set(FRIDAY.replace(hour=18))
    copy = scanning.copy_ref(custodian.db, copies["机密"])
    first = refusal(custodian.db, reader, copy, clock.now())
    assert first is not None and first.kind is RefusalKind.IN_BATCH
    with pytest.raises(InvalidInput, match="已列入待销毁批次"):
        desk.checkout(custodian, reader.id, [copies["机密"]])


@pytest.mark.parametrize(("head", "reference"), [("张建国 书记", ""), ("", "批字1号"), (" ", " ")])
def test_a_refusal_by_law_needs_both_the_head_and_the_reference(
    room,  # noqa: F811
    head: str,
    reference: str,
) -> None:
    custodian, _, readers, copies = room
    word = Override("baomi", PASSWORD, "领导急需", head, reference)
    with pytest.raises(InvalidInput, match="单位负责人"):
        desk.checkout(custodian, readers["非涉密"].id, [copies["秘密"]], word)
    assert desk.out_now(custodian.db) == []


def test_a_copy_out_names_its_own_holder(room) -> None:  # noqa: F811
    custodian, _, readers, copies = room
    desk.checkout(custodian, readers["核心"].id, [copies["机密"]])
    desk.checkout(custodian, readers["重要"].id, [copies["秘密"]])
    for level, holder in (("秘密", readers["重要"].name), ("机密", readers["核心"].name)):
        with pytest.raises(InvalidInput, match=f"在 {holder} 处"):
            desk.checkout(custodian, readers["一般"].id, [copies[level]])


def test_a_cancelled_batch_no_longer_holds_its_copy(room) -> None:  # noqa: F811
    custodian, _, readers, copies = room
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, [copies["秘密"]])
    with pytest.raises(InvalidInput, match="已列入待销毁批次"):
        desk.checkout(custodian, readers["核心"].id, [copies["秘密"]])
    destruction.cancel(custodian, batch.id, "建错")
    assert len(desk.checkout(custodian, readers["核心"].id, [copies["秘密"]])) == 1


def test_an_override_needs_a_reason_of_two_characters(room) -> None:  # noqa: F811
    custodian, _, readers, copies = room
    for reason in ("", "急", " 急 "):
        word = Override("baomi", PASSWORD, reason, "张建国 书记", "批字1号")
        with pytest.raises(InvalidInput, match="例外放行须写明理由"):
            desk.checkout(custodian, readers["非涉密"].id, [copies["秘密"]], word)


def test_a_copy_lent_after_the_close_by_override_is_due_in_an_hour(room, clock) -> None:  # noqa: F811
    custodian, _, readers, copies = room
    clock.set(FRIDAY.replace(hour=18))
    word = Override("baomi", PASSWORD, "领导急需", "张建国 书记", "批字1号")
    desk.checkout(custodian, readers["核心"].id, [copies["机密"]], word)
    (row,) = desk.out_now(custodian.db)
    assert row.due_at == FRIDAY.replace(hour=19)
