"""The printed 收文登记簿: real PDF, rasterised, its text read back, its font embedded."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from app import audit, registry
from app.errors import InvalidInput, PermissionDenied
from app.output import deliver_file
from app.reports.catalog import output, render
from app.session import Session
from tests.app.test_registry import doc
from tests.pdf_tools import fonts_of, rasterise, text_of

SHOTS = Path(__file__).resolve().parents[2] / "shots"


def test_register_pdf_reads_like_the_paper_one(
    login: Callable[..., Session], clock, tmp_path: Path
) -> None:
    custodian = login("jiyao")
    for i in range(45):
        clock.advance(minutes=30)
        registry.register(
            custodian,
            doc(
                doc_number=f"E〔2026〕{i + 1}号",
                copy_numbers=f"{i * 3 + 1}-{i * 3 + 3}",
                title=f"关于第{i + 1}批保密检查整改情况的报告",
            ),
        )
    voided = registry.register(
        custodian, doc(doc_number="E〔2026〕99号", copy_numbers="900", title="误登的一件")
    ).document
    registry.void(custodian, voided.id, "重复登记")
    pdf = tmp_path / "register.pdf"
    report = output(custodian, "register", 2026)
    deliver_file(pdf, report.pdf, report.delivered, replace=False)
    text = text_of(pdf)
    assert "收文登记簿" in text and "共 46 件" in text
    for column in (
        "收文编号",
        "收文日期",
        "来文单位",
        "文号",
        "标题",
        "密级",
        "份数/份号",
        "承办单位",
        "签收人",
        "办理情况",
        "归卷日期",
        "备注",
    ):
        assert column in text
    assert "2026-0001" in text and "关于第1批保密检查整改情况的报告" in text
    assert "E〔2026〕45号" in text and "3份 000133-000135" in text
    assert "已作废" in text
    assert "第 1 页" in text and "共 3 页" in text  # 承办单位, 签收人 and 归卷日期 make rows taller
    fonts = fonts_of(pdf)
    assert "UMing" in fonts and " yes yes " in fonts  # embedded and subset
    pages = rasterise(pdf)
    assert len(pages) == 3
    image = Image.open(pages[0]).convert("L")
    dark = sum(image.histogram()[:128])

    assert dark > 20_000  # a page of ruled lines and text, not a blank sheet
    SHOTS.mkdir(exist_ok=True)
    shutil.copyfile(pages[0], SHOTS / "register-pdf-page1.png")
    assert audit.page(custodian.db, None, 1)[0].action == "输出报表"


def test_report_refusals(login: Callable[..., Session]) -> None:
    with pytest.raises(PermissionDenied):
        render(login("xitong"), "register", 2026)
    with pytest.raises(InvalidInput, match="没有名为"):
        render(login("jiyao"), "nothing", 2026)
