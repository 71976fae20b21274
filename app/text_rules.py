"""Rules for every free text a person types: no invisible control characters, a length per field.

Why: a NUL or a right-to-left override (U+202E) in a title is invisible on screen, reaches the
terminal and the CSV raw, and can make a printed line read differently from what is stored; a
1 MB title was accepted and then broke the year's 收文登记簿 (reportlab LayoutError). Every
use case in app/ passes what was typed through `clean` before it writes anything, so no stored
value can break a report. The limits are generous for real paper (the longest titles in the seeds
are under 80 characters) and small enough that one cell of a printed register never overflows a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import InvalidInput


@dataclass(frozen=True)
class Rule:
    label: str  # the field's name in the message, as the form shows it
    limit: int  # most characters (code points) after stripping surrounding blanks


# The one table of limits. Keys are the names the use cases pass to `clean`.
RULES: dict[str, Rule] = {
    # 收文登记 (registry, ledger import)
    "title": Rule("标题", 200),
    "issuer": Rule("来文单位", 60),
    "doc_number": Rule("文号", 50),
    "attachments": Rule("附件", 200),
    "cabinet": Rule("保密柜", 30),
    "remarks": Rule("备注", 120),  # the register's narrowest column: 150 fits a page, 200 does not
    "proposal": Rule("拟办意见", 300),
    "status_note": Rule("办理情况", 200),
    "void_reason": Rule("作废原因", 200),
    # readers and groups (people)
    "reader_name": Rule("读者姓名", 20),
    "reader_unit": Rule("读者单位", 60),
    "position": Rule("职务", 30),
    "phone": Rule("电话", 30),
    "badge_code": Rule("证件码", 20),
    "group_name": Rule("分组名称", 30),
    # 领导批示 (instructions)
    "leader": Rule("批示领导", 20),
    "instruction": Rule("批示内容", 500),
    "handler_unit": Rule("承办单位", 60),
    "handler": Rule("承办人", 20),
    "chase_whom": Rule("催办对象", 30),
    "chase_note": Rule("催办说明", 200),
    "progress_note": Rule("办理说明", 200),
    "extension_reason": Rule("延期理由", 200),
    "approver": Rule("批准领导", 20),
    "feedback": Rule("反馈", 300),  # 批示件台账: 300 fits a page in its 26 mm column, 500 does not
    # the desk (overrides and returns)
    "override_reason": Rule("例外理由", 200),
    "override_head": Rule("批准负责人", 20),
    "override_reference": Rule("批准文号", 50),
    "discrepancy": Rule("差异说明", 200),
    # 传阅 and the board (circulation, board)
    "route_name": Rule("路线名称", 30),
    "route_reason": Rule("调整理由", 200),
    "flag_reason": Rule("挂牌理由", 200),
    "done_result": Rule("办理结果", 300),
    "folder_name": Rule("文件夹名称", 20),
    # recall and destruction
    "receiver": Rule("接收人", 20),
    "receipt_no": Rule("回执编号", 50),
    "retain_reason": Rule("留用理由", 200),
    "place": Rule("销毁地点", 60),
    "cancel_reason": Rule("撤销原因", 200),
    # accounts
    "display_name": Rule("姓名", 20),
    # units (distribution)
    "unit_name": Rule("单位名称", 60),
    "unit_short_name": Rule("单位简称", 20),
    "unit_contact": Rule("联系人", 20),
    # 发文 and 退文 (outgoing, returned mail)
    "outgoing_code": Rule("发文代字", 20),
    "signed_by": Rule("签发人", 20),
    "reply_signer": Rule("回执签收人", 20),
    "returned_to": Rule("退回对象", 60),
    "return_note": Rule("指出的问题", 200),
    # 保管 (cabinets)
    "cabinet_location": Rule("存放位置", 60),
    "cabinet_keeper": Rule("保管人", 20),
}

# 份号 are not free text, but their printed ranges fill one cell of the register: 100 scattered
# copies of one document broke the 收文登记簿 (LayoutError); 40 ranges of the widest kind
# (`000001-000002, ...`) fit a page. A document with more scattered copies is registered in parts.
COPY_RANGES_LIMIT = 40

# C0 controls except tab, DEL, C1 controls; the bidirectional embeddings, overrides and isolates;
# the left-to-right and right-to-left marks (no use in Chinese office text, and invisible);
# the Unicode line and paragraph separators (they break a printed line where none is seen).
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)

# Badges are read by a keyboard-wedge scanner: only what it types the same under every layout.
_BADGE = re.compile(r"^[0-9A-Z-]*$")


def clean(field: str, value: str) -> str:
    """`value` without surrounding blanks, or InvalidInput naming the field and what is wrong."""
    rule = RULES[field]
    found = _FORBIDDEN.search(value)  # before strip(), which would quietly drop U+001C-U+001F
    if found is not None:
        raise InvalidInput(
            f"{rule.label}含有不可见的控制字符（U+{ord(found.group()):04X}），请删除后再保存。"
        )
    text = value.strip()
    if len(text) > rule.limit:
        raise InvalidInput(
            f"{rule.label}不能超过 {rule.limit} 个字（现有 {len(text)} 个），请删减后再保存。"
        )
    from app.reports.fonts import printable_code_points  # reportlab: loaded on first use

    printable = printable_code_points()
    for char in text:
        if ord(char) not in printable and char != "\t":
            raise InvalidInput(
                f"{rule.label}中的“{char}”（U+{ord(char):04X}）本机打印字库中没有，打印出来会是空白。"
                "请改用常用字或拆字写法（如“土吉”）后再保存。"
            )
    if field == "badge_code" and not _BADGE.match(text.upper()):
        raise InvalidInput("证件码只能由字母、数字和“-”组成（扫描枪按键盘输入）。")
    return text


def forbidden_code_points() -> list[int]:
    """Every code point `clean` refuses, for tests and the README."""
    return [c for c in range(0x3000) if _FORBIDDEN.match(chr(c))]
