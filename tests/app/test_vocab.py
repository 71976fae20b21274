"""One vocabulary (issue 14): 密级, copy state and 涉密等级 are defined once, in app.vocab.

The live schema's CHECK constraints must list exactly the enums' values (a migration that widens
a state, as 0012 did with 分发在外, must widen the enum too), and no other module writes those
words into SQL by hand.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from app.session import Session
from app.vocab import (
    CLASSIFIED,
    CLEARANCE_MAX_LEVEL,
    CLEARANCE_RANK,
    LEVEL_RANK,
    LEVELS,
    Clearance,
    CopyState,
    Level,
    may_hold,
    sql_in,
    sql_value,
)

ROOT = Path(__file__).resolve().parents[2]
CHECK_IN = re.compile(r"CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)", re.IGNORECASE)


def _checks(session: Session) -> dict[tuple[str, str], list[str]]:
    """(table, column) → the values its `CHECK (column IN (...))` allows, from sqlite_master."""
    found: dict[tuple[str, str], list[str]] = {}
    for row in session.db.query("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
        for column, values in CHECK_IN.findall(row["sql"] or ""):
            found[(row["name"], column)] = re.findall(r"'([^']*)'", values)
    return found


def test_the_live_schema_allows_exactly_the_enums_values(login: Callable[..., Session]) -> None:
    checks = _checks(login("jiyao"))
    assert sorted(checks[("copy", "state")]) == sorted(CopyState)
    assert sorted(checks[("document", "level")]) == sorted(Level)
    assert sorted(checks[("reader", "clearance")]) == sorted(Clearance)
    # Any other table that checks a column of these names checks the same words.
    for (table, column), values in checks.items():
        if column == "level":
            assert sorted(values) == sorted(Level), table
        if column == "clearance":
            assert sorted(values) == sorted(Clearance), table


def test_the_trigger_kept_counts_have_a_row_for_every_level_and_state(
    login: Callable[..., Session],
) -> None:
    """copy_count is seeded per (密级, state) by the migrations; a state added to the enum
    without its count rows would make the day-close counts silently miss it."""
    db = login("jiyao").db
    pairs = {(r["level"], r["state"]) for r in db.query("SELECT level, state FROM copy_count")}
    assert pairs == {(level, state) for level in Level for state in CopyState}


def test_ranks_and_sql_fragments() -> None:
    assert LEVELS == ("绝密", "机密", "秘密", "非密")
    assert CLASSIFIED == ("绝密", "机密", "秘密")
    assert sql_in(Level.classified()) == "('绝密', '机密', '秘密')"
    assert sql_in(CopyState.in_room()) == "('在柜', '留用')"
    assert sql_value(CopyState.LENT) == "'借出'"
    assert [LEVEL_RANK[level] for level in LEVELS] == [3, 2, 1, 0]
    assert [CLEARANCE_RANK[c] for c in Clearance] == [3, 2, 1, 0]
    # Each clearance holds its own level and nothing above it.
    for clearance in Clearance:
        top = CLEARANCE_MAX_LEVEL[clearance]
        assert clearance.max_level is top
        assert [may_hold(clearance, level) for level in LEVELS] == [
            LEVEL_RANK[level] <= LEVEL_RANK[top] for level in LEVELS
        ]
    assert not may_hold("一般", "机密") and may_hold("重要", "机密")
    assert Clearance.CORE.label == "核心涉密人员" and Clearance.NONE.label == "非涉密人员"


# Quoted words inside a string of some module that are not the vocabulary, with the reason.
# Key: (module, word); each must still occur there (a stale entry fails the test).
ALLOWED = {
    ("app/reconcile.py", "借出"): "the audit action 借出 (audit_event.action), not a copy state",
    ("app/reconcile_records.py", "借出"): "the audit action 借出, not a copy state",
}
WORDS = {m.value for vocab in (Level, CopyState, Clearance) for m in vocab}
QUOTED = re.compile("'(" + "|".join(sorted(WORDS)) + ")'")


def _quoted_words(path: Path) -> list[tuple[int, str]]:
    """Each 'word' of the vocabulary quoted inside a string literal (SQL's quotes) of a module,
    including the literal parts of f-strings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, word)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        for word in QUOTED.findall(node.value)
    ]


@pytest.mark.parametrize("top", ["app", "ui"])
def test_no_module_writes_the_vocabulary_into_sql_by_hand(top: str) -> None:
    modules = sorted((ROOT / top).rglob("*.py"))
    assert len(modules) > 20, f"{top}/ not found where expected"
    found, used = [], set()
    for path in modules:
        name = path.relative_to(ROOT).as_posix()
        if name == "app/vocab.py":
            continue
        for line, word in _quoted_words(path):
            if (name, word) in ALLOWED:
                used.add((name, word))
            else:
                found.append(f"{name}:{line}: '{word}'")
    assert found == [], "derive it from app.vocab (sql_in / sql_value):\n" + "\n".join(found)
    stale = {key for key in ALLOWED if key[0].startswith(top + "/")} - used
    assert not stale, f"allowed words no longer there: {stale}"


def test_the_scan_sees_a_quoted_state_in_sql(tmp_path: Path) -> None:
    """The scan itself: a hand-written state in SQL, also inside an f-string, is found."""
    module = tmp_path / "m.py"
    module.write_text(
        "A = \"SELECT 1 FROM copy WHERE state = '在柜'\"\n"
        "B = f\"SELECT {1} FROM document WHERE level IN ('绝密', '机密')\"\n"
        'C = "在柜"\n',
        encoding="utf-8",
    )
    assert _quoted_words(module) == [(1, "在柜"), (2, "绝密"), (2, "机密")]
