"""单位: the register of units the room distributes to, kept by the custodian."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import audit, schema_check
from app.errors import InvalidInput, PermissionDenied
from app.people import ReaderInput, add_reader
from app.session import Session
from app.units import (
    UnitInput,
    add_unit,
    find_units,
    members,
    retire_unit,
    set_reader_unit,
    unit_of,
    update_unit,
)


def test_units_are_found_by_initials_name_or_short_name(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    office = add_unit(custodian, UnitInput("区委办公室", "部门", "区委办", "王芳", "6001"))
    add_unit(custodian, UnitInput("城关镇", "乡镇街道"))
    add_unit(custodian, UnitInput("市委机要局", "上级机要渠道", "市机要局"))
    # 区 read as a word (qu), not as the surname 区 (ou).
    assert office.initials == "qwbgs"
    assert [u.name for u in find_units(custodian.db, "qwb")] == ["区委办公室"]
    assert [u.name for u in find_units(custodian.db, "区委办")] == ["区委办公室"]
    assert [u.name for u in find_units(custodian.db, "机要")] == ["市委机要局"]
    assert office.label == "区委办"
    event = audit.page(custodian.db, None, 1)[0]
    assert (event.action, event.details["after"]["kind"]) == ("新增单位", "上级机要渠道")


def test_unit_rules_audit_and_roles(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    unit = add_unit(custodian, UnitInput("区信访局", "部门"))
    with pytest.raises(InvalidInput, match="已登记"):
        add_unit(custodian, UnitInput("区信访局", "下级单位"))
    with pytest.raises(InvalidInput, match="单位类别"):
        add_unit(custodian, UnitInput("某单位", "机关"))
    with pytest.raises(InvalidInput, match="单位名称"):
        add_unit(custodian, UnitInput("  "))
    update_unit(custodian, unit.id, UnitInput("区信访局", "部门", "信访局", "李四"))
    event = audit.page(custodian.db, None, 1)[0]
    assert event.details == {
        "before": {"short_name": "", "contact": ""},
        "after": {"short_name": "信访局", "contact": "李四"},
    }
    retire_unit(custodian, unit.id)
    assert find_units(custodian.db, "qxfj") == []
    assert find_units(custodian.db, "qxfj", include_retired=True)[0].active is False
    with pytest.raises(Exception, match="never deleted"):
        custodian.db.execute("DELETE FROM unit WHERE id = ?", (unit.id,))
    with pytest.raises(PermissionDenied):
        add_unit(login("baomi"), UnitInput("某单位"))
    with pytest.raises(PermissionDenied):
        add_unit(login("shenji"), UnitInput("某单位"))


def test_readers_belong_to_units(login: Callable[..., Session]) -> None:
    officer = login("baomi")
    zhang = add_reader(officer, ReaderInput("张建国", clearance="核心"))
    custodian = login("jiyao")
    office = add_unit(custodian, UnitInput("区委办公室", "部门"))
    assert unit_of(custodian.db, zhang.id) is None
    set_reader_unit(custodian, zhang.id, office.id)
    assert unit_of(custodian.db, zhang.id) == office
    assert [r.name for r in members(custodian.db, office.id)] == ["张建国"]
    event = audit.page(custodian.db, None, 1)[0]
    assert event.details == {"before": {"unit": None}, "after": {"unit": "区委办公室"}}
    set_reader_unit(custodian, zhang.id, None)
    assert members(custodian.db, office.id) == []


def test_the_migrated_room_matches_its_schema(login: Callable[..., Session]) -> None:
    assert schema_check.problems(login("jiyao").db) == []


def test_a_rotated_room_keeps_the_distributed_state(login: Callable[..., Session]) -> None:
    """The key rotation exports the schema text: the widened copy CHECK must survive it."""
    from app import accounts
    from app.model import NewAccount
    from app.roles import Role

    admin = login("xitong")
    accounts.create_account(admin, NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, "Secret-2026x"))
    accounts.deactivate(admin, "zhaolei")  # rotates the data key: a new file by export
    assert schema_check.problems(admin.db) == []
    sql = admin.db.scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'copy'")
    assert "'分发在外'" in sql
