"""保密柜: a register of cabinets, and each copy's place, moved by a scan and audited."""

from __future__ import annotations

from datetime import datetime

import pytest

from app import audit, cabinets, desk, slips
from app.errors import InvalidInput, PermissionDenied
from tests.conftest import BEIJING


def test_cabinets_are_registered_by_the_custodian(counter, login) -> None:
    custodian, officer, _, _ = counter
    one = cabinets.add_cabinet(custodian, " 1号保密柜 ", "机要室东墙", "李晓梅")
    assert (one.name, one.location, one.keeper) == ("1号保密柜", "机要室东墙", "李晓梅")
    event = audit.page(custodian.db, None, 1)[0]
    assert event.action == "新增保密柜" and event.details["after"]["name"] == "1号保密柜"
    with pytest.raises(InvalidInput, match="已存在"):
        cabinets.add_cabinet(custodian, "1号保密柜")
    with pytest.raises(InvalidInput, match="请填写保密柜名称"):
        cabinets.add_cabinet(custodian, "  ")
    with pytest.raises(InvalidInput, match="保管人不能超过 20 个字"):
        cabinets.add_cabinet(custodian, "2号", keeper="字" * 21)
    with pytest.raises(PermissionDenied):
        cabinets.add_cabinet(officer, "3号保密柜")
    with pytest.raises(PermissionDenied):
        cabinets.listing(login("xitong"))
    with pytest.raises(Exception, match="never deleted"):
        custodian.db.execute("DELETE FROM cabinet WHERE id = ?", (one.id,))


def test_a_copy_is_placed_and_moved_by_scan(counter, clock) -> None:
    custodian, officer, readers, docs = counter
    db = custodian.db
    one = cabinets.add_cabinet(custodian, "1号保密柜")
    two = cabinets.add_cabinet(custodian, "2号保密柜")
    copy = docs["secret"].copies[0]
    placed = cabinets.place_by_scan(custodian, one.id, "2026-0001/1")
    assert placed.message == "2026-0001 第000001份 已放入 1号保密柜。"
    label = slips.issue(custodian, [copy.id], slips.LABEL)[0].payload
    moved = cabinets.place_by_scan(custodian, two.id, label)
    assert moved.message == "2026-0001 第000001份 已从 1号保密柜 移到 2号保密柜。"
    again = cabinets.place_by_scan(custodian, two.id, label)
    assert again.message == "2026-0001 第000001份 已在 2号保密柜，未移动。"
    event = audit.page(db, None, 1)[0]
    assert event.action == "入柜" and event.details == {"from": "1号保密柜", "to": "2号保密柜"}
    assert cabinets.place_of(db, copy.id) == two
    history = [
        r["kind"] for r in db.query("SELECT kind FROM copy_event WHERE copy_id = ?", (copy.id,))
    ]
    assert history.count("入柜") == 2
    assert [(r.cabinet.name, r.copies) for r in cabinets.listing(custodian)] == [
        ("1号保密柜", 0),
        ("2号保密柜", 1),
    ]
    with pytest.raises(PermissionDenied):
        cabinets.place_by_scan(officer, one.id, label)


def test_what_is_not_in_the_room_is_not_placed(counter, clock) -> None:
    custodian, _, readers, docs = counter
    one = cabinets.add_cabinet(custodian, "1号保密柜")
    copy = docs["confidential"].copies[0]
    clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING))
    desk.checkout(custodian, readers["zhang"].id, [copy.id])
    with pytest.raises(InvalidInput, match="借出未还：请先在借阅台收回"):
        cabinets.place_by_scan(custodian, one.id, "2026-0002")
    with pytest.raises(InvalidInput, match="读者证件，不是文件"):
        cabinets.place_by_scan(custodian, one.id, "B0001")
    good = slips.issue(custodian, [copy.id], slips.LABEL)[0].payload
    forged = good[:-3] + ("A" if good[-3] != "A" else "B") + good[-2:]
    with pytest.raises(slips.ForgedCode):
        cabinets.place_by_scan(custodian, one.id, forged)
    assert audit.page(custodian.db, None, 1)[0].action == "扫描被拒"
    assert cabinets.place_of(custodian.db, copy.id) is None


def test_copies_go_to_the_cabinet_their_registration_names(counter) -> None:
    custodian, _, _, docs = counter
    db = custodian.db
    # The counter's documents were registered with 保密柜 “1号保密柜” (tests/app/test_registry.doc).
    assert cabinets.place_as_registered(custodian) == 0  # no such cabinet yet
    one = cabinets.add_cabinet(custodian, "1号保密柜")
    other = cabinets.add_cabinet(custodian, "2号保密柜")
    cabinets.place_by_scan(custodian, other.id, "2026-0001/1")
    placed = cabinets.place_as_registered(custodian)
    total = sum(len(d.copies) for d in docs.values())
    assert placed == total - 1
    assert cabinets.place_of(db, docs["secret"].copies[0].id) == other  # a placed copy stays
    assert cabinets.place_of(db, docs["plain"].copies[0].id) == one
    event = audit.page(db, None, 1)[0]
    assert event.action == "按登记入柜" and event.details == {"1号保密柜": total - 1}
    assert cabinets.place_as_registered(custodian) == 0


def test_the_trail_reads_custody_events_by_name(counter) -> None:
    from app import audit_view, stocktake
    from app.roles import Role

    custodian, _, _, _ = counter
    one = cabinets.add_cabinet(custodian, "1号保密柜")
    cabinets.place_as_registered(custodian)
    taken = stocktake.start(custodian, one.id, "baomi")
    lines = audit_view.for_role(Role.AUDITOR, audit.page(custodian.db, None, 3))
    assert [(x.group, x.object, x.reduced) for x in lines] == [
        ("保管", f"清查 第{taken.id}号", True),
        ("保管", "保密柜", True),
        ("保管", f"保密柜 第{one.id}号", True),
    ]
