"""The recall and destruction forms and the year-end reports: real PDFs, rasterised and read; the
figures compared with a direct count from the database; plaintext exports."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from app import destruction, recall
from app.model import Credential
from app.reports import catalog, sheets
from app.reports.destruction_pdf import People, render_register
from app.reports.export import export
from app.reports.recall_pdf import render_recall_lists
from app.reports.tables import Cancelled
from tests.app.test_recall import OFFICER, campaign_room, ids  # noqa: F401
from tests.conftest import PASSWORD
from tests.pdf_tools import rasterise, text_of, unembedded_fonts

SHOTS = Path(__file__).resolve().parents[2] / "shots"
PRINTED = datetime(2026, 11, 20, 18, 0)


@pytest.fixture
def year_done(campaign_room):  # noqa: F811
    """2026's campaign: the province's copies returned, one central copy kept, the rest of the
    central and city copies destroyed in two sealed batches."""
    custodian, n = campaign_room
    province = ids(custodian, n["province"]) + ids(custodian, n["province2"])
    recall.record_return(custodian, 2026, province, date(2026, 11, 20), "省委机要局 陈明", "R-31")
    central = ids(custodian, n["central"])
    recall.retain(custodian, 2026, central[:1], "年度总结仍需参阅", OFFICER)
    batches = []
    for part in (central[1:], ids(custodian, n["city"])):
        batch = destruction.create(custodian, "碎纸机粉碎", "机要室", date(2026, 11, 20))
        destruction.add(custodian, batch.id, part)
        destruction.approve(custodian, batch.id, OFFICER)
        destruction.seal(custodian, batch.id, (OFFICER, Credential("zhuren", PASSWORD)))
        batches.append(batch.id)
    return custodian, n, batches


def test_the_recall_list_is_printed_twice_per_issuer(year_done, tmp_path: Path) -> None:
    custodian, n, _ = year_done
    pdf = tmp_path / "recall.pdf"
    pdf.write_bytes(catalog.render(custodian, "recall", 2026))
    text = text_of(pdf)
    assert not unembedded_fonts(pdf)
    for issuer in ("中共中央办公厅", "省委办公厅", "市委办公室"):
        assert text.count(f"接收单位：{issuer}") == 2
    assert text.count("第一联") == 3 and text.count("第二联") == 3
    # The province's list: by 文号 in number order, 份号 as a range, the counts by 密级.
    assert text.index("省委办发〔2026〕3号") < text.index("省委办发〔2026〕12号")
    assert "000001-000003" in text
    assert "清退合计 6 份（绝密 0 份 机密 6 份 秘密 0 份）" in re.sub(r"\s+", " ", text)
    assert "留用：年度总结" in text
    assert "主管领导（签字）" in text and "交退单位（盖章）" in text
    assert "区委发〔2026〕1号" not in text  # 区本级 is not recalled
    pages = rasterise(pdf)
    assert len(pages) == 6
    seen: list[tuple[int, int]] = []
    render_recall_lists(
        recall.rows(custodian.db, 2026),
        2026,
        "单位",
        PRINTED,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert {t for _, t in seen} == {2 * 5}  # 5 lines (a document and an outcome), in duplicate
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (10, 10)
    SHOTS.mkdir(exist_ok=True)
    shutil.copyfile(pages[2], SHOTS / "recall-list-page3.png")


def test_the_destruction_forms_name_everyone(year_done, tmp_path: Path) -> None:
    custodian, n, batches = year_done
    pdf = tmp_path / "batch.pdf"
    pdf.write_bytes(catalog.batch_form(custodian, batches[0], "register").pdf)
    text = text_of(pdf)
    assert not unembedded_fonts(pdf)
    assert "涉密载体销毁登记表" in text and "已监销封存" in text
    assert f"{n['central']}" in text and "000002" in text and "000003" in text
    assert (
        "000001" not in text.split("按密级合计")[0].split("页数")[-1]
    )  # the kept copy is not here
    for name in ("李晓梅", "王建国", "赵立新"):  # builder, approver and a witness
        assert name in text
    assert "碎纸机粉碎" in text and "机要室" in text
    page = rasterise(pdf)[0]
    assert sum(Image.open(page).convert("L").histogram()[:128]) > 8_000  # not a blank sheet
    shutil.copyfile(page, SHOTS / "destruction-register.png")

    handover = tmp_path / "handover.pdf"
    handover.write_bytes(catalog.batch_form(custodian, batches[1], "handover").pdf)
    text = text_of(handover)
    assert "涉密载体销毁移交单" in text and "接收人（签字）" in text
    assert "合计" in text and "秘密" in text
    shutil.copyfile(rasterise(handover)[0], SHOTS / "destruction-handover.png")


def test_the_years_figures_equal_a_direct_count(year_done, tmp_path: Path) -> None:
    custodian, n, _ = year_done
    db = custodian.db
    s = sheets.stats(db, 2026, "2026-11-20T18:00:00+08:00")
    assert sum(s.received.values()) == db.scalar(
        "SELECT count(*) FROM copy c JOIN document d ON d.id = c.document_id WHERE d.year = 2026"
    )
    for outcome, state_sql in (
        ("已清退", "c.state = '已清退'"),
        ("已销毁", "c.state = '已销毁'"),
        ("留用", "EXISTS (SELECT 1 FROM recall_retention r WHERE r.copy_id = c.id)"),
    ):
        for level in ("机密", "秘密"):
            direct = db.scalar(
                "SELECT count(*) FROM copy c JOIN document d ON d.id = c.document_id"
                f" WHERE d.year = 2026 AND d.level = ? AND {state_sql}",
                (level,),
            )
            assert s.recall.get((outcome, level), 0) == direct, (outcome, level)
    assert sum(s.destroyed.values()) == db.scalar(
        "SELECT count(*) FROM copy WHERE state = '已销毁'"
    )
    assert s.destroyed[("市", "秘密")] == 3 and s.destroyed[("中央", "机密")] == 2

    pdf = tmp_path / "stats.pdf"
    pdf.write_bytes(catalog.render(custodian, "stats", 2026))
    text = text_of(pdf)
    assert "2026 年度机要工作统计" in text and "违规过夜" in text
    destroyed_sheet = sheets.destroyed(db, 2026)
    assert len(destroyed_sheet.rows) == 5
    for kind in ("register", "handovers", "instructions", "destruction", "review"):
        out = tmp_path / f"{kind}.pdf"
        out.write_bytes(catalog.render(custodian, kind, 2026))
        assert text_of(out).strip() and not unembedded_fonts(out)


def test_exports_are_plaintext_files_made_in_memory(year_done, tmp_path: Path) -> None:
    custodian, n, _ = year_done
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    before = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    try:
        rows = export(custodian, "recall", 2026, tmp_path / "recall.xlsx")
        export(custodian, "recall", 2026, tmp_path / "recall.csv")
    finally:
        tempfile.tempdir = before
    assert list(scratch.iterdir()) == []  # openpyxl left nothing behind
    assert rows == 12
    sheet = openpyxl.load_workbook(tmp_path / "recall.xlsx").active
    assert [c.value for c in sheet[1]][:3] == ["来文单位", "文号", "收文编号"]
    assert sheet.max_row == 13
    csv_text = (tmp_path / "recall.csv").read_text(encoding="utf-8-sig")
    assert csv_text.count("\n") == 13 and "省委办发〔2026〕12号" in csv_text
    actions = [
        r[0]
        for r in custodian.db.query("SELECT details FROM audit_event WHERE action = '导出明文报表'")
    ]
    assert len(actions) == 2 and "recall.xlsx" in actions[0]


def test_a_long_register_is_laid_out_page_by_page_and_can_be_cancelled(
    year_done, tmp_path: Path
) -> None:
    custodian, n, batches = year_done
    batch = destruction.get(custodian.db, batches[0])
    one = next(destruction.items(custodian.db, batch.id))
    many = [
        destruction.BatchItem(
            i,
            f"2026-{i:04d}",
            one.doc_number,
            f"{one.title}（第{i}件）",
            one.level,
            one.source,
            f"{i:06d}",
            3,
            "在柜",
        )
        for i in range(1, 1201)
    ]
    seen: list[int] = []
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(
        render_register(
            batch, many, People("a", "b", ("c", "d")), "单位", PRINTED, lambda d, t: seen.append(d)
        )
    )
    text = text_of(pdf)
    assert "（第1件）" in text and "（第1200件）" in text and "共 1200 份" in text
    assert seen == sorted(seen) and seen[-1] == 1200 and len(seen) > 20
    assert text.count("登记编号") >= 20  # the header repeats on every page

    def stop(done: int, total: int) -> None:
        if done > 300:
            raise Cancelled()

    with pytest.raises(Cancelled):
        render_register(batch, many, People("a", "b", ()), "单位", PRINTED, stop)
