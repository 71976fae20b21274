"""Destruction rules that survived the session-7 mutation run (issue 19): what stops an approval
once the list is made (a copy lost or put on hold after it was listed, named five at most), what
a seal writes (each destroyed copy's history, the trail's counts by 密级), and calm refusals
(an empty or already approved batch, a login the room does not have). Each test names the rule;
its docstring names the mutants it kills."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest

from app import audit, day_close, destruction, documents, holds, registry, stocktake
from app.errors import InvalidInput, PermissionDenied
from app.model import Credential
from app.session import Session
from app.stocktake_records import findings
from app.stocktake_resolve import resolve
from tests.app.test_registry import doc
from tests.conftest import PASSWORD

OFFICER = Credential("baomi", PASSWORD)
WITNESSES = (OFFICER, Credential("zhuren", PASSWORD))
TODAY = date(2026, 11, 20)  # the conftest clock's day


@pytest.fixture
def stock(login: Callable[..., Session]):
    """(custodian, 保密员, six 机密 copies of 2026-0001 (6 pages each), one 秘密 copy of
    2026-0002 (4 pages)), all in the cabinet."""
    custodian = login("jiyao")
    six = registry.register(
        custodian, doc(level="机密", copy_numbers="1-6", pages=6, doc_number="销〔2026〕1号")
    )
    one = registry.register(
        custodian, doc(level="秘密", copy_numbers="1", pages=4, doc_number="销〔2026〕2号")
    )
    return custodian, login("baomi"), [c.id for c in six.copies], one.copies[0].id


def _named(message: str, why: str) -> list[str]:
    """The copies a refusal names, each as `2026-0001 第000003份（<why>）`."""
    listed = message.split("：", 1)[1].split("。", 1)[0].split("；")
    for name in listed:
        assert re.fullmatch(rf"2026-0001 第00000[1-6]份（{why}）", name), message
    return listed


def test_an_approval_is_refused_in_words_that_fit_the_batch(stock) -> None:
    """An empty batch has nothing to approve yet; an approved one needs no second approval,
    both refused before any password (`batch.state == "编制中"` as `!=` or `not ==`)."""
    custodian, _, six, _ = stock
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", TODAY)
    with pytest.raises(InvalidInput, match="还没有文件，不能审批"):
        destruction.approve(custodian, batch.id, OFFICER)
    destruction.add(custodian, batch.id, six[:1])
    destruction.approve(custodian, batch.id, OFFICER)
    with pytest.raises(InvalidInput, match="待监销，无需审批"):
        destruction.approve(custodian, batch.id, OFFICER)


def test_copies_lost_after_listing_stop_the_approval_five_named(stock, clock) -> None:
    """A listed copy that a stocktake then found missing and the 保密员 recorded lost is no
    longer in the room: the batch is not approved, and the refusal names the first five such
    copies by 收文编号, 份号 and state (`LIMIT 5` as `LIMIT 6`; each index of
    `registration_number(r[0], r[1]) 第{r[2]}份（{r[3]}）` changed; `+` as `-` in the message)."""
    custodian, officer, six, _ = stock
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", TODAY)
    destruction.add(custodian, batch.id, six)
    taken = stocktake.start(custodian, None, "baomi")
    stocktake.finish(custodian, taken.id, PASSWORD)  # nothing scanned: every copy 缺失
    for finding in findings(custodian, taken.id):
        resolve(custodian, finding.id, "事件", "柜内未找到")
    for incident in day_close.open_incidents(custodian.db):
        day_close.resolve_incident(officer, incident.id, "确认遗失", "遗失")
    with pytest.raises(InvalidInput, match="以下文件不在柜，不能审批") as refused:
        destruction.approve(custodian, batch.id, OFFICER)
    named = _named(str(refused.value), "遗失")
    assert len(named) == 5 and len(set(named)) == 5
    assert destruction.get(custodian.db, batch.id).state == "待审批"


def test_copies_put_on_hold_after_listing_stop_that_batch_only(stock) -> None:
    """An investigation hold placed on listed copies stops the approval of their batch, naming
    the first five with the hold's reason; another batch is not held up by them
    (`i.batch_id = ?` as `<>`, `LIMIT 5` as `LIMIT 6`, each index of the held copies' names
    changed, `+` as `-` in the message)."""
    custodian, _, six, secret = stock
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", TODAY)
    destruction.add(custodian, batch.id, six)
    other = destruction.create(custodian, "碎纸机粉碎", "机要室", TODAY)
    destruction.add(custodian, other.id, [secret])
    for copy_id in six:
        holds.place(custodian, copy_id, "泄密线索核查", OFFICER)
    with pytest.raises(InvalidInput, match="以下文件处于调查扣留，不能审批") as refused:
        destruction.approve(custodian, batch.id, OFFICER)
    assert str(refused.value).endswith("。请先解除扣留或移出批次。")
    named = _named(str(refused.value), "泄密线索核查")
    assert len(named) == 5 and len(set(named)) == 5
    assert destruction.approve(custodian, other.id, OFFICER).state == "待监销"


@pytest.fixture
def sealed(stock):
    """Batch 2026年第1批 (three 机密 copies and the 秘密 one) sealed; 第2批 (the other three
    机密 copies) still open."""
    custodian, _, six, secret = stock
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", TODAY)
    destruction.add(custodian, batch.id, [*six[:3], secret])
    kept = destruction.create(custodian, "送销毁中心", "市保密技术服务中心", TODAY)
    destruction.add(custodian, kept.id, six[3:])
    destruction.approve(custodian, batch.id, OFFICER)
    destruction.seal(custodian, batch.id, WITNESSES)
    return custodian, [*six[:3], secret], six[3:]


def test_a_seal_writes_destroyed_into_each_of_its_copies_history_only(sealed) -> None:
    """Each copy of the sealed batch ends its history with 销毁 (batch and method); the copies
    of another batch get no such line (`WHERE batch_id = ?` as `<>`; `'销毁'` as `''`)."""
    custodian, destroyed, open_ones = sealed
    for copy_id in destroyed:
        last = documents.copy_history(custodian.db, copy_id)[-1]
        assert (last.kind, last.account) == ("销毁", "jiyao")
        assert last.details == {"batch": "2026年第1批", "method": "碎纸机粉碎"}
    for copy_id in open_ones:
        kinds = [e.kind for e in documents.copy_history(custodian.db, copy_id)]
        assert "销毁" not in kinds and "" not in kinds


def test_the_seal_is_audited_with_its_copies_counted_by_level(sealed) -> None:
    """The trail's 销毁封存 event counts the batch's copies by 密级 (copies, not pages:
    `v[0]` as `v[1]` or `v[-1]`)."""
    custodian, _, _ = sealed
    [event] = [e for e in audit.page(custodian.db, None, 50) if e.action == "销毁封存"]
    assert event.object == "batch:2026-1"
    assert event.details["copies"] == 4
    assert event.details["by_level"] == {"机密": 3, "秘密": 1}


def test_a_login_the_room_does_not_have_is_refused_calmly(stock) -> None:
    """An approver or witness typed with a login no account has is refused as a permission,
    not a crash (`account is not None` as `is None` or `not … is not None` in _canonical)."""
    custodian, _, six, _ = stock
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", TODAY)
    destruction.add(custodian, batch.id, six[:1])
    with pytest.raises(PermissionDenied, match="没有这个在用的账户"):
        destruction.approve(custodian, batch.id, Credential("wangwu", PASSWORD))
    destruction.approve(custodian, batch.id, OFFICER)
    with pytest.raises(PermissionDenied, match="没有这个在用的账户"):
        destruction.seal(custodian, batch.id, (OFFICER, Credential("wangwu", PASSWORD)))
    assert destruction.get(custodian.db, batch.id).state == "待监销"
