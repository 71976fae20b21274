"""The three 处理笺 forms are one family: a copy has one valid 处理笺 whatever its form, so a new
one of any form retires the earlier of every form; a label is its own family."""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations

import pytest

from app import audit, registry, scanning, slips
from app.errors import InvalidInput
from app.session import Session
from tests.app.test_registry import doc

FORMS = ["传文处理笺", "收文处理笺", "零星收文处理笺", "发文处理笺"]


def test_a_new_form_of_any_kind_retires_the_earlier_of_every_kind(
    login: Callable[..., Session],
) -> None:
    custodian = login("jiyao")
    pairs = list(permutations(FORMS, 2))
    copies = registry.register(custodian, doc(copy_numbers=f"1-{len(pairs)}")).copies
    for (first, second), copy in zip(pairs, copies, strict=True):
        label = slips.issue(custodian, [copy.id], slips.LABEL)[0]
        old = slips.issue(custodian, [copy.id], first)[0]
        new = slips.issue(custodian, [copy.id], second)[0]
        with pytest.raises(slips.RetiredCode):
            scanning.scan(custodian, old.payload)
        for valid in (new, label):  # the label stays valid beside any form
            assert scanning.scan(custodian, valid.payload).copy.copy_id == copy.id  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", FORMS + [slips.LABEL])
def test_each_form_and_the_label_can_be_printed(login: Callable[..., Session], kind: str) -> None:
    custodian = login("jiyao")
    copy = registry.register(custodian, doc(copy_numbers="1")).copies[0]
    (code,) = slips.issue(custodian, [copy.id], kind)
    assert code.kind == kind
    assert scanning.scan(custodian, code.payload).copy.copy_id == copy.id  # type: ignore[union-attr]


def test_another_kind_is_refused(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    copy = registry.register(custodian, doc(copy_numbers="1")).copies[0]
    with pytest.raises(
        InvalidInput,
        match="处理笺种类须为 传文处理笺、收文处理笺、零星收文处理笺、发文处理笺 或 标签",
    ):
        slips.issue(custodian, [copy.id], "阅文单")


@pytest.mark.parametrize(
    ("source", "form"),
    [
        ("中央", "传文处理笺"),
        ("省", "传文处理笺"),
        ("市", "传文处理笺"),
        ("区本级", "收文处理笺"),
        ("下级单位", "收文处理笺"),
        ("信访", "零星收文处理笺"),
    ],
)
def test_each_source_has_its_form(source: str, form: str) -> None:
    assert slips.form_for(source) == form
    assert slips.form_for(source, outgoing=True) == "发文处理笺"  # the office's own, whatever


def test_a_print_is_audited_with_where_it_went_and_a_second_print_as_again(
    login: Callable[..., Session],
) -> None:
    custodian = login("jiyao")
    copy = registry.register(custodian, doc(copy_numbers="1")).copies[0]
    codes = slips.propose(custodian, [copy.id], "收文处理笺")
    slips.commit(custodian, codes, "打印机 HP-1")
    slips.commit(custodian, codes, "")  # the same pages printed once more
    second, first = audit.page(custodian.db, None, 2)
    assert first.action == second.action == "打印收文处理笺"
    assert first.details["to"] == "打印机 HP-1" and "again" not in first.details
    assert second.details["again"] is True and "to" not in second.details
    assert first.details["serials"] == second.details["serials"] == [codes[0].serial]


def test_slip_serials_start_at_1_and_follow_on(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    copies = registry.register(custodian, doc(copy_numbers="1-3")).copies
    first = slips.issue(custodian, [c.id for c in copies[:2]], "收文处理笺")
    second = slips.issue(custodian, [copies[2].id], slips.LABEL)
    assert [c.serial for c in first + second] == [1, 2, 3]
