"""Holds (留用 and investigation holds) keep a copy out of every destruction batch; a lost copy is
never kept; a stocktake's 缺失 ends, through the 保密员's decision, as a copy recorded 遗失."""

from __future__ import annotations

from datetime import date

import pytest
import sqlcipher3

from app import audit, destruction, holds, recall, stocktake, stocktake_records
from app.day_close import open_incidents, resolve_incident
from app.errors import InvalidInput, PermissionDenied, WrongPassword
from app.model import Credential
from app.stocktake import Finding
from app.stocktake_resolve import Resolution, resolve
from tests.app.test_recall import OFFICER, campaign_room, ids  # noqa: F401
from tests.app.test_stocktake import shelves  # noqa: F401
from tests.conftest import PASSWORD


def test_a_kept_copy_cannot_enter_a_destruction_batch(campaign_room) -> None:  # noqa: F811
    custodian, n = campaign_room
    db = custodian.db
    kept, free = ids(custodian, n["central"])[:2]
    recall.retain(custodian, 2026, [kept], "年度总结仍需参阅", OFFICER)
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    with pytest.raises(InvalidInput, match="已批准留用"):
        destruction.add(custodian, batch.id, [free, kept])
    assert not db.scalar("SELECT count(*) FROM destruction_item")  # all or none
    with pytest.raises(InvalidInput, match="已批准留用"):
        destruction.add_scan(custodian, batch.id, f"{n['central']}/000001")
    # The database refuses it too, whatever the path.
    with pytest.raises(sqlcipher3.IntegrityError, match="on hold"), db.transaction():
        db.execute(
            "INSERT INTO destruction_item (batch_id, copy_id, added_at) VALUES (?, ?, 'x')",
            (batch.id, kept),
        )
    assert destruction.add(custodian, batch.id, [free]) == 1


def test_an_investigation_hold_blocks_destruction_until_released(
    campaign_room,  # noqa: F811
    login,
) -> None:
    custodian, n = campaign_room
    db = custodian.db
    held, other = ids(custodian, n["central"])[:2]
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, [other])
    with pytest.raises(InvalidInput, match="写明"):
        holds.place(custodian, held, " ", OFFICER)
    with pytest.raises(WrongPassword):
        holds.place(custodian, held, "泄密线索核查", Credential("baomi", "typo"))
    with pytest.raises(PermissionDenied):
        holds.place(custodian, held, "泄密线索核查", Credential("jiyao", PASSWORD))
    hold = holds.place(custodian, held, "泄密线索核查", OFFICER)
    assert hold.reason == "泄密线索核查" and hold.approved_by == "baomi"
    assert [h.copy_label for h in holds.open_holds(db)] == [f"{n['central']} 第000001份"]
    with pytest.raises(InvalidInput, match="已有调查扣留"):
        holds.place(custodian, held, "再扣一次", OFFICER)
    with pytest.raises(InvalidInput, match="调查扣留"):
        destruction.add(custodian, batch.id, [held])
    # A hold placed on a copy already in a batch stops its approval and its seal.
    holds.release(custodian, held, "核查完毕，无问题", OFFICER)
    destruction.add(custodian, batch.id, [held])
    holds.place(custodian, held, "新线索", OFFICER)
    with pytest.raises(InvalidInput, match="调查扣留"):
        destruction.approve(custodian, batch.id, OFFICER)
    with pytest.raises(sqlcipher3.IntegrityError, match="on hold"), db.transaction():
        db.execute("UPDATE destruction_batch SET approved_at = 'x', approved_by = 'baomi'")
        db.execute(
            "UPDATE destruction_batch SET sealed_at = 'x', witness_1 = 'baomi',"
            " witness_2 = 'zhuren'"
        )
        db.execute("UPDATE copy SET state = '已销毁' WHERE id = ?", (held,))
    with pytest.raises(InvalidInput, match="没有调查扣留"):
        holds.release(custodian, other, "无", OFFICER)
    holds.release(custodian, held, "核查完毕", OFFICER)
    assert destruction.approve(custodian, batch.id, OFFICER).state == "待监销"
    actions = [e.action for e in audit.page(db, None, 30)]
    assert actions.count("调查扣留") == 2 and actions.count("解除扣留") == 2
    with pytest.raises(sqlcipher3.IntegrityError, match="never deleted"), db.transaction():
        db.execute("DELETE FROM copy_hold")
    with pytest.raises(PermissionDenied):
        holds.open_holds_for(login("shenji"))


def test_a_missing_copy_is_recorded_lost_by_the_officer(shelves, login) -> None:  # noqa: F811
    custodian, officer, a, b, docs = shelves
    db = custodian.db
    taken = stocktake.start(custodian, a.id, "baomi")
    stocktake.scan(custodian, taken.id, "2026-0001/1")
    stocktake.finish(custodian, taken.id, PASSWORD)
    missing = next(
        r for r in stocktake_records.findings(custodian, taken.id) if r.finding is Finding.MISSING
    )
    lost_id = docs["secret"].copies[1].id
    resolve(custodian, missing.id, Resolution.INCIDENT, "柜内未找到，报保密员")
    incident = open_incidents(db)[-1]
    # Found after all: the copy stays in the cabinet.
    with pytest.raises(PermissionDenied):
        resolve_incident(custodian, incident.id, "经查确已遗失", "遗失")
    resolve_incident(officer, incident.id, "经查确已遗失，按失泄密事件上报", "遗失")
    assert db.scalar("SELECT state FROM copy WHERE id = ?", (lost_id,)) == "遗失"
    kinds = [r[0] for r in db.query("SELECT kind FROM copy_event WHERE copy_id = ?", (lost_id,))]
    assert kinds[-1] == "遗失"
    event = audit.page(db, None, 1)[0]
    assert event.action == "处理事件"
    lost_event = audit.page(db, None, 2)[1]
    assert (lost_event.action, lost_event.object) == ("确认遗失", "copy:2026-0001 第000002份")
    # The trail still agrees with the copy's state.
    from app import reconcile

    assert reconcile.problems(db) == []
    # A lost copy is never kept, nor put on hold to hide it.
    with pytest.raises(InvalidInput, match="遗失"):
        holds.place(custodian, lost_id, "核查", OFFICER)
