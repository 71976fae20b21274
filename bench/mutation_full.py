"""Every mutant of the rule modules, each run against the tests that execute its line.

The engine of `python bench/mutation.py` (its default mode). Steps:

1. Mutants. cosmic-ray's operators (`cosmic_ray.plugins`, the same as `cosmic-ray init`) find
   every mutation site of each rule module, and `cosmic_ray.mutating.mutate_code` writes each
   mutant. Where cosmic-ray offers ten replacements for one operator, the selective set is kept
   (Offutt's sufficient operators): an arithmetic operator is replaced by its inverse, a
   comparison by its negation and, for <, <=, >, >=, by its boundary neighbour. Mutants inside
   annotations are left out: with `from __future__ import annotations` they are never evaluated.
   Two operators of our own reach what cosmic-ray leaves alone: the SQL inside the Python
   strings (comparisons, AND/OR, NOT, IN, ordering, MIN/MAX, quoted values and numbers) and the
   short words of the module-level tables (levels, states, kinds: `LEVEL_RANK` and the like);
   the numbers of those tables are cosmic-ray's NumberReplacer's.
2. Which tests execute which line: the test files of TEST_FILES run once under a line tracer
   (bench/mutation_plugin.py), giving each test id its lines of the rule modules and its time.
   A mutant inside a function runs the tests that execute its statement, the module's own test
   files first, fastest first, with -x; a mutant at module level (a table, a decorator, a
   default) runs the tests that execute any line of its module or of a rule module importing it.
   A mutant no test executes survives without a run.
3. Runs. Each worker is a long-lived process that imported the third-party libraries once; for
   each mutant it writes the mutated file into its own copy of the tree and forks a child that
   runs pytest in-process on the chosen test ids (the app's modules are imported afresh, from the
   mutated file). The session's template room is built once from the unmutated code.

A mutant is killed when a test fails, errors or times out. Survivors are listed with their diff;
those judged equivalent (EQUIVALENT in bench/mutation.py) carry their reason, and the score is
given both raw and without them.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
import tokenize
from dataclasses import asdict, dataclass, field
from pathlib import Path

# The Qt-free test files that exercise the rule modules (tests/ui never runs here).
TEST_FILES = [
    "tests/app/test_accounts.py",
    "tests/app/test_audit.py",
    "tests/app/test_audit_view.py",
    "tests/app/test_confirm.py",
    "tests/app/test_counter.py",
    "tests/app/test_deadlines.py",
    "tests/app/test_demo.py",
    "tests/app/test_desk.py",
    "tests/app/test_distribution.py",
    "tests/app/test_grants.py",
    "tests/app/test_ledger_import_jobs.py",
    "tests/app/test_lockout.py",
    "tests/app/test_maintenance.py",
    "tests/app/test_override.py",
    "tests/app/test_people.py",
    "tests/app/test_qr_wear.py",
    "tests/app/test_read_paths.py",
    "tests/app/test_recall.py",
    "tests/app/test_recall_rules.py",
    "tests/app/test_rekey.py",
    "tests/app/test_redteam.py",
    "tests/app/test_registry.py",
    "tests/app/test_rollback.py",
    "tests/app/test_session.py",
    "tests/app/test_sign_clock.py",
    "tests/app/test_slips.py",
    "tests/app/test_text_rules.py",
    "tests/app/test_trust_attacks.py",
    "tests/app/test_units.py",
    "tests/app/test_vocab.py",
    "tests/app/test_year_reports.py",
    "tests/db/test_fixture_rooms.py",
    "tests/rules",
]

# Selective operators: the replacements kept for each cosmic-ray binary and comparison operator.
KEEP_REPLACEMENT = {
    "Add": {"Sub"},
    "Sub": {"Add"},
    "Mul": {"Div"},
    "Div": {"Mul"},
    "FloorDiv": {"Mul"},
    "Mod": {"Add"},
    "Pow": {"Mul"},
    "BitOr": {"BitAnd"},
    "BitAnd": {"BitOr"},
    "BitXor": {"BitOr"},
    "LShift": {"RShift"},
    "RShift": {"LShift"},
    "Eq": {"NotEq"},
    "NotEq": {"Eq"},
    "Is": {"IsNot"},
    "IsNot": {"Is"},
    "Lt": {"LtE", "GtE"},
    "LtE": {"Lt", "Gt"},
    "Gt": {"GtE", "LtE"},
    "GtE": {"Gt", "Lt"},
    "USub": {"UAdd"},
    "UAdd": {"USub"},
    "Not": {"Delete"},
    "Delete": set(),
}


def keep_operator(name: str) -> bool:
    match = re.fullmatch(r"core/Replace(?:Binary|Comparison|Unary)Operator_(\w+)_(\w+)", name)
    if not match:
        return True
    old, new = match.groups()
    if name.startswith("core/ReplaceUnaryOperator_Delete"):
        return new == "Not"  # `not x` → `x`
    return new in KEEP_REPLACEMENT.get(old, set())


@dataclass
class Mutant:
    id: str
    module: str  # app/desk.py
    operator: str
    occurrence: int  # cosmic-ray's occurrence, or the offset of a string mutant
    line: int
    end_line: int
    replacement: str = ""  # string mutants: the new source text between offsets
    end_offset: int = 0
    level: str = "function"  # or "module"
    tests: list[str] = field(default_factory=list)
    covering: int = 0  # how many tests execute it (tests holds the first CAP of them)


# ---- where things are in a module ---------------------------------------------------------------
def annotation_spans(tree: ast.AST) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    spans = []
    for node in ast.walk(tree):
        found = []
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            found.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            found.append(node.returns)
        for a in found:
            end = (a.end_lineno or a.lineno, a.end_col_offset or a.col_offset)
            spans.append(((a.lineno, a.col_offset), end))
    return spans


def function_bodies(tree: ast.AST) -> list[tuple[int, int]]:
    return [
        (node.body[0].lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        and isinstance(node.body, list)
    ]


def statement_lines(tree: ast.AST, line: int, end_line: int) -> list[int]:
    """The lines of the smallest statement holding [line, end_line] (its header if compound)."""
    best: ast.stmt | None = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        end = node.end_lineno or node.lineno
        if node.lineno <= line and end_line <= end:
            body = getattr(node, "body", None)
            header_end = body[0].lineno - 1 if isinstance(body, list) and body else end
            if isinstance(body, list) and body and line > header_end:
                continue  # inside the body: a smaller statement holds it
            if best is None or node.lineno >= best.lineno:
                best = node
    if best is None:
        return list(range(line, end_line + 1))
    body = getattr(best, "body", None)
    last = body[0].lineno - 1 if isinstance(body, list) and body else best.end_lineno
    return list(range(best.lineno, max(last or best.lineno, best.lineno) + 1))


def docstring_positions(tree: ast.AST) -> set[tuple[int, int]]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                found.add((body[0].lineno, body[0].col_offset))
    return found


# ---- string mutants (SQL and the tables' words) -------------------------------------------------
SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|CREATE|VALUES)\b")
SQL_RULES: list[tuple[str, re.Pattern[str], object]] = [
    ("sql = to <>", re.compile(r"(?<![<>!=:])=(?!=)"), "<>"),
    ("sql <> to =", re.compile(r"<>|!="), "="),
    ("sql <= to <", re.compile(r"<="), "<"),
    ("sql >= to >", re.compile(r">="), ">"),
    ("sql < to <=", re.compile(r"<(?![=>])"), "<="),
    ("sql > to >=", re.compile(r"(?<![<\-])>(?!=)"), ">="),
    ("sql AND to OR", re.compile(r"\bAND\b"), "OR"),
    ("sql OR to AND", re.compile(r"(?<!INSERT )\bOR\b(?! (IGNORE|REPLACE|ABORT))"), "AND"),
    ("sql NOT removed", re.compile(r"\bNOT\s+"), ""),
    ("sql IS NULL to IS NOT NULL", re.compile(r"\bIS NULL\b"), "IS NOT NULL"),
    ("sql IN to NOT IN", re.compile(r"(?<!NOT )\bIN\s*\("), "NOT IN ("),
    ("sql DESC to ASC", re.compile(r"\bDESC\b"), "ASC"),
    ("sql ASC to DESC", re.compile(r"\bASC\b"), "DESC"),
    ("sql MAX to MIN", re.compile(r"\bMAX\("), "MIN("),
    ("sql MIN to MAX", re.compile(r"\bMIN\("), "MAX("),
    ("sql value emptied", re.compile(r"'[^'\n]+'"), "''"),
    # `SELECT 1 FROM … WHERE` asks whether a row exists: any constant there is equivalent.
    ("sql number +1", re.compile(r"(?<![\w.?])(?<!SELECT )\d+(?![\w.])"), None),
]
# At most this many tests a mutant (its module's own test files first, then the fastest): a line
# every test runs (a session's login) would otherwise cost a survivor hundreds of tests.
CAP = 25
# ... and at most this many seconds of them (as timed under the tracer, about twice the real time).
BUDGET = 12.0
WORD_MAX = 8  # a module-level string this short is a word of a table (绝密, 在柜, 借出 …)


def string_mutants(module: str, source: str, tree: ast.AST) -> list[Mutant]:
    lines = source.splitlines(keepends=True)
    starts = [0]
    for text in lines:
        starts.append(starts[-1] + len(text))
    docstrings = docstring_positions(tree)
    exports = [
        (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    ]
    bodies = function_bodies(tree)
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.STRING or token.start in docstrings:
            continue
        if any(a <= token.start[0] <= b for a, b in exports):
            continue  # the export list: read by `import *` and linters only
        (row, col), (end_row, _) = token.start, token.end
        offset = starts[row - 1] + col
        text = token.string
        in_function = any(a <= row <= b for a, b in bodies)
        if SQL_WORDS.search(text):
            for name, pattern, replacement in SQL_RULES:
                for match in pattern.finditer(text):
                    new = str(int(match.group()) + 1) if replacement is None else str(replacement)
                    where = offset + match.start()
                    line = row + text.count("\n", 0, match.start())
                    found.append(
                        Mutant(
                            id="",
                            module=module,
                            operator=name,
                            occurrence=where,
                            line=line,
                            end_line=line,
                            replacement=new,
                            end_offset=offset + match.end(),
                            level="function" if in_function else "module",
                        )
                    )
        elif not in_function:
            quote = re.search(r"['\"]", text)
            assert quote is not None
            body = text[quote.end() : len(text) - quote.end() + quote.start()]
            if 0 < len(body) <= WORD_MAX and not body.startswith("__"):
                where = offset + quote.end()
                found.append(
                    Mutant(
                        id="",
                        module=module,
                        operator="table word changed",
                        occurrence=where,
                        line=row,
                        end_line=end_row,
                        replacement="X",
                        end_offset=where,
                        level="module",
                    )
                )
    return found


def mutated_source(source: str, m: Mutant) -> str:
    if m.operator.startswith("core/"):
        from cosmic_ray.mutating import mutate_code
        from cosmic_ray.plugins import get_operator

        code = mutate_code(source, get_operator(m.operator)(), m.occurrence)
        assert code is not None, m
        return str(code)
    return source[: m.occurrence] + m.replacement + source[m.end_offset :]


def diff(source: str, mutated: str, module: str) -> str:
    return "\n".join(
        difflib.unified_diff(
            source.splitlines(),
            mutated.splitlines(),
            f"a/{module}",
            f"b/{module}",
            n=0,
            lineterm="",
        )
    )


# Lines whose mutants are equivalent by construction, left out before any run.
LEFT_OUT = {
    "if TYPE_CHECKING:": "an import for annotations only, never evaluated at run time",
    "__all__ = ": "the export list, read by `import *` and linters only",
}


def left_out(line: str) -> str | None:
    text = line.strip()
    return next((why for start, why in LEFT_OUT.items() if text.startswith(start)), None)


def find_mutants(root: Path, module: str) -> tuple[list[Mutant], int]:
    """The module's mutants, and how many were left out (in annotations, or LEFT_OUT lines)."""
    from cosmic_ray.ast import ast_nodes, get_ast
    from cosmic_ray.plugins import get_operator, operator_names

    source = (root / module).read_text(encoding="utf-8")
    tree = ast.parse(source)
    spans = annotation_spans(tree)
    bodies = function_bodies(tree)
    parsed = get_ast(source)
    found: list[Mutant] = []
    in_annotations = 0
    for name in sorted(operator_names()):
        kind = get_operator(name)
        if kind.arguments() or not keep_operator(name):
            continue
        operator = kind()
        positions = [p for node in ast_nodes(parsed) for p in operator.mutation_positions(node)]
        for occurrence, (start, end) in enumerate(positions):
            if any(a <= tuple(start) < b for a, b in spans):
                in_annotations += 1
                continue
            row = start[0]
            found.append(
                Mutant(
                    id="",
                    module=module,
                    operator=name,
                    occurrence=occurrence,
                    line=row,
                    end_line=end[0],
                    level="function" if any(a <= row <= b for a, b in bodies) else "module",
                )
            )
    found += string_mutants(module, source, tree)
    lines = source.splitlines()
    kept = [m for m in found if not left_out(lines[m.line - 1])]
    in_annotations += len(found) - len(kept)
    found = kept
    found.sort(key=lambda m: (m.line, m.operator, m.occurrence))
    stem = Path(module).stem
    for m in found:  # stable across runs while the module's source is unchanged
        key = hashlib.sha1(f"{m.operator}|{m.occurrence}".encode()).hexdigest()[:6]
        m.id = f"{stem}:{m.line}:{key}"
    return found, in_annotations


# ---- which tests for which mutant --------------------------------------------------------------
def importers(root: Path, modules: list[str]) -> dict[str, set[str]]:
    """For each rule module, the rule modules that import it (module-level mutants reach them)."""
    out: dict[str, set[str]] = {m: {m} for m in modules}
    for m in modules:
        text = (root / m).read_text(encoding="utf-8")
        for other in modules:
            stem = Path(other).stem
            if other != m and re.search(
                rf"from app\.{stem} import|import app\.{stem}\b|from app import \(?[\w,\s]*\b{stem}\b",
                text,
            ):
                out[other].add(m)
    return out


def defined_names(tree: ast.Module, line: int) -> set[str]:
    """The names the top-level statement holding `line` defines (a class's too, for a line in
    its body outside any method)."""
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if not start <= line <= (node.end_lineno or node.lineno):
            continue
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            return {t.id for t in targets if isinstance(t, ast.Name)}
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return {node.name}
    return set()


def use_sites(trees: dict[str, ast.Module]) -> dict[str, set[str]]:
    """name → the lines ("app/x.py:12") that use it, in the rule modules; a function's or a
    class's name also maps to the lines of its body (run when it is called or used)."""
    uses: dict[str, set[str]] = {}
    for module, tree in trees.items():
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Name):
                name = node.id
            elif isinstance(node, ast.Attribute):
                name = node.attr
            if name is not None:
                uses.setdefault(name, set()).add(f"{module}:{node.lineno}")
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                body = {
                    f"{module}:{n}" for n in range(node.body[0].lineno, (node.end_lineno or 0) + 1)
                }
                uses.setdefault(node.name, set()).update(body)
    return uses


def within_budget(ranked: list[str], trace: dict[str, dict], budget: float) -> list[str]:
    chosen: list[str] = []
    spent = 0.0
    for t in ranked:
        if chosen and spent + trace[t]["seconds"] > budget:
            break
        chosen.append(t)
        spent += trace[t]["seconds"]
    return chosen


def choose_tests(
    root: Path,
    mutants: list[Mutant],
    trace: dict[str, dict],
    own_files: dict[str, list[str]],
    modules: list[str],
    budget: float = BUDGET,
    cap: int = CAP,
) -> None:
    by_line: dict[str, set[str]] = {}
    by_module: dict[str, set[str]] = {}
    for nodeid, data in trace.items():
        for entry in data["lines"]:
            by_line.setdefault(entry, set()).add(nodeid)
            by_module.setdefault(entry.rsplit(":", 1)[0], set()).add(nodeid)
    reach = importers(root, modules)
    trees = {m: ast.parse((root / m).read_text(encoding="utf-8")) for m in modules}

    def order(module: str, ids: set[str]) -> list[str]:
        own = own_files.get(module, [])
        return sorted(
            ids,
            key=lambda t: (
                not any(t.startswith(f) for f in own),
                trace[t]["seconds"],
                t,
            ),
        )

    uses = use_sites(trees)
    for m in mutants:
        if m.level == "module":
            # The tests that run a line using what the mutated statement defines (a table's
            # name, a class, a function's body for its defaults); else every test of the module
            # and of the rule modules importing it.
            names = defined_names(trees[m.module], m.line)
            lines = set().union(*(uses.get(n, set()) for n in names)) if names else set()
            users = set().union(*(by_line.get(x, set()) for x in lines))
            own = own_files.get(m.module, [])
            ids = users | {t for t in trace if any(t.startswith(f) for f in own)}
            if not ids:
                ids = set().union(*(by_module.get(r, set()) for r in reach[m.module]))
            m.covering = len(ids)
            # The module's own test files first (tests/app/test_vocab.py reads every word of
            # app/vocab.py's tables against the schema, yet runs no line that uses them: ranked
            # after the hundreds of users it was cut by the cap, and a changed state word
            # "survived"), then the tests that use the definition, fastest first.
            ranked = sorted(
                ids,
                key=lambda t: (
                    not any(t.startswith(f) for f in own),
                    t not in users,
                    trace[t]["seconds"],
                    t,
                ),
            )
            m.tests = within_budget(ranked[:cap], trace, budget)
            continue
        else:
            ids = set()
            for n in statement_lines(trees[m.module], m.line, m.end_line):
                ids |= by_line.get(f"{m.module}:{n}", set())
        m.covering = len(ids)
        m.tests = within_budget(order(m.module, ids)[:cap], trace, budget)


# ---- running ------------------------------------------------------------------------------------
def child_args(tree: Path, template: Path, tests: list[str], per_test: int) -> list[str]:
    return [
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "bench.mutation_plugin",
        "--mut-template",
        str(template),
        "--basetemp",
        str(tree / ".mut-tmp"),
        "--timeout",
        str(per_test),
        "-o",
        "addopts=",
        *tests,
    ]


def warm_imports() -> None:
    """Import every third-party module the rule tests import, once, before any fork."""
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, tests.conftest, tests.rules.machine, pytest, hypothesis\n"
            "print('\\n'.join(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    ours = ("app", "db", "ui", "tests", "bench", "__main__", "PySide6", "shiboken6")
    for name in listed:
        if name.split(".")[0] in ours:
            continue
        with contextlib.suppress(Exception):  # a module only importable in its package
            __import__(name)


def run_one(tree: Path, template: Path, m: Mutant, source: str, per_test: int) -> tuple[str, float]:
    path = tree / m.module
    mutated = mutated_source(source, m)
    started = time.perf_counter()
    path.write_text(mutated, encoding="utf-8")
    for stale in (path.parent / "__pycache__").glob(path.stem + ".*"):
        stale.unlink()
    try:
        pid = os.fork()
        if pid == 0:  # the child: pytest in-process, the app imported afresh
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                sys.dont_write_bytecode = True
                import pytest

                code = pytest.main(child_args(tree, template, m.tests, per_test))
                os._exit(int(code))
            except BaseException:
                os._exit(99)
        deadline = time.monotonic() + per_test * max(len(m.tests), 1) + 60
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                return "timeout", time.perf_counter() - started
            time.sleep(0.02)
    finally:
        path.write_text(source, encoding="utf-8")
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return "survived", time.perf_counter() - started
    if code in (1, 99) or code < 0:
        return "killed", time.perf_counter() - started
    # 2 interrupted (a collection error: the mutant breaks an import), 3 internal, 4 usage, 5 none
    return ("killed" if code in (2, 3) else f"error {code}"), time.perf_counter() - started


def worker(plan_path: Path, tree: Path, index: int, count: int, out: Path) -> int:
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    template = Path(plan["template"])
    per_test = int(plan["per_test"])
    os.chdir(tree)
    sys.path.insert(0, str(tree))
    warm_imports()
    sources: dict[str, str] = {}
    until = float(plan.get("until") or 0)
    parent = os.getppid()
    with out.open("a", encoding="utf-8") as log:
        for i, raw in enumerate(plan["mutants"]):
            if i % count != index:
                continue
            if until and time.time() > until:
                break
            if os.getppid() != parent:  # bench/mutation.py was stopped: stop too
                break
            m = Mutant(**raw)
            if not m.tests:
                fate, seconds = "not covered", 0.0
            else:
                if m.module not in sources:
                    sources[m.module] = (tree / m.module).read_text(encoding="utf-8")
                fate, seconds = run_one(tree, template, m, sources[m.module], per_test)
            log.write(json.dumps({"id": m.id, "fate": fate, "seconds": seconds}) + "\n")
            log.flush()
    return 0


def plan_dict(mutants: list[Mutant], template: Path, per_test: int, until: float) -> dict:
    return {
        "template": str(template),
        "per_test": per_test,
        "until": until,
        "mutants": [asdict(m) for m in mutants],
    }


if __name__ == "__main__":
    # python -m bench.mutation_full PLAN TREE INDEX COUNT OUT  (started by bench/mutation.py)
    plan, tree, index, count, out = sys.argv[1:6]
    sys.exit(worker(Path(plan), Path(tree), int(index), int(count), Path(out)))
