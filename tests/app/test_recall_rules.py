"""清退 rules that were off: a lost copy is never 留用; a classified registration with history is
voided only on the 保密员's password, and never once a recall or a destruction batch covers it.
Each rule holds in the service (a calm Chinese refusal) and in the database (a trigger)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
import sqlcipher3

from app import audit, day_close, desk, destruction, on_spot, recall, registry
from app.errors import InvalidInput, PermissionDenied, WrongPassword
from app.model import Credential
from app.people import ReaderInput, add_reader
from app.session import Session
from tests.app.test_recall import OFFICER, campaign_room, ids  # noqa: F401
from tests.app.test_registry import doc
from tests.conftest import BEIJING, PASSWORD


def _lose(custodian: Session, officer: Session, copy_id: int) -> None:
    """Lent, back with a discrepancy, and the 保密员 records it lost: the real path to 遗失."""
    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心", "1", "B0001"))
    desk.checkout(custodian, reader.id, [copy_id])
    incident = desk.take_back(custodian, copy_id, "只交回封套，文件未见")
    assert incident is not None
    day_close.resolve_incident(officer, incident, "经查确已遗失，按失泄密事件上报", "遗失")
    assert custodian.db.scalar("SELECT state FROM copy WHERE id = ?", (copy_id,)) == "遗失"


def test_a_lost_copy_cannot_be_kept(campaign_room, login) -> None:  # noqa: F811
    custodian, n = campaign_room
    officer = login("baomi")
    db = custodian.db
    lost, kept = ids(custodian, n["central"])[:2]
    _lose(custodian, officer, lost)
    before = audit.count(db)
    with pytest.raises(InvalidInput, match="已登记遗失，不能留用"):
        recall.retain(custodian, 2026, [kept, lost], "年度总结仍需参阅", OFFICER)
    assert audit.count(db) == before  # refused before the password was even asked
    assert not db.scalar("SELECT count(*) FROM recall_retention")
    row = next(r for r in recall.rows(db, 2026) if r.copy_id == lost)
    assert (row.outcome, row.blocker) == ("待处理", "遗失待查")
    # The campaign cannot close over the loss.
    recall.retain(custodian, 2026, [kept], "年度总结仍需参阅", OFFICER)
    with pytest.raises(InvalidInput, match="尚有"):
        recall.close_campaign(custodian, 2026, OFFICER)


def test_the_database_refuses_to_keep_a_lost_copy(campaign_room, login) -> None:  # noqa: F811
    custodian, n = campaign_room
    lost = ids(custodian, n["central"])[0]
    _lose(custodian, login("baomi"), lost)
    with pytest.raises(sqlcipher3.IntegrityError, match="lost copy"), custodian.db.transaction():
        custodian.db.execute(
            "INSERT INTO recall_retention (copy_id, reason, decided_at, decided_by, approved_by)"
            " VALUES (?, '参阅', 'x', 'jiyao', 'baomi')",
            (lost,),
        )


def test_a_copy_lost_after_it_was_kept_shows_as_lost(campaign_room, login) -> None:  # noqa: F811
    custodian, n = campaign_room
    db = custodian.db
    copy_id = ids(custodian, n["central"])[0]
    recall.retain(custodian, 2026, [copy_id], "年度总结仍需参阅", OFFICER)
    _lose(custodian, login("baomi"), copy_id)
    row = next(r for r in recall.rows(db, 2026) if r.copy_id == copy_id)
    assert (row.outcome, row.blocker) == ("待处理", "遗失待查")


def test_a_registration_in_a_recall_campaign_is_not_voided(campaign_room) -> None:  # noqa: F811
    custodian, n = campaign_room
    db = custodian.db
    # Every classified level from above, at the boundary of the recall's scope.
    for key in ("central", "province", "city"):
        document_id = db.scalar(
            "SELECT document_id FROM copy WHERE id = ?", (ids(custodian, n[key])[0],)
        )
        assert registry.void_refusal(db, document_id) is not None
        with pytest.raises(InvalidInput, match="清退范围，清退已经开始，不能再作废"):
            registry.void(custodian, document_id, "误登", OFFICER)
        with pytest.raises(sqlcipher3.IntegrityError, match="recall"), db.transaction():
            db.execute(
                "UPDATE document SET voided_at = 'x', void_reason = 'y', void_approved_by = 'baomi'"
                " WHERE id = ?",
                (document_id,),
            )
    # Outside the recall (区本级, or 非密) voiding is as before.
    for key in ("district", "plain"):
        document_id = db.scalar(
            "SELECT document_id FROM copy WHERE id = ?", (ids(custodian, n[key])[0],)
        )
        assert registry.void_refusal(db, document_id) is None
        assert registry.void(custodian, document_id, "误登").voided_at is not None


def test_a_registration_in_a_destruction_batch_is_not_voided(
    login: Callable[..., Session], clock
) -> None:
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    custodian = login("jiyao")
    db = custodian.db
    # 区本级: outside the recall, destroyed through a batch all the same.
    item = registry.register(
        custodian, doc(issuer="区委办公室", source="区本级", copy_numbers="1-2")
    )
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, [item.copies[0].id])
    with pytest.raises(InvalidInput, match="销毁清单，不能作废"):
        registry.void(custodian, item.document.id, "误登")
    with pytest.raises(sqlcipher3.IntegrityError, match="destruction"), db.transaction():
        db.execute("UPDATE document SET voided_at = 'x' WHERE id = ?", (item.document.id,))
    # A cancelled batch no longer covers it.
    destruction.cancel(custodian, batch.id, "编错了批次")
    assert registry.void(custodian, item.document.id, "误登").voided_at is not None


@pytest.mark.parametrize("level", ["绝密", "机密", "秘密"])
def test_voiding_a_classified_registration_with_history_needs_the_approver(
    login: Callable[..., Session], clock, level: str
) -> None:
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    custodian, officer = login("jiyao"), login("baomi")
    db = custodian.db
    item = registry.register(
        custodian, doc(issuer="区委办公室", source="区本级", level=level, copy_numbers="1-2")
    )
    fresh = registry.register(
        custodian,
        doc(issuer="区委办公室", source="区本级", level=level, copy_numbers="3", doc_number=""),
    )
    # No history yet: the custodian alone may void a mistyped registration.
    assert not registry.void_needs_approval(db, fresh.document.id)
    registry.void(custodian, fresh.document.id, "录入错误")
    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心", "1", "B0001"))
    if level == "绝密":  # read in the room (app.on_spot)
        on_spot.start(custodian, reader.id, item.copies[0].id, present=True)
    else:
        desk.checkout(custodian, reader.id, [item.copies[0].id])
    desk.take_back(custodian, item.copies[0].id)
    assert registry.void_needs_approval(db, item.document.id)
    with pytest.raises(InvalidInput, match="须由保密员本人输入密码确认"):
        registry.void(custodian, item.document.id, "误登")
    with pytest.raises(PermissionDenied, match="保密员"):
        registry.void(custodian, item.document.id, "误登", Credential("xitong", PASSWORD))
    with pytest.raises(WrongPassword):
        registry.void(custodian, item.document.id, "误登", Credential("baomi", "wrong"))
    # The database holds the rule too: no void without the approver recorded.
    with pytest.raises(sqlcipher3.IntegrityError, match="approver"), db.transaction():
        db.execute("UPDATE document SET voided_at = 'x' WHERE id = ?", (item.document.id,))
    voided = registry.void(custodian, item.document.id, "误登", OFFICER)
    assert voided.voided_at is not None
    assert db.scalar("SELECT void_approved_by FROM document WHERE id = ?", (voided.id,)) == "baomi"
    event = audit.page(db, None, 1)[0]
    assert event.action == "作废收文" and event.details["after"]["approver"] == "baomi"


def test_an_unclassified_registration_with_history_is_voided_alone(
    login: Callable[..., Session], clock
) -> None:
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    custodian, officer = login("jiyao"), login("baomi")
    item = registry.register(
        custodian,
        doc(level="非密", source="区本级", copy_numbers="", copy_count=1, doc_number=""),
    )
    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心", "1", "B0001"))
    desk.checkout(custodian, reader.id, [item.copies[0].id])
    desk.take_back(custodian, item.copies[0].id)
    assert not registry.void_needs_approval(custodian.db, item.document.id)
    assert registry.void(custodian, item.document.id, "误登").voided_at is not None


def test_editing_the_source_cannot_take_a_copy_out_of_the_recall(campaign_room) -> None:  # noqa: F811
    custodian, n = campaign_room
    db = custodian.db
    document_id = db.scalar(
        "SELECT document_id FROM copy WHERE id = ?", (ids(custodian, n["city"])[0],)
    )
    before = len(recall.rows(db, 2026))
    with pytest.raises(InvalidInput, match="来文类别不能再改为中央、省、市以外"):
        registry.edit(custodian, document_id, {"source": "区本级"})
    with pytest.raises(sqlcipher3.IntegrityError, match="recall"), db.transaction():
        db.execute("UPDATE document SET source = '区本级' WHERE id = ?", (document_id,))
    # Within the recall's sources the correction is allowed; other fields as before.
    registry.edit(custodian, document_id, {"source": "省", "remarks": "来文类别更正"})
    assert len(recall.rows(db, 2026)) == before
