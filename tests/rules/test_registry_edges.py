"""Registration edges the mutation run found untested: a document registered without 页数 has
its pages unknown (0, and a warning), never a made-up count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date

from app import registry
from app.registration_checks import DocumentInput
from app.session import Session
from tests.app.test_registry import doc


def test_pages_left_out_are_unknown_not_invented(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    given = {k: v for k, v in asdict(doc(copy_numbers="7")).items() if k != "pages"}
    result = registry.register(custodian, DocumentInput(**given))
    assert [c.pages for c in result.copies] == [0]
    assert "未填写页数：借还核对时将无法核对页数。" in result.warnings
    stored = custodian.db.scalar("SELECT pages FROM copy WHERE id = ?", (result.copies[0].id,))
    assert stored == 0


def test_a_plain_registration_is_a_平件_阅件_not_a_telegram(login: Callable[..., Session]) -> None:
    """What the custodian leaves out: the paper's 缓急 is 平件 and its handling 阅件."""
    custodian = login("jiyao")
    result = registry.register(
        custodian, DocumentInput("市委办公室", "市", "关于年终检查的通知", "秘密", "1", pages=3)
    )
    d = result.document
    assert (d.urgency, d.handling, d.telegram) == ("平件", "阅件", False)
    row = custodian.db.one("SELECT urgency, handling, telegram FROM document WHERE id = ?", (d.id,))
    assert tuple(row) == ("平件", "阅件", 0)


def test_the_date_written_is_kept_as_given_or_left_empty(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    dated = registry.register(
        custodian, doc(copy_numbers="8", doc_number="乙〔2026〕1号", written_on=date(2026, 11, 10))
    )
    undated = registry.register(
        custodian, doc(copy_numbers="9", doc_number="乙〔2026〕2号", written_on=None)
    )
    stored = {
        r["id"]: r["written_on"] for r in custodian.db.query("SELECT id, written_on FROM document")
    }
    assert stored[dated.document.id] == "2026-11-10"
    assert stored[undated.document.id] is None
