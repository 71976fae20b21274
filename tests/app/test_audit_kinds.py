"""Every kind of audit event the program writes has its place on the auditor's page: a group to
filter by (an unlisted kind would sit in 其他, where nobody looks for it)."""

from __future__ import annotations

import re
from pathlib import Path

from app.audit_words import OTHER_GROUP, group_of

ROOT = Path(__file__).resolve().parents[2]
# audit.record(db, clock, actor, "ACTION", …): the action is the fourth argument.
# Unambiguous (each repetition starts at a bracket), so the scan is linear: the earlier
# `[^,()]+(?:\(…\))?[^,()]*` backtracked for 50 s over app/.
_ARG = r"[^,()]*(?:\([^()]*\)[^,()]*)*"
_RECORD = re.compile(rf"audit\.record\(\s*{_ARG},\s*{_ARG},\s*{_ARG},\s*\"([^\"]+)\"")


def written_actions() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((ROOT / "app").rglob("*.py")):
        for match in _RECORD.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1), path.name)
    return found


def test_every_written_kind_has_a_group() -> None:
    actions = written_actions()
    assert len(actions) >= 40  # the scan itself still finds the program's events
    ungrouped = {a: where for a, where in actions.items() if group_of(a) == OTHER_GROUP}
    assert ungrouped == {}


_OBJECT = re.compile(r"audit\.record\([^)]*?f?\"([a-z-]+):")


def test_every_object_kind_written_reads_in_chinese() -> None:
    """Found at the window: the 审计 page and the 审计报告 showed `receipt:…`, `unit:1`,
    `报表 day-close`, `route:…`. Every object prefix the program writes has a Chinese name,
    and every report kind its title."""
    from app.audit_words import OBJECT_KINDS, object_label
    from app.reports.kinds import TITLES

    prefixes = set()
    for path in sorted((ROOT / "app").rglob("*.py")):
        prefixes.update(_OBJECT.findall(path.read_text(encoding="utf-8")))
    assert {"copy", "receipt", "unit", "route"} <= prefixes
    assert sorted(prefixes - set(OBJECT_KINDS)) == []
    for kind, title in TITLES.items():
        assert object_label(f"report:{kind}") == f"报表 {title}"
    assert object_label("unit:1") == "单位 第1号"
