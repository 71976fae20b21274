"""The filing sheets: the 归档移交清单 (what goes to the archive, by 卷号) and the year's 去向核查
(every copy that has reached no end)."""

from __future__ import annotations

from collections.abc import Sequence

from app.filing import Filed, Unended
from app.reports.sheets import Sheet

FILING_HEADERS = (
    "卷号",
    "登记编号",
    "文号",
    "标题",
    "密级",
    "份号",
    "份数",
    "页数",
    "保管期限",
    "归卷日期",
)
FILING_WIDTHS_MM = (24, 20, 34, 82, 24, 30, 12, 12, 16, 20)
ENDS_HEADERS = ("登记编号", "份号", "标题", "密级", "状态", "所在/待办")
ENDS_WIDTHS_MM = (22, 16, 110, 28, 18, 70)
SIGNATURES = (
    "移交人（机要员）签字：＿＿＿＿＿＿　　接收人（档案室）签字：＿＿＿＿＿＿"
    "　　移交日期：＿＿＿＿年＿＿月＿＿日"
)


def filing_list(items: Sequence[Filed], year: int) -> Sheet:
    rows: list[tuple[object, ...]] = [
        (
            f.volume_no,
            f.number,
            f.doc_number,
            f.title,
            f.level_label,
            f.copies,
            f.count,
            f.pages,
            f.retention,
            f.filed_on,
        )
        for f in items
    ]
    return Sheet(f"归档移交清单（{year}年）", FILING_HEADERS, rows)


def ends_check(items: Sequence[Unended], year: int) -> Sheet:
    rows: list[tuple[object, ...]] = [
        (u.number, u.copy_no, u.title, u.level_label, u.state, u.where) for u in items
    ]
    return Sheet(f"去向核查（{year}年，尚未清退、销毁、归档或解密的份）", ENDS_HEADERS, rows)
