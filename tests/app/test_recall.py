"""A whole 清退 campaign on a real room: returns, approved retentions, two witnessed destruction
batches (wrong witnesses first), and the sealed record resisting every way of changing it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
import sqlcipher3

from app import desk, destruction, instructions, recall, registry, scanning
from app.errors import InvalidInput, PermissionDenied, WrongPassword
from app.model import Credential
from app.session import Session
from tests.app.test_registry import doc
from tests.conftest import BEIJING, PASSWORD

OFFICER = Credential("baomi", PASSWORD)


def ids(session: Session, number: str) -> list[int]:
    year, serial = number.split("-")
    return [
        r[0]
        for r in session.db.query(
            "SELECT c.id FROM copy c JOIN document d ON d.id = c.document_id"
            " WHERE d.year = ? AND d.serial = ? ORDER BY c.copy_no",
            (int(year), int(serial)),
        )
    ]


@pytest.fixture
def campaign_room(login: Callable[..., Session], clock):
    """Six registrations of 2026: four in the recall (中央, 省, 市), one 区本级 and one 非密."""
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    custodian = login("jiyao")
    numbers = {}
    for key, changes in {
        "central": dict(issuer="中共中央办公厅", source="中央", doc_number="中办发〔2026〕7号"),
        "province": dict(issuer="省委办公厅", source="省", doc_number="省委办发〔2026〕12号"),
        "province2": dict(issuer="省委办公厅", source="省", doc_number="省委办发〔2026〕3号"),
        "city": dict(
            issuer="市委办公室", source="市", level="秘密", doc_number="市委发〔2026〕9号"
        ),
        "district": dict(issuer="区委办公室", source="区本级", doc_number="区委发〔2026〕1号"),
        "plain": dict(
            issuer="市委办公室",
            source="市",
            level="非密",
            copy_numbers="",
            copy_count=1,
            doc_number="市委发〔2026〕10号",
        ),
    }.items():
        base = dict(copy_numbers="1-3")
        base.update(changes)
        numbers[key] = registry.register(custodian, doc(**base)).document.number
    recall.open_campaign(custodian, 2026)
    return custodian, numbers


def test_the_list_holds_the_years_upper_level_classified_copies(campaign_room) -> None:
    custodian, n = campaign_room
    rows = recall.rows(custodian.db, 2026)
    assert len(rows) == 12
    assert {r.source for r in rows} == {"中央", "省", "市"}
    # Per issuer, by 文号 in number order: 〔2026〕3号 before 〔2026〕12号.
    province = [r.doc_number for r in rows if r.issuer == "省委办公厅"]
    assert province[0] == "省委办发〔2026〕3号" and province[-1] == "省委办发〔2026〕12号"
    campaign = recall.campaign(custodian.db, 2026)
    assert campaign is not None and campaign.deadline == date(2027, 6, 30)
    with pytest.raises(InvalidInput, match="已经开始"):
        recall.open_campaign(custodian, 2026)


def test_a_full_campaign(campaign_room, login, clock) -> None:
    custodian, n = campaign_room
    db = custodian.db
    officer = login("baomi")

    # Blockers: one copy out at the desk, one document with an open instruction.
    from app.people import ReaderInput, add_reader

    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心", "1", "B0001"))
    out_copy = ids(custodian, n["central"])[0]
    desk.checkout(custodian, reader.id, [out_copy])
    item = instructions.add(
        custodian,
        db.scalar("SELECT document_id FROM copy WHERE id = ?", (ids(custodian, n["city"])[0],)),
        "张建国",
        "请抓紧落实",
    )
    blockers = {r.copy_id: r.blocker for r in recall.rows(db, 2026) if r.blocker}
    assert blockers[out_copy] == "借出未还"
    assert set(blockers) == {out_copy, *ids(custodian, n["city"])}
    with pytest.raises(InvalidInput, match="借出未还"):
        recall.record_return(custodian, 2026, [out_copy], date(2026, 11, 20), "省机要局", "R1")

    # 已清退: the province's six copies go back against one receipt.
    province = ids(custodian, n["province"]) + ids(custodian, n["province2"])
    assert (
        recall.record_return(
            custodian, 2026, province, date(2026, 11, 20), "省委机要局 陈明", "HZ-2026-031"
        )
        == 6
    )
    with pytest.raises(InvalidInput, match="已清退"):
        recall.record_return(custodian, 2026, province[:1], date(2026, 11, 20), "x", "y")

    # 留用: kept with the security officer's own password; a wrong one changes nothing.
    kept = ids(custodian, n["central"])[1:2]
    with pytest.raises(WrongPassword):
        recall.retain(custodian, 2026, kept, "年度总结仍需参阅", Credential("baomi", "wrong"))
    with pytest.raises(PermissionDenied, match="保密员"):
        recall.retain(custodian, 2026, kept, "年度总结仍需参阅", Credential("xitong", PASSWORD))
    assert recall.progress(recall.rows(db, 2026)).outcomes["留用"] == 0
    recall.retain(custodian, 2026, kept, "年度总结仍需参阅", OFFICER)

    # Close refused while copies are unsettled.
    with pytest.raises(InvalidInput, match="尚有"):
        recall.close_campaign(custodian, 2026, OFFICER)

    # The reader brings the copy back and the instruction is answered: the blockers clear.
    desk.take_back(custodian, out_copy)
    instructions.finish(custodian, item.id, "已按要求落实完毕")
    assert not [r for r in recall.rows(db, 2026) if r.blocker]

    # Destruction in two batches: the first by scanning, the second by picking.
    first = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add_scan(custodian, first.id, f"{n['central']}/000001")
    destruction.add_scan(custodian, first.id, f"{n['central']}/000003")
    with pytest.raises(InvalidInput, match="已在本批次"):
        destruction.add_scan(custodian, first.id, f"{n['central']}/000003")
    with pytest.raises(InvalidInput, match="已清退"):
        destruction.add(custodian, first.id, province[:1])
    second = destruction.create(custodian, "送销毁中心", "市保密技术服务中心", date(2026, 11, 21))
    destruction.add(custodian, second.id, ids(custodian, n["city"]))
    with pytest.raises(InvalidInput, match="已列入"):
        destruction.add(custodian, second.id, ids(custodian, n["central"])[:1])

    # Approval: not without the security officer, and never the builder.
    with pytest.raises(PermissionDenied, match="编制人"):
        destruction.approve(custodian, first.id, Credential("jiyao", PASSWORD))
    with pytest.raises(WrongPassword):
        destruction.approve(custodian, first.id, Credential("baomi", "nope"))
    with pytest.raises(InvalidInput, match="尚未经保密员审批"):
        destruction.seal(custodian, first.id, (Credential("xitong", PASSWORD), OFFICER))
    assert destruction.approve(custodian, first.id, OFFICER).state == "待监销"
    with pytest.raises(InvalidInput, match="不能再改动"):
        destruction.add(custodian, first.id, ids(custodian, n["central"])[1:2])

    # Wrong witnesses: the same person twice, the builder, a wrong password — nothing sealed.
    with pytest.raises(InvalidInput, match="两名不同"):
        destruction.seal(custodian, first.id, (OFFICER, OFFICER))
    with pytest.raises(PermissionDenied, match="编制人"):
        destruction.seal(custodian, first.id, (Credential("jiyao", PASSWORD), OFFICER))
    with pytest.raises(WrongPassword, match="赵立新"):
        destruction.seal(custodian, first.id, (OFFICER, Credential("zhuren", "typo")))
    # One of the 三员, with the right password: refused before it, nothing written.
    with pytest.raises(PermissionDenied, match="监销确认须由机要员或保密员本人确认"):
        destruction.seal(custodian, first.id, (OFFICER, Credential("xitong", PASSWORD)))
    assert destruction.get(db, first.id).sealed_at is None
    assert {scanning.copy_ref(db, c).state for c in ids(custodian, n["central"])} == {"在柜"}
    failures = db.scalar("SELECT count(*) FROM audit_event WHERE action = '确认失败'")
    assert failures == 3  # retention, approval, witness

    # The right witnesses seal it.
    sealed = destruction.seal(custodian, first.id, (OFFICER, Credential("zhuren", PASSWORD)))
    assert sealed.state == "已销毁" and sealed.witnesses == ("baomi", "zhuren")
    destroyed = [ids(custodian, n["central"])[i] for i in (0, 2)]
    assert {scanning.copy_ref(db, c).state for c in destroyed} == {"已销毁"}
    destruction.approve(custodian, second.id, OFFICER)
    destruction.seal(custodian, second.id, (Credential("zhuren", PASSWORD), OFFICER))

    progress = recall.progress(recall.rows(db, 2026))
    assert progress.overall.settled == progress.overall.total == 12
    assert progress.outcomes == {"已清退": 6, "已销毁": 5, "留用": 1}
    assert progress.by_issuer["省委办公厅"].settled == 6
    closed = recall.close_campaign(custodian, 2026, OFFICER)
    assert closed.closed and closed.approved_by == "baomi"
    with pytest.raises(InvalidInput, match="已于"):
        recall.record_return(custodian, 2026, destroyed[:1], date(2026, 11, 20), "a", "b")


@pytest.fixture
def sealed(campaign_room, login):
    custodian, n = campaign_room
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, ids(custodian, n["central"]))
    destruction.approve(custodian, batch.id, OFFICER)
    destruction.seal(custodian, batch.id, (OFFICER, Credential("zhuren", PASSWORD)))
    return custodian, batch, ids(custodian, n["central"]), login("baomi")


def test_the_sealed_batch_resists_the_services(sealed, campaign_room) -> None:
    custodian, batch, copies, officer = sealed
    db = custodian.db
    document_id = db.scalar("SELECT document_id FROM copy WHERE id = ?", (copies[0],))
    with pytest.raises(InvalidInput, match="永久记录"):
        registry.edit(custodian, document_id, {"title": "改过的标题"})
    with pytest.raises(InvalidInput, match="永久记录"):
        registry.void(custodian, document_id, "误登")
    with pytest.raises(InvalidInput, match="已销毁"):
        destruction.cancel(custodian, batch.id, "重新编制")
    with pytest.raises(InvalidInput, match="不能再改动"):
        destruction.remove(custodian, batch.id, copies[0])
    with pytest.raises(InvalidInput, match="不能再监销"):
        destruction.seal(custodian, batch.id, (OFFICER, Credential("zhuren", PASSWORD)))
    from app.people import ReaderInput, add_reader

    reader = add_reader(officer, ReaderInput("张建国", "区委", "书记", "核心", "1", "B0001"))
    with pytest.raises(InvalidInput, match="已销毁"):
        desk.checkout(custodian, reader.id, copies[:1])
    other = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    with pytest.raises(InvalidInput, match="已销毁"):
        destruction.add(custodian, other.id, copies[:1])
    # Registering the same copies again is refused as a duplicate.
    with pytest.raises(InvalidInput, match="只能登记一次"):
        registry.register(
            custodian,
            doc(
                issuer="中共中央办公厅",
                source="中央",
                doc_number="中办发〔2026〕7号",
                copy_numbers="1",
            ),
        )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE destruction_batch SET witness_1 = 'xitong' WHERE id = {batch}",
        "UPDATE destruction_batch SET sealed_at = NULL WHERE id = {batch}",
        "DELETE FROM destruction_batch WHERE id = {batch}",
        "DELETE FROM destruction_item WHERE batch_id = {batch}",
        "INSERT INTO destruction_item (batch_id, copy_id, added_at) VALUES ({batch}, 1, 'x')",
        "UPDATE copy SET state = '在柜' WHERE id = {copy}",
        "UPDATE copy SET pages = 1 WHERE id = {copy}",
        "UPDATE document SET title = 'x' WHERE id = (SELECT document_id FROM copy WHERE id = {copy})",
        "INSERT INTO handover (copy_id, reader_id, out_at, due_at, out_by) VALUES ({copy}, 1, 'a', 'b', 'c')",
        "DELETE FROM copy WHERE id = {copy}",
    ],
)
def test_the_sealed_batch_resists_raw_sql(sealed, sql: str) -> None:
    custodian, batch, copies, _ = sealed
    db = custodian.db
    before = db.query("SELECT * FROM destruction_batch WHERE id = ?", (batch.id,))
    with pytest.raises(sqlcipher3.IntegrityError), db.transaction():
        db.execute(sql.format(batch=batch.id, copy=copies[0]))
    assert db.query("SELECT * FROM destruction_batch WHERE id = ?", (batch.id,)) == before
    assert scanning.copy_ref(db, copies[0]).state == "已销毁"


def test_a_copy_becomes_destroyed_only_through_a_sealed_batch(campaign_room) -> None:
    custodian, n = campaign_room
    with pytest.raises(sqlcipher3.IntegrityError), custodian.db.transaction():
        custodian.db.execute(
            "UPDATE copy SET state = '已销毁' WHERE id = ?", (ids(custodian, n["city"])[0],)
        )


def test_an_open_batch_keeps_its_copies_at_the_counter(campaign_room, login) -> None:
    custodian, n = campaign_room
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    copies = ids(custodian, n["city"])
    destruction.add(custodian, batch.id, copies)
    from app.people import ReaderInput, add_reader

    reader = add_reader(login("baomi"), ReaderInput("张建国", "区委", "书记", "核心", "1", "B1"))
    with pytest.raises(InvalidInput, match="待销毁批次"):
        desk.checkout(custodian, reader.id, copies[:1])
    destruction.remove(custodian, batch.id, copies[0])
    desk.checkout(custodian, reader.id, copies[:1])
    cancelled = destruction.cancel(custodian, batch.id, "改期销毁")
    assert cancelled.state == "已撤销"
    desk.checkout(custodian, reader.id, copies[1:2])


def test_wrong_witness_passwords_lock_that_account(sealed, campaign_room, clock) -> None:
    from app.errors import AccountLocked

    custodian, _, _, _ = sealed
    _, n = campaign_room
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, ids(custodian, n["city"]))
    destruction.approve(custodian, batch.id, OFFICER)
    for _ in range(5):
        with pytest.raises(WrongPassword):
            destruction.seal(custodian, batch.id, (OFFICER, Credential("zhuren", "guess")))
    with pytest.raises(AccountLocked):
        destruction.seal(custodian, batch.id, (OFFICER, Credential("zhuren", PASSWORD)))
    locks = custodian.db.scalar(
        "SELECT count(*) FROM audit_event WHERE action = '账户锁定' AND object = 'account:zhuren'"
    )
    assert locks == 1 and destruction.get(custodian.db, batch.id).state == "待监销"


def test_a_long_choice_is_read_past_the_parameter_limit(campaign_room) -> None:
    custodian, n = campaign_room
    everything = [r.copy_id for r in recall.rows(custodian.db, 2026)]
    padded = everything + list(range(10**6, 10**6 + 600))  # ids that are not in the recall
    assert [r.copy_id for r in recall.rows(custodian.db, 2026, padded)] == everything
    assert [r.copy_id for r in recall.rows(custodian.db, 2026, everything[:2])] == everything[:2]


def test_witnesses_are_compared_as_the_room_spells_their_logins(campaign_room) -> None:
    """Logins are case-insensitive: `JIYAO` is the builder, `Zhuren` and `zhuren` one person;
    both are refused calmly before any password, never by the database's CHECK."""
    custodian, n = campaign_room
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
    destruction.add(custodian, batch.id, ids(custodian, n["city"]))
    with pytest.raises(PermissionDenied, match="编制人"):
        destruction.approve(custodian, batch.id, Credential("JiYao", PASSWORD))
    destruction.approve(custodian, batch.id, Credential("BAOMI", PASSWORD))
    with pytest.raises(PermissionDenied, match="编制人"):
        destruction.seal(custodian, batch.id, (Credential("JIYAO", PASSWORD), OFFICER))
    with pytest.raises(InvalidInput, match="两名不同"):
        destruction.seal(
            custodian, batch.id, (Credential("Zhuren", PASSWORD), Credential("zhuren ", PASSWORD))
        )
    sealed = destruction.seal(custodian, batch.id, (Credential("Zhuren", PASSWORD), OFFICER))
    assert sealed.witnesses == ("zhuren", "baomi")


def test_each_row_of_the_recall_list_carries_its_documents_own_fields(
    login: Callable[..., Session],
) -> None:
    """文号, 标题, 密级 and the returned copy's receipt each from its own column (a survivor of
    issue 19's mutation run read the 文号 into the 标题)."""
    from app import recall_records

    custodian = login("jiyao")
    made = registry.register(
        custodian,
        doc(
            title="关于年度清退的通知",
            doc_number="市委发〔2026〕31号",
            copy_numbers="5-6",
            level="秘密",
        ),
    )
    recall.open_campaign(custodian, 2026)
    recall.record_return(
        custodian, 2026, [made.copies[0].id], date(2026, 11, 20), "市委机要局", "R-31"
    )
    listed = {r.copy_id: r for r in recall_records.rows(custodian.db, 2026)}
    back, held = listed[made.copies[0].id], listed[made.copies[1].id]
    assert (back.doc_number, back.title, back.level) == (
        "市委发〔2026〕31号",
        "关于年度清退的通知",
        "秘密",
    )
    assert back.detail == "2026-11-20 交市委机要局，回执 R-31" and back.outcome == "已清退"
    assert held.title == "关于年度清退的通知" and held.outcome == "待处理"
