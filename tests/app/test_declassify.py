"""定密审查: 解密, 延长 and 变更密级 recorded by the 保密员 from the 保密期限 review list, and
everything that reads the registration following the new level: the register, reprinted
slips, the desk's loan time, the recall, the counts, the trail."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlcipher3

from app import (
    audit,
    declassify,
    desk,
    destruction,
    documents,
    recall,
    reconcile,
    registry,
    slip_print,
)
from app.classification import Period
from app.declassify import Decision, decide
from app.entry import parse_period
from app.errors import InvalidInput, PermissionDenied, WrongPassword
from app.model import Credential
from app.reports import sheets
from tests.app.test_registry import doc
from tests.conftest import PASSWORD
from tests.pdf_tools import rasterise, text_of

OFFICER = Credential("baomi", PASSWORD)
DAY = date(2026, 11, 20)


@pytest.fixture
def review_room(counter):
    custodian, officer, readers, docs = counter
    near = registry.register(
        custodian,
        doc(
            level="秘密",
            copy_numbers="5-6",
            doc_number="市委办发〔2026〕30号",
            period=Period("解密日期", "2026-12-31"),
        ),
    ).document
    conditional = registry.register(
        custodian,
        doc(
            level="机密",
            copy_numbers="7",
            doc_number="市委办发〔2026〕31号",
            period=parse_period("解密条件：项目验收后", "机密"),
        ),
    ).document
    return custodian, officer, readers, docs, near, conditional


def test_the_review_list_names_near_ends_and_conditions(review_room) -> None:
    custodian, officer, readers, docs, near, conditional = review_room
    items = declassify.review_for(officer, 12)
    assert [(i.number, i.level_label, i.held, i.note(DAY)) for i in items] == [
        (near.number, "秘密★至2026-12-31", 2, ""),
        (conditional.number, "机密★解密条件：项目验收后", 1, "按解密条件审查"),
    ]
    sheet = sheets.review(custodian.db, DAY, 12)
    assert [r[1] for r in sheet.rows] == [near.number, conditional.number]
    with pytest.raises(InvalidInput, match="解密条件不超过"):
        parse_period("解密条件：" + "很" * 41, "机密")


def test_declassified_the_room_follows(review_room, tmp_path: Path) -> None:
    custodian, officer, readers, docs, near, conditional = review_room
    db = custodian.db
    recall.open_campaign(custodian, 2026)
    in_recall = {r.copy_id for r in recall.rows(db, 2026)}
    copy_ids = [c.id for c in documents.copies_of(db, near.id)]
    assert set(copy_ids) <= in_recall
    counts = dict(((r[0], r[1]), r[2]) for r in db.query("SELECT level, state, n FROM copy_count"))
    before = audit.count(db)

    with pytest.raises(InvalidInput, match="写明理由"):
        decide(custodian, near.id, Decision.DECLASSIFY, DAY, " ", OFFICER)
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        decide(custodian, near.id, Decision.DECLASSIFY, date(2026, 11, 21), "期满", OFFICER)
    with pytest.raises(PermissionDenied):
        decide(custodian, near.id, "解密", DAY, "期满", Credential("jiyao", PASSWORD))
    with pytest.raises(WrongPassword):
        decide(custodian, near.id, "解密", DAY, "期满", Credential("baomi", "typo"))
    assert documents.get_document(db, near.id).level == "秘密"
    refused = [e.action for e in audit.page(db, None, audit.count(db) - before)]
    assert "解密" not in refused and "确认失败" in refused

    done = decide(custodian, near.id, "解密", DAY, "保密期限届满，经审查不再需要保密", OFFICER)
    assert (done.before, done.after, done.approved_by) == ("秘密★至2026-12-31", "非密", "baomi")
    found = documents.get_document(db, near.id)
    assert (found.level, found.level_label) == ("非密", "非密")
    event = audit.page(db, None, 1)[0]
    assert (event.action, event.object) == ("解密", f"document:{near.number}")
    assert event.details["after"] == {"level": "非密", "period": "非密"}
    assert event.details["approver"] == "baomi"
    history = documents.copy_history(db, copy_ids[0])
    assert history[-1].kind == "解密"
    # The counts move with the level; the trail agrees with the registration.
    now = dict(((r[0], r[1]), r[2]) for r in db.query("SELECT level, state, n FROM copy_count"))
    assert now[("秘密", "在柜")] == counts[("秘密", "在柜")] - 2
    assert now[("非密", "在柜")] == counts[("非密", "在柜")] + 2
    assert reconcile.problems(db) == []
    # The register shows the new level; the recall no longer asks for it.
    row = next(r for r in sheets.register(db, 2026).rows if near.number in map(str, r))
    assert "非密" in map(str, row) and "秘密★至2026-12-31" not in map(str, row)
    assert not set(copy_ids) & {r.copy_id for r in recall.rows(db, 2026)}
    # The desk lends it as a 非密 item: out for days, not until the close.
    clock_due = desk.checkout(custodian, readers["wang"].id, [copy_ids[0]])
    due = db.scalar("SELECT due_at FROM handover WHERE id = ?", (clock_due[0],))
    assert not due.startswith("2026-11-20")
    # Nothing but a decision changes a level.
    with pytest.raises(sqlcipher3.IntegrityError, match="recorded decision"), db.transaction():
        db.execute("UPDATE document SET level = '绝密' WHERE id = ?", (near.id,))
    with pytest.raises(InvalidInput, match="非密件"):
        decide(custodian, near.id, "解密", DAY, "再次", OFFICER)


def test_extended_and_changed_and_reprinted(review_room, login, tmp_path: Path) -> None:
    custodian, officer, readers, docs, near, conditional = review_room
    db = custodian.db
    with pytest.raises(InvalidInput, match="新的保密期限"):
        decide(custodian, conditional.id, "延长", DAY, "项目未验收", OFFICER)
    decide(officer, conditional.id, "延长", DAY, "项目延期", OFFICER, period=Period("年", "5"))
    assert documents.get_document(db, conditional.id).level_label == "机密★5年"
    secret = docs["secret"].document
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", DAY)
    destruction.add(custodian, batch.id, [docs["secret"].copies[2].id])
    with pytest.raises(InvalidInput, match="未封存的销毁批次"):
        decide(custodian, secret.id, "变更密级", DAY, "调整", OFFICER, level="机密")
    destruction.remove(custodian, batch.id, docs["secret"].copies[2].id)
    with pytest.raises(InvalidInput, match="已是秘密"):
        decide(custodian, secret.id, "变更密级", DAY, "调整", OFFICER, level="秘密")
    changed = decide(
        custodian, secret.id, "变更密级", DAY, "内容涉及核心事项", OFFICER, level="机密"
    )
    assert (changed.before, changed.after) == ("秘密★10年", "机密★20年")  # the law's default
    assert [h.decision for h in declassify.history(officer, secret.id)] == [Decision.CHANGE_LEVEL]
    assert reconcile.problems(db) == []
    # A slip printed from now on carries the new level.
    target = tmp_path / "slip.pdf"
    target.write_bytes(slip_print.print_slips(custodian, secret.id).pdf)
    text = text_of(target)
    assert "机密★20年" in text and "秘密★10年" not in text
    assert rasterise(target)
    with pytest.raises(PermissionDenied):
        declassify.review_for(login("shenji"))
    with pytest.raises(PermissionDenied):
        declassify.history(login("shenji"), secret.id)
