"""复制审批登记 (the year's approved copyings) as a sheet: printed and exported like the others."""

from __future__ import annotations

from collections.abc import Sequence

from app.copying import CopyApproval
from app.reports.sheets import Sheet

HEADERS = (
    "登记号",
    "日期",
    "收文编号",
    "标题",
    "密级",
    "原份号",
    "份数",
    "复制件份号",
    "理由",
    "批准人",
    "经办人",
)
WIDTHS_MM = (16, 20, 20, 60, 12, 26, 10, 36, 40, 16, 16)


def copying_register(items: Sequence[CopyApproval], year: int) -> Sheet:
    rows: list[tuple[object, ...]] = [
        (
            a.number,
            f"{a.at:%Y-%m-%d}",
            a.document_number,
            a.title,
            a.level,
            a.source.split("第")[-1].removesuffix("份"),
            a.count,
            "、".join(a.copy_nos),
            a.reason,
            a.approved_by,
            a.recorded_by,
        )
        for a in items
    ]
    return Sheet(f"复制审批登记（{year}年）", HEADERS, rows)
