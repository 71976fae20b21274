"""Pinyin initials for finding a reader by typing `zjg` for 张建国.

pypinyin reads some surnames with their common-word sound; a name's first character is read
as a surname here (曾 zeng, 单 shan, 解 xie, 朴 piao …).
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

SURNAME_INITIALS = {
    "曾": "z",
    "单": "s",
    "解": "x",
    "朴": "p",
    "仇": "q",
    "区": "o",
    "查": "z",
    "盖": "g",
    "覃": "q",
    "尉": "y",
    "乐": "y",
    "种": "c",
    "繁": "p",
    "员": "y",
    "缪": "m",
    "翟": "z",
    "秘": "b",
    "召": "s",
    "任": "r",
    "那": "n",
    "葛": "g",
    "宁": "n",
    "牟": "m",
    "柏": "b",
}
COMPOUND_SURNAMES = {
    "欧阳": "oy",
    "司马": "sm",
    "诸葛": "zg",
    "上官": "sg",
    "尉迟": "yc",
    "长孙": "zs",
}


def initials(name: str) -> str:
    """Lower-case initials of a Chinese name; other characters are kept as lower-case letters."""
    name = name.strip()
    if not name:
        return ""
    for surname, code in COMPOUND_SURNAMES.items():
        if name.startswith(surname):
            return code + _plain(name[len(surname) :])
    first = SURNAME_INITIALS.get(name[0])
    if first is not None:
        return first + _plain(name[1:])
    return _plain(name)


def _plain(text: str) -> str:
    # Non-Chinese runs come back whole ("default"); split them into letters ourselves.
    letters: list[str] = []
    for part in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"):
        letters.extend(part)
    return "".join(p[:1].lower() for p in letters if p and p[:1].isalnum())


def plain_initials(text: str) -> str:
    """Initials of a word that is not a person's name (a unit: 区委办 is qwb, not owb)."""
    return _plain(text.strip())
