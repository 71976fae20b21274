"""Mutation score of the room's rule modules: does breaking a line make a test fail?

    python bench/mutation.py                       every mutant of the rule modules (the score)
    python bench/mutation.py --resume [--retrace tests/rules/test_x_edges.py,...]
                                                   the last run's survivors again, then the rest
    python bench/mutation.py --report-only         the report again from the last results
    python bench/mutation.py --hand                the issue's hand-made mutants, and more
    python bench/mutation.py --sample 6 [--seed 19] cosmic-ray itself on a seeded sample

The default mode (bench/mutation_full.py has the details) takes every mutant cosmic-ray's
operators find in app/<module>.py for each of MODULES (the selective set: an operator replaced by
its inverse, a comparison by its negation and boundary neighbour), plus our own mutants of the SQL
inside Python strings and of the module-level tables' words; it traces the Qt-free tests once to
learn which test runs which line, then runs each mutant, in a forked warm process, against the
tests that run its line (or use what its statement defines), fastest first, with -x. A mutant is
killed when a test fails, errors or times out. `--budget-tests` and `--cap` bound the tests one
mutant runs; `--until HH:MM` stops starting mutants (the rest are reported "not run"); `--resume`
keeps the killed of the last run. Everything runs at nice 15, in copies of the tree under
`--work`. Prints `name: value unit` lines (mutants, killed, equivalent, survived, score, raw score,
not run, per-mutant cost, times) and writes the report (per module, each survivor's file:line and
diff, each survivor judged equivalent with its reason: EQUIVALENT) to bench/mutation-report.txt.

--hand applies each mutant of HAND (file, original snippet, mutated snippet) and runs first the
tests that existed before tests/rules/ ("before"), then, if it survived, tests/rules/ too
("after"): the migrations' SQL (triggers, CHECKs, unique indexes) is mutated only here.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.mutation_full, run as a script
PYTHON = sys.executable
COSMIC_RAY = str(Path(sys.executable).parent / "cosmic-ray")
RULES = [
    "tests/rules/test_tables.py",
    "tests/rules/test_db_guards.py",
    "tests/rules/test_trail_rules.py",
    "tests/rules/test_edges_found_by_mutation.py",
]
MACHINE = "tests/rules/test_lifecycle.py"

# The tests that cover each module: the older ones, then tests/rules/.
TESTS: dict[str, tuple[list[str], list[str]]] = {
    "app/desk.py": (
        [
            "tests/rules/test_desk_mutants.py",
            "tests/app/test_desk.py",
            "tests/app/test_override.py",
        ],
        RULES + [MACHINE],
    ),
    "app/refusals.py": (
        ["tests/app/test_desk.py", "tests/app/test_override.py"],
        RULES + [MACHINE],
    ),
    "app/day_close.py": (
        ["tests/rules/test_day_close_mutants.py", "tests/app/test_desk.py"],
        RULES + [MACHINE],
    ),
    "app/vocab.py": (
        # test_vocab_mutants and test_vocab first: they read every word against the schema's
        # CHECKs, and test_desk alone is more tests than a mutant's cap.
        [
            "tests/rules/test_vocab_mutants.py",
            "tests/app/test_vocab.py",
            "tests/app/test_desk.py",
            "tests/app/test_override.py",
        ],
        RULES + [MACHINE],
    ),
    "app/classification.py": (
        ["tests/rules/test_audit_accounts_mutants.py", "tests/app/test_registry.py"],
        RULES,
    ),
    "app/audit.py": (
        ["tests/rules/test_audit_accounts_mutants.py", "tests/app/test_audit.py"],
        RULES,
    ),
    "app/qr_payload.py": (["tests/app/test_slips.py"], ["tests/rules/test_qr_payload.py"]),
    "app/slips.py": (["tests/app/test_slips.py"], ["tests/rules/test_trail_rules.py"]),
    "app/destruction.py": (
        ["tests/rules/test_destruction_mutants.py", "tests/app/test_recall.py"],
        RULES + [MACHINE],
    ),
    "app/recall.py": (["tests/rules/test_recall_mutants.py", "tests/app/test_recall.py"], RULES),
    "app/recall_records.py": (
        ["tests/rules/test_recall_mutants.py", "tests/app/test_recall.py"],
        RULES,
    ),
    "app/registry.py": (
        [
            "tests/rules/test_registry_mutants.py",
            "tests/app/test_registry.py",
            "tests/app/test_sign_clock.py",
        ],
        RULES,
    ),
    "app/registration_checks.py": (
        [
            "tests/rules/test_registry_mutants.py",
            "tests/rules/test_classification_edges.py",
            "tests/app/test_registry.py",
        ],
        RULES,
    ),
    "app/accounts.py": (
        [
            "tests/rules/test_accounts_mutants.py",
            "tests/rules/test_audit_accounts_mutants.py",
            "tests/app/test_accounts.py",
        ],
        RULES,
    ),
    "app/session.py": (
        [
            "tests/rules/test_audit_accounts_mutants.py",
            "tests/app/test_session.py",
            "tests/app/test_confirm.py",
        ],
        RULES,
    ),
    "app/confirm.py": (["tests/app/test_confirm.py", "tests/app/test_override.py"], RULES),
    "db/migrations/0003_desk.sql": (["tests/app/test_desk.py"], RULES + [MACHINE]),
    "db/migrations/0007_recall.sql": (["tests/app/test_recall.py"], RULES),
}

MODULES = [
    "desk",
    "refusals",
    "vocab",
    "day_close",
    "classification",
    "audit",
    "qr_payload",
    "slips",
    "destruction",
    "recall",
    "recall_records",
    "registry",
    "registration_checks",
    "accounts",
    "session",
    "confirm",
]

NOOP = "(lambda *a, **k: None)("


@dataclass(frozen=True)
class Hand:
    name: str
    file: str
    original: str
    mutated: str


# The mutants of issue 19 (first twelve groups) and a few more of the same kind.
HAND: list[Hand] = [
    Hand(
        "overnight rule not for 绝密 (desk due time)",
        "app/desk.py",
        "    if copy.level in CLASSIFIED:\n        return now.replace(",
        "    if copy.level in CLASSIFIED[1:]:\n        return now.replace(",
    ),
    Hand(
        "close-time refusal not for 绝密",
        "app/refusals.py",
        "    if copy.level in CLASSIFIED:\n        close",
        "    if copy.level in CLASSIFIED[1:]:\n        close",
    ),
    Hand(
        "day close ignores 绝密 out",
        "app/day_close.py",
        "r.copy.level in CLASSIFIED and not r.excepted",
        "r.copy.level in CLASSIFIED[1:] and not r.excepted",
    ),
    Hand(
        "overnight detection ignores 绝密",
        "app/day_close.py",
        "AND d.level IN {sql_in(CLASSIFIED)}",
        "AND d.level IN {sql_in(CLASSIFIED[1:])}",
    ),
    Hand(
        "绝密 ranked as 机密",
        "app/vocab.py",
        "    Level.TOP_SECRET: 3,\n}\nCLEARANCE_RANK",
        "    Level.TOP_SECRET: 2,\n}\nCLEARANCE_RANK",
    ),
    Hand(
        "clearance compared with <=",
        "app/vocab.py",
        "return CLEARANCE_RANK[clearance] >= LEVEL_RANK[level]",
        "return CLEARANCE_RANK[clearance] > LEVEL_RANK[level]",
    ),
    Hand(
        "F7 lends a copy that is out (HELD overridable)",
        "app/refusals.py",
        "return self not in (RefusalKind.VOIDED, RefusalKind.HELD, RefusalKind.NOT_IN_ROOM)",
        "return self not in (RefusalKind.VOIDED, RefusalKind.NOT_IN_ROOM)",
    ),
    Hand(
        "F7 lends anything (no overridable check)",
        "app/desk.py",
        "        if not refused.overridable:\n            raise",
        "        if False:\n            raise",
    ),
    Hand(
        "handover_open_copy unique index dropped",
        "db/migrations/0003_desk.sql",
        "CREATE UNIQUE INDEX handover_open_copy",
        "CREATE INDEX handover_open_copy",
    ),
    Hand(
        "earlier night's exception counts tonight (desk)",
        "app/desk.py",
        "AND e.night = ?) AS excepted",
        "AND e.night <= ?) AS excepted",
    ),
    Hand(
        "earlier night's exception counts (detection)",
        "app/day_close.py",
        '"SELECT 1 FROM overnight_exception WHERE handover_id = ? AND night = ?",\n            (handover_id, night.isoformat()),',
        '"SELECT 1 FROM overnight_exception WHERE handover_id = ? AND night <= ?",\n            (handover_id, night.isoformat()),',
    ),
    Hand(
        "close time >= to >", "app/refusals.py", "if now.time() >= close:", "if now.time() > close:"
    ),
    Hand(
        "no audit event: checkout",
        "app/desk.py",
        '    audit.record(db, session.clock, session.account.login, "借出"',
        f'    {NOOP}db, session.clock, session.account.login, "借出"',
    ),
    Hand(
        "no audit event: return",
        "app/desk.py",
        '    audit.record(\n        db,\n        session.clock,\n        session.account.login,\n        "归还" if',
        f'    {NOOP}\n        db,\n        session.clock,\n        session.account.login,\n        "归还" if',
    ),
    Hand(
        "no override in the checkout's event",
        "app/desk.py",
        '    if o:\n        details["override"]',
        '    if False:\n        details["override"]',
    ),
    Hand(
        "no audit event: destruction approval",
        "app/destruction.py",
        '        audit.record(\n            db,\n            session.clock,\n            session.account.login,\n            "批准销毁",',
        f'        {NOOP}\n            db,\n            session.clock,\n            session.account.login,\n            "批准销毁",',
    ),
    Hand(
        "no audit event: destruction seal",
        "app/destruction.py",
        '        audit.record(\n            db,\n            session.clock,\n            session.account.login,\n            "销毁封存",',
        f'        {NOOP}\n            db,\n            session.clock,\n            session.account.login,\n            "销毁封存",',
    ),
    Hand(
        "no audit event: batch add",
        "app/destruction.py",
        '        audit.record(\n            db,\n            session.clock,\n            session.account.login,\n            "列入销毁批次",',
        f'        {NOOP}\n            db,\n            session.clock,\n            session.account.login,\n            "列入销毁批次",',
    ),
    Hand(
        "no audit event: day close",
        "app/day_close.py",
        "        event = audit.record(\n",
        '        event = (lambda *a, **k: audit.AuditEvent(0, "", "", "", "", {}, "", audit.head(db)))(\n',
    ),
    Hand(
        "no audit event: registration",
        "app/registry.py",
        '        audit.record(\n            db,\n            session.clock,\n            session.account.login,\n            "登记收文",',
        f'        {NOOP}\n            db,\n            session.clock,\n            session.account.login,\n            "登记收文",',
    ),
    Hand(
        "slip MAC does not cover the serial",
        "app/qr_payload.py",
        'f"{PREFIX}|{room_id}|{copy_id}|{serial}"',
        'f"{PREFIX}|{room_id}|{copy_id}"',
    ),
    Hand(
        "slip MAC does not cover the room",
        "app/qr_payload.py",
        'f"{PREFIX}|{room_id}|{copy_id}|{serial}"',
        'f"{PREFIX}|{copy_id}|{serial}"',
    ),
    Hand(
        "CHECK two distinct witnesses dropped",
        "db/migrations/0007_recall.sql",
        "AND witness_2 IS NOT NULL AND witness_1 <> witness_2",
        "AND witness_2 IS NOT NULL",
    ),
    Hand(
        "CHECK builder not a witness dropped",
        "db/migrations/0007_recall.sql",
        "        AND witness_1 <> built_by AND witness_2 <> built_by)),",
        "        )),",
    ),
    Hand(
        "CHECK approver not the builder dropped",
        "db/migrations/0007_recall.sql",
        "    CHECK (approved_by IS NULL OR approved_by <> built_by),\n",
        "",
    ),
    Hand(
        "trigger: destroyed copy handed out",
        "db/migrations/0007_recall.sql",
        "WHEN (SELECT state FROM copy WHERE id = new.copy_id) IN ('已销毁', '已清退')",
        "WHEN 0",
    ),
    Hand(
        "绝密 default period 20 years",
        "app/classification.py",
        "    Level.TOP_SECRET: 30,",
        "    Level.TOP_SECRET: 20,",
    ),
    Hand(
        "秘密 default period 5 years",
        "app/classification.py",
        "    Level.SECRET: 10,\n}",
        "    Level.SECRET: 5,\n}",
    ),
    Hand(
        "confirmation ignores the lockout",
        "app/confirm.py",
        "        check_not_locked(keyfile, account.login, clock, what)\n",
        "        pass\n",
    ),
    Hand(
        "lock after six failures",
        "app/session.py",
        "if slot.failures >= LOCK_AFTER_FAILURES:",
        "if slot.failures > LOCK_AFTER_FAILURES:",
    ),
    Hand(
        "witnesses not compared (Python)",
        "app/destruction.py",
        "if len(keys) != 2 or keys[0] == keys[1]:",
        "if len(keys) != 2:",
    ),
    Hand(
        "builder as witness (Python)",
        "app/destruction.py",
        "if accounts.login_key(batch.built_by) in keys:",
        "if False:",
    ),
    Hand(
        "logins compared without NFKC",
        "app/accounts.py",
        'unicodedata.normalize("NFKC", text)',
        "text",
    ),
    Hand(
        "a copy out may go into a batch",
        "app/destruction.py",
        '    if copy.state != CopyState.IN_CABINET:\n        return f"状态为',
        '    if False:\n        return f"状态为',
    ),
    Hand(
        "day closes over copies out",
        "app/day_close.py",
        "        if waiting:\n",
        "        if False:\n",
    ),
    Hand(
        "overnight counted one night short",
        "app/day_close.py",
        "            while night < last:",
        "            while night < last - timedelta(days=1):",
    ),
    Hand(
        "audit verify ignores the stored hash",
        "app/audit.py",
        "if seq != expected_seq or prev_hash != prev or stored != digest:",
        "if seq != expected_seq or prev_hash != prev:",
    ),
    Hand(
        "copy registered twice (no duplicate check)",
        "app/registration_checks.py",
        '    if row is not None:\n        raise InvalidInput(\n            f"{issuer}',
        '    if False:\n        raise InvalidInput(\n            f"{issuer}',
    ),
    # Survivors of the first cosmic-ray sample, written again by hand after tests were added.
    Hand(
        "received time compared with != (cosmic-ray)",
        "app/registration_checks.py",
        "if data.received_at and data.received_at > now:",
        "if data.received_at and data.received_at != now:",
    ),
    Hand(
        "batch change meanwhile not seen (cosmic-ray)",
        "app/destruction.py",
        "    if get(db, batch.id).state != state:",
        "    if get(db, batch.id).state is state:",
    ),
    Hand(
        "chain sequence compared by identity (cosmic-ray)",
        "app/audit.py",
        "if seq != expected_seq or",
        "if seq is not expected_seq or",
    ),
    Hand(
        "seal when not due (cosmic-ray)",
        "app/audit.py",
        "        if seal.due(db, clock):",
        "        if not seal.due(db, clock):",
    ),
    Hand(
        "信访 slip form by identity (cosmic-ray)",
        "app/slips.py",
        'if source == "信访":',
        'if source is not "信访":',
    ),
    Hand(
        "failed confirmation not flushed (cosmic-ray)",
        "app/confirm.py",
        "        count_failure(keyfile, account.login, clock)\n        if flush_pending is not None:",
        "        count_failure(keyfile, account.login, clock)\n        if flush_pending is None:",
    ),
    Hand(
        "discrepancy returns the copy",
        "app/desk.py",
        "            return int(cursor.lastrowid)\n        close_handover(",
        '            close_handover(session, copy, open_row["id"], open_row["name"], "x")\n'
        "            return int(cursor.lastrowid)\n        close_handover(",
    ),
]


# ---- the temporary tree -----------------------------------------------------------------------
def copy_tree(into: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if not source.is_file():
            continue
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    # Some tests save pictures there and only others make it (a run of one file needs it).
    (into / "shots").mkdir(exist_ok=True)
    return into


def env_for(tree: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(tree), QT_QPA_PLATFORM="offscreen")
    env.pop("PYTEST_ADDOPTS", None)
    return env


def pytest_command(tests: list[str]) -> list[str]:
    return [
        "nice",
        "-n",
        "10",
        PYTHON,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "--timeout",
        "300",
        *tests,
    ]


def run_tests(tree: Path, tests: list[str]) -> bool:
    """True when the tests pass (the mutant survives them)."""
    done = subprocess.run(
        pytest_command(tests), cwd=tree, env=env_for(tree), capture_output=True, text=True
    )
    return done.returncode == 0


# ---- hand-made mutants -------------------------------------------------------------------------
def hand(only: str | None, budget: float) -> int:
    wanted = only.split(",") if only else [""]
    chosen = [h for h in HAND if any(w in h.name or w in h.file for w in wanted)]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mijian-mut-") as where:
        tree = copy_tree(Path(where))
        # The machine is left out of the baseline: it is slow, and a run of it is its own proof.
        union = sorted({t for h in chosen for t in TESTS[h.file][0] + TESTS[h.file][1]} - {MACHINE})
        if not run_tests(tree, union):
            print("the tests fail on the unmutated tree: " + " ".join(union))
            return 1
        killed_before = killed_after = 0
        survivors = []
        tried = []
        for h in chosen:
            if time.perf_counter() - started > budget:
                print(
                    f"  budget of {budget:.0f} s spent: {len(chosen) - len(tried)} mutants not run"
                )
                break
            path = tree / h.file
            pristine = path.read_text(encoding="utf-8")
            found = pristine.count(h.original)
            if found != 1:
                print(f"  ?? {h.name}: the original snippet occurs {found} times in {h.file}")
                continue
            tried.append(h)
            path.write_text(pristine.replace(h.original, h.mutated), encoding="utf-8")
            try:
                old, new = TESTS[h.file]
                before = not run_tests(tree, old)
                quick = [t for t in new if t != MACHINE]
                after = before or not run_tests(tree, quick)
                if not after and MACHINE in new:
                    after = not run_tests(tree, [MACHINE])
            finally:
                path.write_text(pristine, encoding="utf-8")
            killed_before += before
            killed_after += after
            fate = (
                "killed by older tests"
                if before
                else "killed by tests/rules"
                if after
                else "SURVIVED"
            )
            print(f"  {fate:22} {h.name} ({h.file})", flush=True)
            if not after:
                survivors.append(h.name)
        n = len(tried)
        print(f"hand mutants: {n}   ({time.perf_counter() - started:.0f} s, baseline included)")
        print(
            f"before (older tests only): killed: {killed_before}   survived: {n - killed_before}"
            f"   score: {100 * killed_before / n:.0f} %"
        )
        print(
            f"after (with tests/rules):  killed: {killed_after}   survived: {n - killed_after}"
            f"   score: {100 * killed_after / n:.0f} %"
        )
        for name in survivors:
            print(f"  survivor: {name}")
    return 0


# ---- cosmic-ray over a sample ------------------------------------------------------------------
CONFIG = """[cosmic-ray]
module-path = "{module}"
timeout = {timeout}
excluded-modules = []
test-command = "{command}"

[cosmic-ray.distributor]
name = "local"
"""


def annotation_spans(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the annotations are: with `from __future__ import annotations` they are never
    evaluated, so a mutant there (`Payload | None` to `Payload & None`) is equivalent."""
    import ast

    spans = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        found = []
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            found.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            found.append(node.returns)
        for a in found:
            end = (a.end_lineno or a.lineno, a.end_col_offset or a.col_offset)
            spans.append(((a.lineno, a.col_offset), end))
    return spans


def sampled(
    tree: Path, module: str, size: int, seed: int, budget: float, rules: bool
) -> tuple[int, int, list[str]]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    path = f"app/{module}.py"
    old, new = TESTS[path]
    tests = old + ([t for t in new if t != MACHINE] if rules else [])
    command = " ".join(pytest_command(tests))
    config = tree / f"cr-{module}.toml"
    config.write_text(CONFIG.format(module=path, timeout=300, command=command), encoding="utf-8")
    session = tree / f"cr-{module}.sqlite"
    session.unlink(missing_ok=True)
    env = env_for(tree)
    subprocess.run(
        [COSMIC_RAY, "init", str(config), str(session)],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
    )
    spans = annotation_spans(tree / path)
    with use_db(str(session), WorkDB.Mode.open) as db:
        items = []
        typing_only = 0
        for item in sorted(db.pending_work_items, key=lambda w: w.job_id):
            start = tuple(item.mutations[0].start_pos)
            if any(a <= start < b for a, b in spans):
                typing_only += 1
                db.set_result(
                    item.job_id,
                    WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="in an annotation"),
                )
            else:
                items.append(item)
        chosen = {
            w.job_id for w in random.Random(f"{seed}:{module}").sample(items, min(size, len(items)))
        }
        for item in items:
            if item.job_id not in chosen:
                db.set_result(
                    item.job_id,
                    WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="not in the sample"),
                )
    pristine = (tree / path).read_text(encoding="utf-8")
    runner = subprocess.Popen(
        ["nice", "-n", "10", COSMIC_RAY, "exec", str(config), str(session)],
        cwd=tree,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        runner.wait(timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(runner.pid, signal.SIGTERM)
        runner.wait()
    (tree / path).write_text(pristine, encoding="utf-8")  # a stopped run may leave a mutant
    ran = killed = 0
    survivors = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            ran += 1
            if result.test_outcome == TestOutcome.SURVIVED:
                survivors.append(f"{item.job_id}\n{result.diff}")
            else:
                killed += 1
    print(
        f"{module}: sample {len(chosen)} of {len(items)} (+{typing_only} in annotations, equivalent:"
        f" never evaluated)   mutants: {ran}   killed: {killed}"
        f"   score: {100 * killed / max(ran, 1):.0f} %",
        flush=True,
    )
    return ran, killed, survivors


def cosmic(modules: list[str], size: int, seed: int, budget: float, rules: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="mijian-cr-") as where:
        tree = copy_tree(Path(where))
        total_ran = total_killed = 0
        all_survivors = []
        started = time.perf_counter()
        for module in modules:
            ran, killed, survivors = sampled(tree, module, size, seed, budget, rules)
            total_ran += ran
            total_killed += killed
            all_survivors += [f"--- {module} {s}" for s in survivors]
        print(
            f"total ({'with' if rules else 'without'} tests/rules, seed {seed}, {size} per module,"
            f" {time.perf_counter() - started:.0f} s)"
        )
        print(f"mutants: {total_ran}")
        print(f"killed: {total_killed}")
        print(f"score: {100 * total_killed / max(total_ran, 1):.1f} %")
        for s in all_survivors:
            print(s)
    return 0


# ---- every mutant (bench/mutation_full.py) ------------------------------------------------------
# Survivors judged equivalent: (module, the mutated line as the diff shows it, stripped) → reason.
# Survivors judged equivalent: (module or "*", text of the removed line, text of the added line,
# reason); a survivor matches when both texts occur in its diff.
EQUIVALENT: list[tuple[str, str, str, str]] = [
    (
        "*",
        "@dataclass(frozen=True)",
        "@dataclass(frozen=False)",
        "frozen only forbids assignment: no code assigns to or hashes these values (mypy checks it)",
    ),
    (
        "app/refusals.py",
        '"非密": 0,',
        '"非密": -1,',
        "LEVEL_RANK is only compared as clearance rank < level rank, and every clearance rank is"
        " ≥ 0: 非密 at 0 or at −1 refuses nobody",
    ),
    (
        "app/day_close.py",
        "round: int = 1",
        "round: int = ",
        "the default is never used: closes_of builds every DayClose with its round",
    ),
    (
        "app/recall_records.py",
        "@dataclass",
        "",
        "Tally without @dataclass: it is only made empty, Tally(), and counted up; no code"
        " compares or prints one (class attributes 0 serve as the defaults)",
    ),
    (
        "app/audit.py",
        'db.memo["seal_checked"] = True',
        'db.memo["seal_checked"] = False',
        'only the key\'s presence is read (`"seal_checked" not in db.memo`): True or False alike',
    ),
    (
        "app/session.py",
        "_lock: InstanceLock | None = field(default=None, repr=False)",
        "repr=True",
        "only the session's repr shows the instance lock (a lock file's path, no secret); nothing"
        " reads that repr",
    ),
    (
        "app/audit.py",
        "sort_keys=True",
        "sort_keys=False",
        "the details' key order: read back only through json.loads or json_extract, searched with"
        " LIKE on values; the hash covers the stored text whichever the order",
    ),
    (
        "app/slips.py",
        "kind = codes[0].kind",
        "kind = codes[ -1].kind",
        "every code of one print has the same kind (propose makes them so)",
    ),
    (
        "app/slips.py",
        'FROM slip")[0])',
        'FROM slip")[ -1])',
        "the row has one column: [0] and [-1] are the same value",
    ),
    (
        "*",
        "LIMIT 1",
        "LIMIT 2",
        "only the first row is read (db.one, db.scalar or a scalar subquery, each checked in these"
        " modules): allowing a second changes nothing",
    ),
    (
        "app/registry.py",
        "db.depth > 1",
        "db.depth >= 1",
        "the one caller that has checked duplicates already (the ledger import) registers at"
        " depth 2, inside its own transaction",
    ),
    (
        "app/registry.py",
        "db.depth > 1",
        "db.depth > 2",
        "inside an import (depth 2) the duplicates are checked once more: the same refusals, later",
    ),
    (
        "app/day_close.py",
        "(-1 if limit is None else limit,)",
        "(- 2 if limit is None else limit,)",
        "SQLite reads any negative LIMIT as no limit: -1 and -2 both give every row",
    ),
    (
        "app/day_close.py",
        "substr(h.back_at, 1, 10) > substr(h.out_at, 1, 10)",
        "substr(h.back_at, 1, 10) >= substr(h.out_at, 1, 10)",
        "the filter only spares the loop rows returned the same day; a row it lets through walks"
        " nights from out_at's day while night < back_at's day, none for a same-day return",
    ),
    (
        "app/day_close.py",
        "substr(h.back_at, 1, 10) > substr(h.out_at, 1, 10)",
        "substr(h.back_at, 1, 11) > substr(h.out_at, 1, 10)",
        "the filter only spares the loop same-day rows (see above): 11 characters of back_at"
        " ('…T') let them through, and the loop gives them no night",
    ),
    (
        "app/day_close.py",
        "substr(h.back_at, 1, 10) > substr(h.out_at, 1, 10)",
        "substr(h.back_at, 1, 10) > substr(h.out_at, 2, 10)",
        "the filter only spares the loop same-day rows (see above): out_at from its second"
        " character lets every row through, and the loop gives a same-day return no night",
    ),
    (
        "app/day_close.py",
        "substr(h.back_at, 1, 10) > substr(h.out_at, 1, 10)",
        "substr(h.back_at, 1, 10) > substr(h.out_at, 1, 11)",
        "the filter only spares the loop same-day rows (see above): 'YYYY-MM-DD' > 'YYYY-MM-DDT'"
        " still holds for every later day and fails only for the same day, as before",
    ),
    (
        "app/slips.py",
        "for r, c in zip(rows, codes, strict=True)",
        "for r, c in zip(rows, codes, strict=False)",
        "rows is built from codes one for one two lines above: the lengths are always equal",
    ),
    (
        "app/slips.py",
        "range(QR_VERSION, QR_MAX_VERSION + 1)",
        "range(QR_VERSION, QR_MAX_VERSION + 2)",
        "the loop raises at QR_MAX_VERSION (`if version == QR_MAX_VERSION: raise`) before it could"
        " reach one more version",
    ),
    (
        "app/registry.py",
        "db.depth > 1",
        "db.depth > 0",
        "depth is an integer: `> 0` is `>= 1` (above), and the one caller that has checked the"
        " duplicates (the ledger import) registers at depth 2",
    ),
    (
        "app/registry.py",
        "db.depth > 1",
        "db.depth <= 1",
        "inside the import (depth 2) the duplicates are checked once more, after"
        " ledger_rows.existing applied the same rule in the same transaction: nothing to find",
    ),
    (
        "app/registry.py",
        "if clean.waiting_at and sign_due",
        "if clean.waiting_at or sign_due",
        "sign_due is set exactly when waiting_at is (workdays.sign_deadline always answers a"
        " datetime): `and` and `or` agree",
    ),
    (
        "app/registration_checks.py",
        "if not 1 <= count <= 1000:",
        "if not 0 <= count <= 1000:",
        "count is `data.copy_count or 1`, never 0: only 0 tells the two apart",
    ),
    (
        "app/registry.py",
        "ensure_ascii=False",
        "ensure_ascii=True",
        "a copy event's details are read only through json.loads (documents.copy_history), never"
        " as text by SQL (no LIKE, instr or json_extract on them): both decode to the same dict",
    ),
    (
        "app/destruction.py",
        'details = json.dumps({"batch": batch.label, "method": batch.method}, ensure_ascii=False)',
        "ensure_ascii=True",
        "a copy event's details are read only through json.loads (as registry's above)",
    ),
    (
        "app/recall_records.py",
        "if copy_ids is not None and len(copy_ids) > 500:",
        "len(copy_ids) > 501:",
        "both paths give the same rows in the same order (the filter sorts the whole list, the"
        " IN path sorts by the same key, unique per copy); near 500 ids the IN path is far under"
        " SQLite's parameter limit",
    ),
    (
        "app/recall_records.py",
        "if copy_ids is not None and len(copy_ids) > 500:",
        "len(copy_ids) > 499:",
        "both paths give the same rows in the same order (see the entry above)",
    ),
    (
        "app/recall_records.py",
        "if copy_ids is not None and len(copy_ids) > 500:",
        "len(copy_ids) >= 500:",
        "both paths give the same rows in the same order (see the entry above)",
    ),
    (
        "app/audit.py",
        "else 2**62, limit)",
        "else 2** 61, limit)",
        "sequence numbers count events from 1: no trail comes near 2**61, both bounds are above"
        " every seq",
    ),
    (
        "app/recall_records.py",
        "AND b.cancelled_at IS NULL ORDER BY b.id DESC LIMIT 1)",
        "ORDER BY b.id ASC LIMIT 1)",
        "a copy is in one batch not cancelled at most (destruction.add refuses a second: 已列入"
        " …批), so the subquery has one row or none to order",
    ),
    (
        "app/day_close.py",
        "{level: dict.fromkeys(COUNTED, 0) for level in LEVELS}",
        "dict.fromkeys(COUNTED, ",
        "the starting value is always overwritten: copy_count holds a row for every (密级, state),"
        " seeded by the migrations and never deleted (tests/app/test_vocab.py checks the pairs),"
        " and counts() reads every row of the counted states",
    ),
    (
        "app/registry.py",
        'memo = ("outgoing_serial" if outgoing',
        '"outgoing_serial" if not outgoing',
        "the memo's key names are private to _next_serial: swapped, the 收文 and 发文 series"
        " still each keep their own key (the db.memo keys read elsewhere are audit_tail,"
        " seal_checked and sealed)",
    ),
    (
        "app/accounts.py",
        "saved = False",
        "saved = True",
        "at the first line of the change: on a failure before the keys file is written the except"
        " branch writes back the pre-call state, which is what is on disk already (every keys"
        " change saves at once), and a failing write there is suppressed",
    ),
    (
        "app/session.py",
        "apart: ApartProcess | None = field(default=None, repr=False, compare=False)",
        "repr=True",
        "nothing reads a Session's repr, and an ApartProcess's is object's (class and address)",
    ),
    (
        "app/session.py",
        "apart: ApartProcess | None = field(default=None, repr=False, compare=False)",
        "compare=True",
        "no code compares two Session objects",
    ),
    (
        "app/session.py",
        'last["count"] = int(last.get("count", 1)) + 1',
        'last.get("count", ',
        "every 锁定期间尝试 pending event is written with a count (1) since the event exists:"
        " the default is never read",
    ),
    (
        "app/refusals.py",
        'VOIDED = "登记作废"',
        'VOIDED = "X',
        "the three refusals nobody may lift are never stored (only a lifted refusal's kind goes"
        " into handover.override_kind) nor shown (each refusal's message has its own words)",
    ),
    (
        "app/refusals.py",
        'HELD = "他人持有"',
        'HELD = "X',
        "never stored nor shown, as VOIDED above",
    ),
    (
        "app/refusals.py",
        'NOT_IN_ROOM = "不在柜"',
        'NOT_IN_ROOM = "X',
        "never stored nor shown, as VOIDED above",
    ),
    (
        "*",
        "*,",
        "/,",
        "the keyword-only marker made positional-only: every caller passes the parameters before"
        " it by position and those after it by keyword, both still accepted",
    ),
]


def load_trace(path: Path) -> dict[str, dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def trace(tree: Path, template: Path, files: list[str], modules: list[str], out: Path) -> bool:
    command = [
        PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "-p", "bench.mutation_plugin", "--mut-trace", str(out), "--mut-template", str(template),
        "--mut-files", ",".join(str(tree / m) for m in modules), "--timeout", "300", *files,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=tree, env=env_for(tree), capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout[-3000:])
    return done.returncode == 0


def report_only(args: argparse.Namespace) -> int:
    """The report again from the last run's results (after EQUIVALENT changed), nothing run."""
    from bench import mutation_full as mf

    modules = [f"app/{m}.py" for m in args.modules.split(",")]
    work = Path(args.work)
    traced = load_trace(work / "trace-fastkdf.json")
    traced = {k: v for k, v in traced.items() if (ROOT / k.split("::")[0]).exists()}
    mutants: list = []
    left_out = 0
    for module in modules:
        found, skipped = mf.find_mutants(ROOT, module)
        mutants += found
        left_out += skipped
    own = {path: old + new for path, (old, new) in TESTS.items()}
    mf.choose_tests(ROOT, mutants, traced, own, modules, args.budget_tests, args.cap)
    fates: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for line in (work / "results.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        fates[row["id"]] = row["fate"]
        seconds[row["id"]] = row.get("seconds", 0.0)
    figures_path = work / "figures.json"
    figures = json.loads(figures_path.read_text(encoding="utf-8")) if figures_path.exists() else {}
    return report(args, mf, ROOT, modules, mutants, fates, seconds, left_out,
                  figures.get("trace", 0.0), figures.get("run", 0.0), figures.get("total", 0.0))  # fmt: skip


def full(args: argparse.Namespace) -> int:
    from bench import mutation_full as mf

    modules = [f"app/{m}.py" for m in args.modules.split(",")]
    os.nice(max(0, 15 - os.nice(0)))  # the machine is shared: everything below runs at nice 15
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    trees = [work / f"tree{i}" for i in range(args.workers)]
    for tree in trees:
        shutil.rmtree(tree, ignore_errors=True)
        copy_tree(tree)
    # The template room as tests/conftest.py builds it, but with cheap Argon2id key slots (as
    # tests/app/test_read_paths.py does): a derivation costs 0.2 s to 0.7 s and a test logs in
    # several times; the KDF's cost is no rule under test here. The trace run proves every
    # chosen test passes with it.
    template = work / "template-fastkdf"
    if not (template / "room.mjdb").exists():
        template.mkdir(exist_ok=True)
        subprocess.run(
            [PYTHON, "-c", "import sys; from pathlib import Path; from tests.conftest import START;"
             " from app.demo import create_demo_room; from app.clock import FixedClock;"
             " from db.keyslots import KdfParams;"
             " create_demo_room(Path(sys.argv[1]) / 'room.mjdb', FixedClock(START),"
             " KdfParams(time_cost=1, memory_kib=8192), content=False)",
             str(template)],
            cwd=trees[0], env=env_for(trees[0]), check=True,
        )  # fmt: skip
    cache = work / "trace-fastkdf.json"
    traced = load_trace(cache)
    files = args.retrace.split(",") if args.retrace else ([] if traced else mf.TEST_FILES)
    if files:
        # Two halves traced side by side, each in its own tree.
        halves = [files[i :: len(trees)] for i in range(len(trees))]
        parts = [work / f"trace-part{i}.json" for i in range(len(trees))]
        with concurrent.futures.ThreadPoolExecutor(len(trees)) as pool:
            ok = list(
                pool.map(
                    lambda i: (
                        not halves[i] or trace(trees[i], template, halves[i], modules, parts[i])
                    ),
                    range(len(trees)),
                )
            )
        if not all(ok):
            print("the tests fail on the unmutated tree")
            return 1
        for i, part in enumerate(parts):
            if halves[i]:
                for nodeid, data in load_trace(part).items():
                    traced[nodeid] = data
        cache.write_text(json.dumps(traced), encoding="utf-8")
    # A test file gone since it was traced (moved, renamed) must not be asked for: pytest would
    # stop with a usage error that reads as a kill.
    traced = {k: v for k, v in traced.items() if (trees[0] / k.split("::")[0]).exists()}
    traced_s = time.perf_counter() - started
    own = {path: [t for t in old + new] for path, (old, new) in TESTS.items()}
    for path in own:
        own[path] = own[path] + [f"tests/rules/test_{Path(path).stem}_edges.py"]
    mutants: list = []
    in_annotations = 0
    for module in modules:
        found, skipped = mf.find_mutants(trees[0], module)
        mutants += found
        in_annotations += skipped
    mf.choose_tests(trees[0], mutants, traced, own, modules, args.budget_tests, args.cap)
    results_path = work / "results.jsonl"
    parts = [work / f"results-{i}.jsonl" for i in range(args.workers)]
    previous: dict[str, str] = {}
    seconds: dict[str, float] = {}
    survived_before: set[str] = set()
    if args.resume:  # the last run's killed stay killed; every other mutant runs again
        for path in [results_path, *sorted(work.glob("results-*.jsonl"))]:
            if path.exists():
                for line in path.read_text(encoding="utf-8").splitlines():
                    row = json.loads(line)
                    if is_killed(row["fate"]):
                        previous[row["id"]] = row["fate"]
                        seconds[row["id"]] = row.get("seconds", 0.0)
                    elif row["fate"] != "not run":
                        survived_before.add(row["id"])
    todo = [m for m in mutants if m.id not in previous]
    if args.resume:  # kept before the parts are cleared: a run stopped early loses nothing
        results_path.write_text(
            "".join(
                json.dumps({"id": i, "fate": f, "seconds": seconds.get(i, 0.0)}) + "\n"
                for i, f in previous.items()
            )
            + "".join(json.dumps({"id": i, "fate": "survived"}) + "\n" for i in survived_before),
            encoding="utf-8",
        )
    # Modules interleaved: a run stopped at --until still gives every module a fair share; the
    # last run's survivors first (they meet the new tests and a larger budget).
    by_module = [[m for m in todo if m.module == module] for module in modules]
    todo = [m for group in itertools.zip_longest(*by_module) for m in group if m is not None]
    todo.sort(key=lambda m: m.id not in survived_before)
    until = 0.0
    if args.until:
        hour, minute = (int(x) for x in args.until.split(":"))
        now = datetime.now(UTC)
        until = now.replace(hour=hour, minute=minute, second=0, microsecond=0).timestamp()
    plan = work / "plan.json"
    plan.write_text(
        json.dumps(mf.plan_dict(todo, template, args.per_test, until)), encoding="utf-8"
    )
    for p in parts:
        p.unlink(missing_ok=True)
    run_started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "bench.mutation_full",
                str(plan),
                str(tree),
                str(i),
                str(args.workers),
                str(parts[i]),
            ],
            cwd=tree,
            env=dict(env_for(tree), PYTHONDONTWRITEBYTECODE="1"),
        )  # fmt: skip
        for i, tree in enumerate(trees)
    ]
    for w in workers:
        w.wait()
    run_s = time.perf_counter() - run_started
    fates = dict(previous)
    for p in parts:
        for line in p.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            fates[row["id"]] = row["fate"]
            seconds[row["id"]] = row["seconds"]
    results_path.write_text(
        "".join(
            json.dumps(
                {"id": m.id, "fate": fates.get(m.id, "not run"), "seconds": seconds.get(m.id, 0.0)}
            )
            + "\n"
            for m in mutants
        ),
        encoding="utf-8",
    )
    total_s = time.perf_counter() - started
    figures_path = work / "figures.json"
    figures = json.loads(figures_path.read_text(encoding="utf-8")) if figures_path.exists() else {}
    if not args.resume:
        figures = {}
    for key, value in (("trace", traced_s), ("run", run_s), ("total", total_s)):
        figures[key] = figures.get(key, 0.0) + value  # a resumed run adds to the last
    figures_path.write_text(json.dumps(figures), encoding="utf-8")
    return report(args, mf, trees[0], modules, mutants, fates, seconds, in_annotations,
                  figures["trace"], figures["run"], figures["total"])  # fmt: skip


def is_killed(fate: str | None) -> bool:
    """Killed: a test failed, timed out, or pytest stopped with an error (a mutant that breaks an
    import); the same test ids pass on the unmutated tree (the trace run)."""
    return fate is not None and (fate in ("killed", "timeout") or fate.startswith("error"))


def equivalent_reason(module: str, diff_text: str) -> str | None:
    removed = " ".join(
        x[1:].strip() for x in diff_text.splitlines() if x[:1] == "-" and x[:3] != "---"
    )
    added = " ".join(
        x[1:].strip() for x in diff_text.splitlines() if x[:1] == "+" and x[:3] != "+++"
    )
    for where, old, new, reason in EQUIVALENT:
        if where in ("*", module) and old in removed and new in added:
            return reason
    return None


def report(  # type: ignore[no-untyped-def]
    args, mf, tree, modules, mutants, fates, seconds, in_annotations, traced_s, run_s, total_s
):
    lines: list[str] = []
    out = lines.append
    sources = {m: (tree / m).read_text(encoding="utf-8") for m in modules}
    survivors = []
    equivalent = []
    totals = [0, 0, 0, 0]
    out("per module (score: killed / (mutants run - equivalent)):")
    for module in modules:
        mine = [m for m in mutants if m.module == module]
        ran = [m for m in mine if fates.get(m.id, "not run") != "not run"]
        killed = sum(is_killed(fates.get(m.id)) for m in ran)
        eq = 0
        for m in ran:
            if is_killed(fates.get(m.id)):
                continue
            d = mf.diff(sources[module], mf.mutated_source(sources[module], m), module)
            reason = equivalent_reason(module, d)
            if reason:
                eq += 1
                equivalent.append((m, d, reason))
            else:
                survivors.append((m, d, fates.get(m.id)))
        totals[0] += len(ran)
        totals[1] += killed
        totals[2] += eq
        totals[3] += len(mine) - len(ran)
        score = 100 * killed / max(len(ran) - eq, 1)
        left = f"   not run: {len(mine) - len(ran)}" if len(mine) > len(ran) else ""
        out(
            f"{Path(module).stem}: mutants: {len(ran)}   killed: {killed}   equivalent: {eq}"
            f"   score: {score:.1f} %{left}"
        )
    n, killed, eq, not_run = totals
    ran_s = [s for s in seconds.values() if s > 0]
    summary = [
        f"mutants: {n}",
        f"killed: {killed}",
        f"equivalent: {eq}",
        f"survived: {n - killed - eq}",
        f"score: {100 * killed / max(n - eq, 1):.1f} %",
        f"raw score: {100 * killed / max(n, 1):.1f} %",
        f"not run (stopped at --until): {not_run} unit",
        f"left out as equivalent by construction (annotations, TYPE_CHECKING, __all__): {in_annotations} unit",
        f"per-mutant cost: {sum(ran_s) / max(len(ran_s), 1):.2f} s",
        f"trace time: {traced_s:.0f} s",
        f"run time: {run_s:.0f} s",
        f"total time: {total_s:.0f} s",
    ]
    lines = summary + [""] + lines
    lines.append("")
    lines.append(f"survivors ({len(survivors)}):")
    for m, d, fate in survivors:
        capped = f" of {m.covering}, capped" if m.covering > len(m.tests) else ""
        lines.append(
            f"--- {m.module}:{m.line} {m.operator} [{fate}, {len(m.tests)} tests{capped}] {m.id}"
        )
        lines.append(d)
    lines.append("")
    lines.append(f"judged equivalent ({len(equivalent)}):")
    for m, d, reason in equivalent:
        lines.append(f"--- {m.module}:{m.line} {m.operator} {m.id}: {reason}")
        lines.append(d)
    for s in summary:
        print(s)
    if args.report:
        Path(args.report).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"report: {args.report}")
    else:
        print("\n".join(lines[len(summary) :]))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hand", action="store_true", help="the hand-made mutants")
    parser.add_argument(
        "--only", help="--hand: mutants whose name or file contains one of these (comma-separated)"
    )
    parser.add_argument("--modules", default=",".join(MODULES))
    parser.add_argument("--sample", type=int, default=0, help="cosmic-ray on N mutants per module")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument(
        "--budget", type=float, default=900, help="seconds per module (per --hand run) at most"
    )
    parser.add_argument(
        "--without-rules", action="store_true", help="the older tests only (the 'before' figure)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--per-test", type=int, default=60, help="seconds a test may take")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "mijian-mutation"))
    parser.add_argument("--retrace", help="trace these test files again (after adding tests)")
    parser.add_argument(
        "--resume", action="store_true", help="keep the killed of the last run, run the rest"
    )
    parser.add_argument(
        "--budget-tests",
        type=float,
        default=12.0,
        help="seconds of covering tests (as traced) a mutant runs at most; more with --resume",
    )
    parser.add_argument(
        "--report-only", action="store_true", help="the report again from the last results"
    )
    parser.add_argument("--cap", type=int, default=25, help="tests a mutant runs at most")
    parser.add_argument("--until", help="HH:MM (UTC): start no mutant after this time")
    parser.add_argument("--report", default=str(ROOT / "bench" / "mutation-report.txt"))
    args = parser.parse_args()
    if args.hand:
        return hand(args.only, args.budget)
    if args.report_only:
        return report_only(args)
    if args.sample:
        return cosmic(
            args.modules.split(","), args.sample, args.seed, args.budget, not args.without_rules
        )
    return full(args)


if __name__ == "__main__":
    sys.exit(main())
