"""发文登记簿, 回执催收 and 退文登记 from the 报表 catalogue and `mijian report`, in 件 and 份;
and the policy for a signer with no unit at 分发."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import audit, distribution, outgoing, outgoing_records, returned_mail
from app.distribution_print import sheet as receipt_sheet
from app.errors import PermissionDenied
from app.returned_mail import ReturnInput
from app.units import unit_of
from tests.app.test_outgoing import _paper, office  # noqa: F401
from tests.pdf_tools import text_of, unembedded_fonts


def test_the_three_reports_count_documents_and_copies(office, login, tmp_path: Path) -> None:  # noqa: F811
    from app.reports import catalog
    from tests.app.test_cli import mijian
    from tests.conftest import PASSWORD

    custodian, _, _, units = office
    first = outgoing.register(custodian, _paper(units))
    second = outgoing.register(custodian, _paper(units, printed=3, level="非密"))
    voided = outgoing.register(custodian, _paper(units))
    outgoing.void(custodian, voided.id, "重号")
    outgoing.send(custodian, first.id)
    outgoing.send(custodian, second.id)
    outgoing.reply(custodian, outgoing_records.recipients(custodian.db, first.id)[0].id, "赵镇长")
    returned_mail.record(custodian, ReturnInput("区住建局", "请示", "直送件", "区住建局"))

    book = catalog.sheet(custodian, "outgoing", 2026)
    assert book.title == "发文登记簿（2026年，共 2 件 8 份，作废 1 号）"
    assert [(r[0], r[1], r[11], r[12][:3]) for r in book.rows] == [
        ("区委办发〔2026〕1号", "F2026-0001", "1/2，待 1", ""),
        ("区委办发〔2026〕2号", "F2026-0002", "0/2，待 2", ""),
        ("区委办发〔2026〕3号", "F2026-0003", "—", "已作废"),
    ]
    assert book.rows[0][9] == "主送 城关镇 000001-000002；抄送 区财政局 000003"
    replies = catalog.sheet(custodian, "replies", 2026)
    assert replies.title == "回执催收（2026年发文，2 件 3 个单位 4 份未回执）"
    returned = catalog.sheet(custodian, "returned", 2026)
    assert returned.title == "退文登记（2026年，共 1 件：直送件 1）"
    with pytest.raises(PermissionDenied):
        catalog.sheet(login("shenji"), "outgoing", 2026)

    for kind, expected in (
        ("outgoing", "区委办发〔2026〕3号"),
        ("replies", "区财政局"),
        ("returned", "直送件"),
    ):
        out = tmp_path / f"{kind}.pdf"
        args = ("report", kind, "--db", str(custodian.paths.db), "--user", "jiyao")
        made = mijian(
            tmp_path,
            *args,
            "--password-stdin",
            "--year",
            "2026",
            "-o",
            str(out),
            stdin=PASSWORD + "\n",
        )
        assert made.returncode == 0, made.stderr
        text = text_of(out)
        assert catalog.REPORTS[kind].title in text and expected in text, kind
        assert not unembedded_fonts(out)


def test_a_signer_with_no_unit_signs_in_person_and_it_is_on_record(counter) -> None:
    """Policy: a signer who belongs to no unit (a lower unit's courier is rarely a registered
    member) may sign for the unit chosen; the receipt and its audit event say so. A member of
    another unit is still refused."""
    from app.units import UnitInput, add_unit

    custodian, _, readers, docs = counter
    town = add_unit(custodian, UnitInput("城关镇", "乡镇街道"))
    assert unit_of(custodian.db, readers["wang"].id) is None
    receipt = distribution.issue(
        custodian, town.id, readers["wang"].id, [docs["secret"].copies[0].id]
    )
    event = audit.page(custodian.db, None, 1)[0]
    assert event.action == "分发签收单"
    assert event.details["note"] == distribution.NO_UNIT_NOTE
    assert receipt_sheet(custodian.db, receipt.id).signer == "王芳（未登记所属单位，本人签字代签）"


def test_the_years_figures_count_outgoing_apart_from_received(office) -> None:  # noqa: F811
    from app.reports import sheets

    custodian, _, _, units = office
    outgoing.register(custodian, _paper(units))  # 5 秘密 copies
    returned_mail.record(custodian, ReturnInput("区住建局", "请示", "乱投件", "区住建局"))
    s = sheets.stats(custodian.db, 2026, "2026-11-20T18:00:00+08:00")
    assert s.received[(sheets.OWN_OUTGOING, "秘密")] == 5
    assert ("区本级", "秘密") not in s.received
    rows = {(r[0], r[1]): r for r in sheets.stats_sheet(s).rows}
    assert rows[("发文", "本机关印制")][-1] == 5 and rows[("退文", "件")][-1] == 1
