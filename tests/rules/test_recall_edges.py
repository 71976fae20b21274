"""清退 rules the mutation run found untested: the year's range, the deadline, a closed
campaign's message, and open instructions blocking their own documents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from app import instructions, recall, recall_records, registry
from app.errors import InvalidInput
from app.model import Credential
from app.session import Session
from tests.app.test_registry import doc
from tests.conftest import PASSWORD


def test_a_campaign_year_runs_from_2000_to_this_year(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    this_year = custodian.clock.now().year
    for year in (1999, this_year + 1):
        with pytest.raises(InvalidInput, match=f"清退年度须在 2000 到 {this_year} 之间"):
            recall.open_campaign(custodian, year)
    assert recall.open_campaign(custodian, 2000).year == 2000
    assert recall.open_campaign(custodian, this_year).year == this_year


def test_a_campaigns_deadline_falls_in_the_next_year_or_later(
    login: Callable[..., Session],
) -> None:
    custodian = login("jiyao")
    with pytest.raises(InvalidInput, match="清退截止日须在 2026 年内或之后"):
        recall.open_campaign(custodian, 2025, date(2025, 12, 31))
    assert recall.open_campaign(custodian, 2025, date(2026, 1, 1)).year == 2025


def test_a_closed_campaign_says_the_day_it_closed(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    recall.open_campaign(custodian, 2025)
    recall.close_campaign(custodian, 2025, Credential("baomi", PASSWORD))
    day = custodian.clock.now().date().isoformat()
    with pytest.raises(InvalidInput, match=f"2025 年度的清退已于 {day} 结束，记录不再更改"):
        recall.record_return(custodian, 2025, [1], date(2026, 11, 20), "a", "b")


def test_an_open_instruction_blocks_its_document_in_the_recall_list(
    login: Callable[..., Session], clock
) -> None:
    """待办, 办理中 and 延期 block (批示未办结); 办结 does not; another document is not blocked."""
    custodian = login("jiyao")
    first = registry.register(
        custodian, doc(source="省", copy_numbers="1", doc_number="省〔2026〕1号")
    )
    other = registry.register(
        custodian, doc(source="市", copy_numbers="1", doc_number="市〔2026〕2号")
    )
    recall.open_campaign(custodian, 2026)
    now = clock.now()
    item = instructions.add(
        custodian, first.document.id, "张建国", "请阅办", deadline=now + timedelta(days=2)
    )

    def blockers() -> dict[int, str]:
        return {r.document_id: r.blocker for r in recall_records.rows(custodian.db, 2026)}

    assert blockers() == {first.document.id: "批示未办结", other.document.id: ""}  # 待办
    instructions.start(custodian, item.id)
    assert blockers()[first.document.id] == "批示未办结"  # 办理中
    instructions.request_extension(custodian, item.id, "等待会议", now + timedelta(days=9))
    instructions.decide_extension(custodian, item.id, True, "张建国")
    assert blockers()[first.document.id] == "批示未办结"  # 延期
    instructions.finish(custodian, item.id, "已办结，已报张书记")
    assert blockers() == {first.document.id: "", other.document.id: ""}


def test_keeping_a_copy_needs_a_reason_of_two_characters(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    kept = registry.register(
        custodian, doc(source="省", copy_numbers="1", doc_number="省〔2026〕5号")
    )
    recall.open_campaign(custodian, 2026)
    officer = Credential("baomi", PASSWORD)
    copy_id = kept.copies[0].id
    for reason in ("", "备", " 备 "):
        with pytest.raises(InvalidInput, match="留用须写明理由"):
            recall.retain(custodian, 2026, [copy_id], reason, officer)
    assert recall.retain(custodian, 2026, [copy_id], "备查", officer) == 1


@pytest.mark.parametrize("source", ["中央", "省", "市"])
def test_a_document_in_a_begun_recall_keeps_its_upper_level_source(
    login: Callable[..., Session], source: str
) -> None:
    custodian = login("jiyao")
    done = registry.register(
        custodian, doc(source=source, copy_numbers="1", doc_number="丙〔2026〕1号")
    )
    recall.open_campaign(custodian, 2026)
    with pytest.raises(InvalidInput, match="属于 2026 年度清退范围"):
        registry.edit(custodian, done.document.id, {"source": "区本级"})
    assert registry.edit(custodian, done.document.id, {"source": "省" if source != "省" else "市"})
