"""The reports by name, without the reports: what the command line offers and the catalogue
(app/reports/catalog.py) makes. Kept apart so that parsing a command imports no report module
(tests/app/test_cli.py checks the two agree)."""

from __future__ import annotations

TITLES: dict[str, str] = {
    "register": "收文登记簿",
    "handovers": "借阅登记",
    "instructions": "批示件台账",
    "recall": "清退清单",
    "destruction": "销毁情况",
    "stats": "年度统计",
    "review": "保密期限届满审查清单",
    "distribution": "分发登记",
    "day-close": "日终清点表",
    "outgoing": "发文登记簿",
    "replies": "回执催收",
    "returned": "退文登记",
    "filing": "归档移交清单",
    "ends": "去向核查",
    "copying": "复制审批登记",
    "selfcheck": "保密自查自评统计",
}
