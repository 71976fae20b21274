"""Readers and groups, kept by the security officer; found by pinyin initials."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import audit
from app.errors import InvalidInput, PermissionDenied
from app.people import ReaderInput, add_group, add_reader, find_readers, mark_left, update_reader
from app.pinyin import initials
from app.session import Session


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("张建国", "zjg"),
        ("曾庆红", "zqh"),
        ("单雄信", "sxx"),
        ("解缙", "xj"),
        ("朴正", "pz"),
        ("欧阳明月", "oymy"),
        ("区志华", "ozh"),
    ],
)
def test_initials_read_surnames_as_surnames(name: str, code: str) -> None:
    assert initials(name) == code


def test_readers_are_found_by_initials_name_or_badge(login: Callable[..., Session]) -> None:
    officer = login("baomi")
    zhang = add_reader(
        officer, ReaderInput("张建国", "区委", "书记", "核心", "13800000001", "b0001")
    )
    add_reader(officer, ReaderInput("曾晓东", "区政府", "区长", "重要"))
    assert zhang.badge_code == "B0001"
    assert [r.name for r in find_readers(officer.db, "zjg")] == ["张建国"]
    assert {r.name for r in find_readers(officer.db, "z")} == {"曾晓东", "张建国"}
    assert [r.name for r in find_readers(officer.db, "晓东")] == ["曾晓东"]
    assert [r.name for r in find_readers(officer.db, "B0001")] == ["张建国"]


def test_badges_are_unique_and_leaving_keeps_the_record(login: Callable[..., Session]) -> None:
    officer = login("baomi")
    zhang = add_reader(officer, ReaderInput("张建国", badge_code="B1"))
    with pytest.raises(InvalidInput, match="已属于 张建国"):
        add_reader(officer, ReaderInput("李四", badge_code="b1"))
    update_reader(
        officer, zhang.id, ReaderInput("张建国", unit="区委", clearance="重要", badge_code="B1")
    )
    event = audit.page(officer.db, None, 1)[0]
    assert event.details["before"] == {"unit": "", "clearance": "一般"}
    mark_left(officer, zhang.id)
    assert find_readers(officer.db, "zjg") == []
    assert find_readers(officer.db, "zjg", include_left=True)[0].active is False
    with pytest.raises(Exception, match="never deleted"):
        officer.db.execute("DELETE FROM reader WHERE id = ?", (zhang.id,))


def test_groups_and_roles(login: Callable[..., Session]) -> None:
    officer = login("baomi")
    a = add_reader(officer, ReaderInput("张建国", clearance="核心"))
    b = add_reader(officer, ReaderInput("王芳", clearance="重要"))
    group = add_group(officer, "区委常委", [a.id, b.id])
    assert group.member_ids == (a.id, b.id)
    with pytest.raises(InvalidInput, match="已存在"):
        add_group(officer, "区委常委", [])
    with pytest.raises(PermissionDenied):
        add_reader(login("jiyao"), ReaderInput("某人"))
