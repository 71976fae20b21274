"""Destruction rules the mutation run found untested: a document with a leader's instruction not
yet 办结 cannot be destroyed (only that document: another's instruction does not block), and a
batch is made with one of the two lawful methods only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from app import destruction, instructions, registry
from app.errors import InvalidInput
from app.session import Session
from tests.app.test_registry import doc


@pytest.fixture
def two_documents(login: Callable[..., Session]):
    custodian = login("jiyao")
    first = registry.register(
        custodian, doc(level="机密", copy_numbers="1", doc_number="甲〔2026〕1号")
    )
    second = registry.register(
        custodian, doc(level="秘密", copy_numbers="1", doc_number="甲〔2026〕2号")
    )
    return custodian, first, second


def test_an_open_instruction_keeps_only_its_own_document_from_destruction(two_documents) -> None:
    custodian, first, second = two_documents
    item = instructions.add(custodian, first.document.id, "张建国", "请阅办")
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    with pytest.raises(InvalidInput, match="领导批示尚未办结"):
        destruction.add(custodian, batch.id, [first.copies[0].id])
    assert destruction.add(custodian, batch.id, [second.copies[0].id]) == 1  # not its business
    instructions.start(custodian, item.id)  # 办理中: still open
    with pytest.raises(InvalidInput, match="领导批示尚未办结"):
        destruction.add(custodian, batch.id, [first.copies[0].id])
    instructions.finish(custodian, item.id, "已办结，报张书记")
    assert destruction.add(custodian, batch.id, [first.copies[0].id]) == 1


def test_an_instruction_under_extension_is_still_open(two_documents, clock) -> None:
    custodian, first, _ = two_documents
    now = clock.now()
    item = instructions.add(
        custodian, first.document.id, "张建国", "请阅办", deadline=now + timedelta(days=2)
    )
    instructions.request_extension(custodian, item.id, "等待会议", now + timedelta(days=9))
    decided = instructions.decide_extension(custodian, item.id, True, "张建国")
    assert decided.state == "延期"
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    with pytest.raises(InvalidInput, match="领导批示尚未办结"):
        destruction.add(custodian, batch.id, [first.copies[0].id])


@pytest.mark.parametrize("method", ["碎纸机粉碎", "送销毁中心"])
def test_each_lawful_method_makes_a_batch(two_documents, method: str) -> None:
    custodian, _, _ = two_documents
    batch = destruction.create(custodian, method, "机要室", date(2026, 11, 20))
    assert destruction.get(custodian.db, batch.id).method == method


@pytest.mark.parametrize("method", ["焚烧", "", "碎纸机"])
def test_any_other_method_is_refused(two_documents, method: str) -> None:
    custodian, _, _ = two_documents
    with pytest.raises(InvalidInput, match="销毁方式须为 碎纸机粉碎、送销毁中心"):
        destruction.create(custodian, method, "机要室", date(2026, 11, 20))


def test_batches_are_numbered_from_1_each_year(two_documents) -> None:
    custodian, _, _ = two_documents
    made = [
        destruction.create(custodian, "碎纸机粉碎", "机要室", day)
        for day in (date(2026, 11, 20), date(2026, 12, 1), date(2027, 1, 5))
    ]
    assert [(b.year, b.serial) for b in made] == [(2026, 1), (2026, 2), (2027, 1)]


def test_taking_a_copy_out_of_a_batch_leaves_the_others(two_documents) -> None:
    custodian, first, second = two_documents
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    other = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, [first.copies[0].id, second.copies[0].id])
    third = registry.register(
        custodian, doc(level="秘密", copy_numbers="2", doc_number="甲〔2026〕3号")
    )
    destruction.add(custodian, other.id, [third.copies[0].id])
    destruction.remove(custodian, batch.id, first.copies[0].id)
    kept = {i.copy_id for i in destruction.items(custodian.db, batch.id)}
    assert kept == {second.copies[0].id}
    assert {i.copy_id for i in destruction.items(custodian.db, other.id)} == {third.copies[0].id}


def test_a_copy_not_in_the_batch_cannot_be_taken_out(two_documents) -> None:
    custodian, first, second = two_documents
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, [first.copies[0].id])
    with pytest.raises(InvalidInput, match="不在本批次中"):
        destruction.remove(custodian, batch.id, second.copies[0].id)


def test_cancelling_a_batch_needs_a_reason_of_two_characters(two_documents) -> None:
    custodian, _, _ = two_documents
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    for reason in ("", "错", "  错 "):
        with pytest.raises(InvalidInput, match="撤销批次须写明原因"):
            destruction.cancel(custodian, batch.id, reason)
    assert destruction.cancel(custodian, batch.id, "建错").cancelled_at
