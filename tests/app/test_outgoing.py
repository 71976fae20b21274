"""发文: the office's own documents numbered gapless per 代字 and year, sent to their recipients
as tracked copies, receipted by scanning the 回执 back, chased, recalled and destroyed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from app import (
    audit,
    desk,
    destruction,
    distribution,
    instruction_records,
    instructions,
    outgoing,
    outgoing_records,
    receipt_code,
    register_query,
    registry,
    scanning,
    slips,
)
from app.distribution_print import chase_sheets
from app.errors import InvalidInput, PermissionDenied
from app.outgoing import OutgoingInput, RecipientInput
from app.outgoing_print import print_dispatch, print_reply_chase, read_reply, reply_by_scan
from app.output import PRINTER
from app.register_query import RegisterFilter
from app.reports import catalog
from app.reports.selfcheck_stats import figures
from app.session import Session
from app.units import UnitInput, add_unit
from tests.app.test_registry import doc
from tests.app.test_year_reports import SHOTS
from tests.conftest import BEIJING
from tests.pdf_tools import rasterise, text_of, unembedded_fonts


@pytest.fixture
def office(counter, login: Callable[..., Session]):
    """The counter, with three units to send to."""
    custodian, officer, readers, docs = counter
    units = {
        "town": add_unit(custodian, UnitInput("城关镇", "乡镇街道")),
        "finance": add_unit(custodian, UnitInput("区财政局", "部门", "财政局")),
        "city": add_unit(custodian, UnitInput("市委机要局", "上级机要渠道")),
    }
    return custodian, officer, readers, units


def _paper(units, printed: int = 5, level: str = "秘密", code: str = "区委办发") -> OutgoingInput:
    return OutgoingInput(
        code=code,
        title="关于做好年底安全生产工作的通知",
        level=level,
        signed_by="刘书记",
        signed_on=date(2026, 11, 19),
        printed=printed,
        pages=4,
        urgency="加急",
        recipients=(
            RecipientInput(units["finance"].id, "抄送", 1),
            RecipientInput(units["town"].id, "主送", 2),
        ),
    )


def _kinds(db, n: int) -> list[str]:
    return [e.action for e in audit.page(db, None, n)]


def test_numbers_are_gapless_per_code_and_year_and_a_voided_one_stays(office) -> None:
    custodian, _, _, units = office
    db = custodian.db
    first = outgoing.register(custodian, _paper(units))
    assert first.label == "区委办发〔2026〕1号"
    assert first.level_label == "秘密★10年" and first.urgency == "加急"
    second = outgoing.register(custodian, _paper(units))
    other = outgoing.register(custodian, _paper(units, code="区委发"))
    assert (second.label, other.label) == ("区委办发〔2026〕2号", "区委发〔2026〕1号")
    voided = outgoing.void(custodian, second.id, "标题有误，重新印制")
    assert voided.voided_at is not None
    third = outgoing.register(custodian, _paper(units))
    assert third.label == "区委办发〔2026〕3号"  # never reused
    book = outgoing_records.of_year(db, 2026)
    assert [(o.label, o.voided_at is not None) for o in book] == [
        ("区委办发〔2026〕1号", False),
        ("区委办发〔2026〕2号", True),
        ("区委办发〔2026〕3号", False),
        ("区委发〔2026〕1号", False),
    ]
    # The copies' registration is voided with it, under the same 文号.
    doc = scanning.copy_ref(
        db, int(db.scalar("SELECT min(id) FROM copy WHERE document_id = ?", (voided.document_id,)))
    )
    assert doc.voided
    # The database refuses a gap, a reuse, a delete, and a change of the number.
    with pytest.raises(Exception, match="next number"):
        db.execute(
            "INSERT INTO outgoing (code, year, number, document_id, signed_by, signed_on, printed,"
            " created_at, created_by) VALUES ('区委办发', 2026, 9, ?, 'x', '2026-11-19', 1, 'x', 'x')",
            (first.document_id,),
        )
    with pytest.raises(Exception, match="never deleted"):
        db.execute("DELETE FROM outgoing")
    with pytest.raises(Exception, match="fixed"):
        db.execute("UPDATE outgoing SET number = 7 WHERE id = ?", (first.id,))
    with pytest.raises(Exception, match="fixed"):
        db.execute("UPDATE outgoing SET notes = 'x' WHERE id = ?", (second.id,))
    with pytest.raises(InvalidInput, match="已作废"):
        outgoing.void(custodian, second.id, "再次作废")


def test_refusals_are_calm(office, login) -> None:
    custodian, _, _, units = office
    paper = _paper(units)
    for bad, message in (
        ({"code": ""}, "发文代字"),
        ({"code": "区委办发〔2026〕"}, "只写机关代字"),
        ({"signed_by": " "}, "签发人"),
        ({"printed": 2}, "超过印制份数"),
        ({"signed_on": date(2026, 11, 21)}, "不能晚于今天"),
        ({"recipients": (RecipientInput(units["town"].id, "抄送", 1),)}, "主送"),
        ({"pages": 0}, "请填写每份页数（1 到 10000 页）"),
        ({"pages": 10_001}, "请填写每份页数"),
        (
            {
                "recipients": (
                    RecipientInput(units["town"].id, "主送", 1),
                    RecipientInput(units["town"].id, "抄送", 1),
                )
            },
            "两次",
        ),
    ):
        with pytest.raises(InvalidInput, match=message):
            outgoing.register(custodian, OutgoingInput(**{**paper.__dict__, **bad}))
    with pytest.raises(PermissionDenied):
        outgoing.register(login("baomi"), paper)
    assert outgoing_records.of_year(custodian.db, 2026) == []


def test_copies_are_registered_assigned_sent_and_tracked(office, clock) -> None:
    custodian, _, readers, units = office
    db = custodian.db
    out = outgoing.register(custodian, _paper(units))
    lines = outgoing_records.recipients(db, out.id)
    # 主送 first, then 抄送; the rest are the room's 存档份.
    assert [(r.role, r.unit, r.copy_ranges) for r in lines] == [
        ("主送", "城关镇", "000001-000002"),
        ("抄送", "区财政局", "000003"),
    ]
    assert outgoing_records.kept_range(out, lines) == "000004-000005"
    assert [r.state for r in lines] == ["未发出", "未发出"]
    copies = db.query(
        "SELECT id, state FROM copy WHERE document_id = ? ORDER BY copy_no", (out.document_id,)
    )
    assert [c["state"] for c in copies] == ["在柜"] * 5
    registered = scanning.copy_ref(db, copies[0]["id"])
    assert registered.number == out.registration and registered.level == "秘密"
    clock.advance(hours=1)
    sent = outgoing.send(custodian, out.id, recall_by=date(2027, 5, 31))
    assert [r.state for r in sent] == ["待回执", "待回执"]
    assert _kinds(db, 1) == ["发出发文"]
    states = [scanning.copy_ref(db, c["id"]).state for c in copies]
    assert states == ["分发在外"] * 3 + ["在柜"] * 2
    # Each recipient holds its copies on a 分发签收单 of its own, signed for on the 回执.
    held = distribution.holdings(db, units["town"].id)
    assert [(h.copy.copy_no, h.signer) for h in held] == [
        ("000001", "凭回执"),
        ("000002", "凭回执"),
    ]
    receipt = distribution.get_receipt(db, sent[0].receipt_id or 0)
    assert receipt.signer_id is None and receipt.recall_by == date(2027, 5, 31)
    assert "城关镇（凭回执）" in desk.disclosure(db, copies[0]["id"])[0][0]
    # A sent copy is not lent at the desk; a 存档份 is, like any copy.
    with pytest.raises(InvalidInput, match="分发在外"):
        desk.checkout(custodian, readers["zhang"].id, [copies[0]["id"]])
    desk.checkout(custodian, readers["zhang"].id, [copies[4]["id"]])
    with pytest.raises(InvalidInput, match="已全部发出"):
        outgoing.send(custodian, out.id)
    with pytest.raises(InvalidInput, match="已发出"):
        outgoing.void(custodian, out.id, "发错了")
    with pytest.raises(Exception, match="fixed"):
        db.execute("UPDATE outgoing_recipient SET receipt_id = NULL WHERE id = ?", (sent[0].id,))
    counts = outgoing_records.counts(db, 2026)
    assert counts == {
        "件": 1,
        "作废": 0,
        "密件": 1,
        "印制份": 5,
        "发出份": 3,
        "回执已回": 0,
        "回执未回": 2,
    }


def test_the_dispatch_prints_a_reply_per_recipient_scanned_back(
    office, clock, tmp_path: Path
) -> None:
    custodian, _, _, units = office
    db = custodian.db
    out = outgoing.register(custodian, _paper(units))
    outgoing.send(custodian, out.id)
    before = audit.count(db)
    output = print_dispatch(custodian, out.id)
    assert audit.count(db) == before  # nothing recorded until the paper exists
    pdf = tmp_path / "dispatch.pdf"
    pdf.write_bytes(output.pdf)
    text = text_of(pdf)
    for expected in (
        "文件分发单",
        "区委办发〔2026〕1号",
        "秘密★10年",
        "刘书记",
        "存档份：000004-000005",
        "城关镇",
        "000001-000002",
        "分2026-0001",
        "收件单位（盖章）",
        "没有回执，就是没报",
    ):
        assert expected in text, expected
    assert unembedded_fonts(pdf) == []
    pages = rasterise(pdf, dpi=150)
    assert len(pages) == 3  # the sheet, then one 回执 per recipient
    SHOTS.mkdir(exist_ok=True)
    shutil.copyfile(pages[1], SHOTS / "outgoing-reply.png")
    codes = [zxingcpp.read_barcodes(Image.open(p)) for p in pages[1:]]
    scanned = [found[0].text for found in codes]
    assert all(code.startswith("MJH") for code in scanned)
    output.delivered(PRINTER)
    assert _kinds(db, 1) == ["打印发文回执"]
    # The town's 回执 comes back, scanned: its line closes, once.
    clock.advance(days=2)
    line = reply_by_scan(custodian, scanned[0], "赵镇长")
    assert (line.unit, line.state, line.reply_signer, line.reply_how) == (
        "城关镇",
        "回执已回",
        "赵镇长",
        "扫描",
    )
    assert _kinds(db, 1) == ["收回回执"]
    with pytest.raises(InvalidInput, match="回执已于"):
        reply_by_scan(custodian, scanned[0])
    # A copied or damaged code is refused and recorded.
    flipped = scanned[1][:-1] + ("A" if scanned[1][-1] != "A" else "B")
    with pytest.raises(InvalidInput, match="无法验证"):
        read_reply(custodian, flipped)
    assert _kinds(db, 1) == ["扫描被拒"]
    # A 分发签收单's code (MJF) is not a 回执, and is said to be what it is.
    with pytest.raises(InvalidInput, match="这是分发签收单的二维码，不是回执"):
        read_reply(custodian, "MJF1-AAAAAAAAAAAAAAAA")
    assert [r.id for r in outgoing_records.missing_replies(db)] == [
        outgoing_records.recipients(db, out.id)[1].id
    ]


def test_missing_replies_are_chased_only_once_printed(office, clock, tmp_path: Path) -> None:
    custodian, _, _, units = office
    db = custodian.db
    out = outgoing.register(custodian, _paper(units))
    outgoing.send(custodian, out.id)
    clock.advance(days=5)
    late = outgoing_records.missing_replies(db, clock.now() - timedelta(days=3))
    assert [r.unit for r in late] == ["城关镇", "区财政局"]
    assert outgoing_records.missing_replies(db, clock.now() - timedelta(days=6)) == []
    output = print_reply_chase(custodian)
    pdf = tmp_path / "chase.pdf"
    pdf.write_bytes(output.pdf)
    text = text_of(pdf)
    assert "催收回执" in text and "城关镇（主送）" in text and "区财政局（抄送）" in text
    assert "共 1 件、2 个单位、3 份未回执" in text
    assert db.scalar("SELECT count(*) FROM outgoing_reply_chase") == 0  # not yet on paper
    output.delivered(str(pdf))
    assert db.scalar("SELECT count(*) FROM outgoing_reply_chase") == 2
    assert _kinds(db, 2) == ["催收回执", "催收回执"]
    assert [r.chases for r in outgoing_records.missing_replies(db)] == [1, 1]
    again = tmp_path / "again.pdf"
    again.write_bytes(print_reply_chase(custodian).pdf)
    assert "1 次" in text_of(again)
    with pytest.raises(Exception, match="append-only"):
        db.execute("DELETE FROM outgoing_reply_chase")


def test_recalled_like_a_received_copy_and_destroyed_once_receipted(office, clock) -> None:
    custodian, _, _, units = office
    db = custodian.db
    out = outgoing.register(custodian, _paper(units))
    sent = outgoing.send(custodian, out.id)
    copy_ids = [
        int(r[0])
        for r in db.query(
            "SELECT id FROM copy WHERE document_id = ? ORDER BY copy_no", (out.document_id,)
        )
    ]
    # The same 清退催收单 lists what each recipient still holds of the office's own document.
    sheets = chase_sheets(custodian, 2026, date(2027, 5, 1))
    assert {s.unit: [r.copy_ranges for r in s.rows] for s in sheets} == {
        "城关镇": ["000001-000002"],
        "区财政局": ["000003"],
    }
    assert sheets[0].rows[0].doc_number == "区委办发〔2026〕1号"
    # Back by scan at the 分发 page, like any distributed copy.
    clock.set(datetime(2027, 5, 20, 10, 0, tzinfo=BEIJING))
    distribution.take_back_receipt(custodian, sent[0].receipt_id or 0)
    assert scanning.copy_ref(db, copy_ids[0]).state == "在柜"
    batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2027, 5, 21))
    # The receipt is closed, but the 回执 never came back: not destroyed yet.
    with pytest.raises(InvalidInput, match="回执尚未退回"):
        destruction.add(custodian, batch.id, copy_ids[:1])
    with pytest.raises(Exception, match="回执 has not come back"):
        db.execute(
            "INSERT INTO destruction_item (batch_id, copy_id, added_at) VALUES (?, ?, 'x')",
            (batch.id, copy_ids[0]),
        )
    outgoing.reply(custodian, sent[0].id, "赵镇长")
    assert destruction.add(custodian, batch.id, copy_ids[:2]) == 2
    # The 存档份 goes the same way.
    assert destruction.add(custodian, batch.id, copy_ids[3:4]) == 1


def test_a_reply_before_sending_and_by_another_role_is_refused(office, login) -> None:
    custodian, _, _, units = office
    out = outgoing.register(custodian, _paper(units))
    line = outgoing_records.recipients(custodian.db, out.id)[0]
    with pytest.raises(InvalidInput, match="尚未发给"):
        outgoing.reply(custodian, line.id)
    with pytest.raises(Exception, match="fixed"):
        custodian.db.execute(
            "UPDATE outgoing_recipient SET replied_at = 'x' WHERE id = ?", (line.id,)
        )
    with pytest.raises(PermissionDenied):
        outgoing.reply(login("baomi"), line.id)
    # A recipient's copies leave only on a receipt made out to that recipient.
    other = outgoing.register(custodian, _paper(units))
    sent = outgoing.send(custodian, other.id)
    town_receipt = next(r.receipt_id for r in sent if r.unit == "城关镇")
    finance_line = next(
        r for r in outgoing_records.recipients(custodian.db, out.id) if r.unit != "城关镇"
    )
    with pytest.raises(Exception, match="receipt of its own unit"):
        custodian.db.execute(
            "UPDATE outgoing_recipient SET receipt_id = ? WHERE id = ?",
            (town_receipt, finance_line.id),
        )
    assert [o.label for o in outgoing_records.book(login("baomi"), 2026)] == [
        "区委办发〔2026〕1号",
        "区委办发〔2026〕2号",
    ]
    with pytest.raises(PermissionDenied):
        outgoing_records.book(login("shenji"), 2026)


def test_notes_are_audited(office) -> None:
    custodian, _, _, units = office
    out = outgoing.register(custodian, _paper(units))
    assert outgoing.set_notes(custodian, out.id, "已报市委办备案").notes == "已报市委办备案"
    event = audit.page(custodian.db, None, 1)[0]
    assert (event.action, event.object) == ("发文办理", f"outgoing:{out.id}")
    assert event.details["doc_number"] == "区委办发〔2026〕1号"
    from app.audit_words import object_label

    assert object_label(event.object) == f"发文 第{out.id}号"


def test_a_fawen_keeps_its_copies_in_a_series_of_its_own(office, tmp_path: Path) -> None:
    """A 发文's copies are numbered F2026-0001, F2026-0002 … (发文 series), not with a 收文编号:
    the 收文编号 goes on with no gap, the printed 收文登记簿 and the 自查 收文 line hold received
    documents only, and a scan or a search reads the F number (F or 发, as printed or typed)."""
    custodian, officer, _, units = office
    db = custodian.db
    first = outgoing.register(custodian, _paper(units))
    second = outgoing.register(custodian, _paper(units, code="区委发"))
    assert (first.registration, second.registration) == ("F2026-0001", "F2026-0002")
    received = registry.register(custodian, doc(doc_number="市〔2026〕88号", copy_numbers="1"))
    assert received.document.number == "2026-0005"  # the counter's four, then this one
    for code in ("F2026-0001/000003", "f2026-1/3", "发2026-0001/000003", " F2026-0001 / 3"):
        copy = scanning.resolve(db, code).copy
        assert copy is not None and (copy.number, copy.copy_no) == ("F2026-0001", "000003"), code
        assert copy.label.startswith("F2026-0001 第000003份"), copy.label
    secret, room_id = slips.room_secret(db)
    reply = receipt_code.encode(secret, room_id, 1, receipt_code.REPLY_PREFIX)
    with pytest.raises(InvalidInput, match="发文回执的二维码：请到“发文”页"):
        scanning.resolve(db, reply)  # at the desk: it says where a 回执 goes
    with pytest.raises(InvalidInput, match="F2026-0001 有多份"):
        scanning.resolve(db, "F2026-0001")
    with pytest.raises(InvalidInput, match="没有 F2026-0009 第000001份"):
        scanning.resolve(db, "F2026-0009/1")
    assert [r.number for r in register_query.page(db, RegisterFilter(search="F2026-0002"))] == [
        "F2026-0002"
    ]
    # The register filters by series; on screen a year's 发文 follow its 收文, each in order.
    counts = {
        series: register_query.count(db, RegisterFilter(year=2026, series=series))
        for series in ("收文", "发文", None)
    }
    assert counts == {"收文": 5, "发文": 2, None: 7}
    oldest = register_query.page(db, RegisterFilter(year=2026), newest_first=False)
    assert [r.number for r in oldest][-3:] == ["2026-0005", "F2026-0001", "F2026-0002"]
    newest = register_query.page(db, RegisterFilter(year=2026))
    assert [r.number for r in newest][:3] == ["F2026-0002", "F2026-0001", "2026-0005"]
    # A 批示 on a 发文 is found by its F number as by a 收文编号.
    instructions.add(custodian, first.document_id, "李书记", "请各单位抓好落实")
    for typed in ("F2026-0001", "发2026-1"):
        found = instruction_records.search(db, text=typed)
        assert [i.text for i in found] == ["请各单位抓好落实"], typed
    assert instruction_records.search(db, text="2026-0001") == []
    (tmp_path / "book.pdf").write_bytes(catalog.render(custodian, "register", 2026))
    book = text_of(tmp_path / "book.pdf")
    assert "2026-0005" in book and "F2026" not in book and "区委办发" not in book
    lines = {(line.item, line.unit): line for line in figures(officer, 2026).lines}
    assert lines[("收文", "件")].year == 5
