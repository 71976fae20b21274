"""Chunked, resumable imports: each chunk commits with its audit and its job record; a stopped
file resumes after its last chunk, a finished one is refused, no row is registered twice."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app import audit, ledger_import, ledger_jobs, register_query
from app.errors import DiskFull, InvalidInput
from app.ledger_import import AlreadyImported, import_ledger, preview
from app.ledger_read import file_digest
from app.progress import Cancelled, Progress
from app.register_query import RegisterFilter
from app.session import Session
from tests.app.test_ledger_import import HEADERS


def ledger_rows(n: int, start: int = 0) -> list[list[str]]:
    return [
        [
            str(i + 1),
            "2025-03-02",
            "市委办公室",
            f"市委办发〔2025〕{i + 1}号",
            f"导入测试文件{i}",
            "秘密",
            "1",
            "000001",
            "3",
            "",
        ]
        for i in range(start, start + n)
    ]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def imports(session: Session) -> list[audit.AuditEvent]:
    return [e for e in audit.page(session.db, None, 500) if e.action == "导入台账"]


def test_each_chunk_commits_with_its_audit_and_the_job(
    login: Callable[..., Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger_import, "LOCK_SECONDS", 60.0)  # the chunk alone decides here
    custodian = login("jiyao")
    ledger = write_csv(tmp_path / "l.csv", ledger_rows(7))
    report = import_ledger(custodian, ledger, chunk_rows=3)
    assert report.count("已导入") == 7 and report.complete
    chunks = sorted(imports(custodian), key=lambda e: e.seq)
    assert [e.details["rows"] for e in chunks] == ["2-4", "5-7", "8-8"]
    assert [e.details["finished"] for e in chunks] == [False, False, True]
    # every registered copy has its own 登记收文 event, in its chunk's transaction
    registered = [e for e in audit.page(custodian.db, None, 500) if e.action == "登记收文"]
    assert len(registered) == 7
    job = ledger_jobs.find(custodian.db, file_digest(ledger))
    assert job is not None and job.finished and job.last_line == 8 and job.imported == 7


def test_cancel_stops_after_the_chunk_and_the_same_file_resumes(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    custodian = login("jiyao")
    ledger = write_csv(tmp_path / "l.csv", ledger_rows(10))
    progress = Progress()
    seen: list[int] = []

    def stop_after_first(done: int, total: int) -> None:
        seen.append(done)
        progress.cancel()
        progress(done, total)

    first = import_ledger(custodian, ledger, progress=stop_after_first, chunk_rows=4)
    assert first.stopped_after == 5 and first.count("已导入") == 4 and not first.complete
    assert "已取消：已提交到第 5 行" in first.summary
    assert register_query.count(custodian.db, RegisterFilter()) == 4
    look = preview(custodian, ledger)
    assert look.job is not None and "将从第 6 行继续" in look.note

    second = import_ledger(custodian, ledger, chunk_rows=4)
    assert second.resumed_after == 5 and second.count("已导入") == 6
    assert second.summary.startswith("从第 6 行继续导入：已导入 6 行")
    assert register_query.count(custodian.db, RegisterFilter()) == 10
    with pytest.raises(AlreadyImported, match=r"该文件已于 \d{4}-\d\d-\d\d \d\d:\d\d 导入"):
        import_ledger(custodian, ledger)
    assert "不会再次导入" in preview(custodian, ledger).note


def test_a_cancel_raised_by_the_reporter_keeps_what_was_committed(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    custodian = login("jiyao")
    ledger = write_csv(tmp_path / "l.csv", ledger_rows(6))

    def cancel(done: int, total: int) -> None:
        raise Cancelled()

    report = import_ledger(custodian, ledger, progress=cancel, chunk_rows=2)
    assert report.stopped_after == 3 and report.count("已导入") == 2


def test_a_failure_inside_a_chunk_rolls_back_that_chunk_only(
    login: Callable[..., Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import registry

    custodian = login("jiyao")
    ledger = write_csv(tmp_path / "l.csv", ledger_rows(6))
    real = registry.register_checked
    calls = {"n": 0}

    def failing(session, clean, numbers, warnings, **options):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 4:  # the second chunk's second row: after its first row was written
            raise DiskFull("磁盘空间不足。")
        return real(session, clean, numbers, warnings, **options)

    monkeypatch.setattr(registry, "register_checked", failing)
    with pytest.raises(DiskFull, match="第 5 行无法登记：磁盘空间不足。（第 3 行及之前已提交"):
        import_ledger(custodian, ledger, chunk_rows=2)
    assert register_query.count(custodian.db, RegisterFilter()) == 2
    assert audit.verify(custodian.db).ok
    monkeypatch.setattr(registry, "register_checked", real)
    report = import_ledger(custodian, ledger, chunk_rows=2)
    assert report.resumed_after == 3 and report.count("已导入") == 4
    numbers = [r.number for r in register_query.page(custodian.db, RegisterFilter(), limit=10)]
    assert sorted(numbers) == [f"2025-{n:04d}" for n in range(1, 7)]  # gapless


def test_the_same_rows_in_another_file_are_already_there(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    custodian = login("jiyao")
    import_ledger(custodian, write_csv(tmp_path / "a.csv", ledger_rows(5)), chunk_rows=2)
    both = write_csv(tmp_path / "b.csv", ledger_rows(5) + ledger_rows(2, start=5))
    report = import_ledger(custodian, both, chunk_rows=2)
    assert (report.count("已导入"), report.count("已存在"), report.count("错误")) == (2, 5, 0)
    # a copy listed twice in one file: the second row names the first, even chunks apart
    twice = write_csv(
        tmp_path / "c.csv",
        [*ledger_rows(1, start=9), *ledger_rows(3, start=20), *ledger_rows(1, start=9)],
    )
    again = import_ledger(custodian, twice, chunk_rows=2)
    errors = {r.line: r.message for r in again.rows if r.status == "错误"}
    assert errors == {6: "份号 000001 与本文件第 2 行重复。"}


def test_a_resume_keeps_its_column_mapping(login: Callable[..., Session], tmp_path: Path) -> None:
    custodian = login("jiyao")
    ledger = write_csv(tmp_path / "l.csv", ledger_rows(4))

    def cancel(done: int, total: int) -> None:
        raise Cancelled()

    import_ledger(custodian, ledger, progress=cancel, chunk_rows=2)
    look = preview(custodian, ledger)
    changed = dict(look.mapping, remarks=0)
    with pytest.raises(InvalidInput, match="继续导入须用同样的列对应"):
        import_ledger(custodian, ledger, changed)
    assert import_ledger(custodian, ledger, look.mapping).count("已导入") == 2


def test_the_job_record_only_moves_forward(login: Callable[..., Session], tmp_path: Path) -> None:
    custodian = login("jiyao")
    ledger = write_csv(tmp_path / "l.csv", ledger_rows(2))
    import_ledger(custodian, ledger)
    db = custodian.db
    for sql in (
        "UPDATE import_job SET finished_at = NULL",
        "UPDATE import_job SET last_line = 1",
        "DELETE FROM import_job",
    ):
        with pytest.raises(Exception, match="import job"):
            db.execute(sql)


def test_a_transaction_holds_the_write_lock_only_briefly(
    login: Callable[..., Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger_import, "LOCK_SECONDS", 0.0)  # a row, and the lock is let go
    custodian = login("jiyao")
    report = import_ledger(custodian, write_csv(tmp_path / "l.csv", ledger_rows(3)))
    assert report.count("已导入") == 3
    chunks = sorted(imports(custodian), key=lambda e: e.seq)
    assert [(e.details["rows"], e.details["finished"]) for e in chunks] == [
        ("2-2", False),
        ("3-3", False),
        ("4-4", True),
    ]


def test_a_row_without_a_doc_number_is_found_by_its_day(login: Callable[..., Session]) -> None:
    from app.ledger_rows import SAME_DAY_SQL

    db = login("jiyao").db
    rows = db.query("EXPLAIN QUERY PLAN " + SAME_DAY_SQL, ("", "", ""))
    plan = " ".join(r[3] for r in rows)
    assert "document_without_number" in plan, plan


def test_the_duplicate_check_starts_from_the_document(login: Callable[..., Session]) -> None:
    """It used to start from copy_no_index: every copy numbered 000001 in the room, per row."""
    from app import registration_checks

    db = login("jiyao").db
    captured: list[str] = []
    original = db.one

    def capture(sql: str, params: tuple[object, ...] = ()) -> object:
        captured.append(sql)
        return original(sql, params)

    db.one = capture  # type: ignore[method-assign]
    registration_checks.refuse_duplicates(db, "市委办公室", "市委办发〔2025〕1号", ["000001"])
    db.one = original  # type: ignore[method-assign]
    plan = [r[3] for r in db.query("EXPLAIN QUERY PLAN " + captured[0], ("", "", ""))]
    assert plan[0].startswith("SEARCH d USING INDEX document_issuer_number"), plan


def test_an_unclassified_row_with_a_doc_number_and_no_copy_numbers(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    """Its copies are numbered 000001… as by hand, so the register's rule applies to them: a
    second row for the same 文号 is 已存在, never an error that stops the import."""
    custodian = login("jiyao")
    row = ["1", "2025-03-02", "区财政局", "区财〔2025〕5号", "预算通知", "非密", "1", "", "2", ""]
    import_ledger(custodian, write_csv(tmp_path / "a.csv", [row]))
    later = [*row[:1], "2025-03-09", *row[2:4], "预算通知（另一标题）", *row[5:]]
    report = import_ledger(custodian, write_csv(tmp_path / "b.csv", [later, *ledger_rows(1)]))
    assert (report.count("已导入"), report.count("已存在")) == (1, 1)
    assert report.rows[0].message == "各份均已登记。"


def test_writers_in_one_process_take_turns_and_see_who_waits(
    login: Callable[..., Session],
) -> None:
    """The window's connection and the worker's: a writer that waits is seen, and served next."""
    import threading

    from app.room import worker_session

    window = login("jiyao")
    worker = worker_session(window)
    order: list[str] = []
    holding, waiting_seen = threading.Event(), threading.Event()

    def import_like() -> None:
        with worker.db.transaction():
            holding.set()
            while not worker.db.writer_waiting:  # the import ends its transaction here
                time.sleep(0.001)
            waiting_seen.set()
            order.append("worker")
        with worker.db.transaction():  # straight back for the next one: it must queue behind
            order.append("worker again")

    thread = threading.Thread(target=import_like)
    thread.start()
    holding.wait(10)
    with window.db.transaction():
        order.append("window")
    thread.join(10)
    worker.db.close()
    assert order == ["worker", "window", "worker again"]


def test_a_row_whose_copies_are_partly_registered_is_refused_whole(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    """The import checks the register's duplicate rule itself (registering then skips it): a
    row with one copy registered by hand and one new is refused, and neither is written."""
    from app import registry
    from app.registration_checks import DocumentInput

    custodian = login("jiyao")
    registry.register(
        custodian,
        DocumentInput(
            issuer="市委办公室",
            source="市",
            title="手工登记的一件",
            level="秘密",
            copy_numbers="000001",
            doc_number="市委办发〔2025〕1号",
            pages=3,
        ),
    )
    row = ledger_rows(1)[0]
    row[7] = "000001-000002"
    row[6] = "2"
    report = import_ledger(custodian, write_csv(tmp_path / "l.csv", [row]))
    assert report.count("错误") == 1 and report.count("已导入") == 0
    assert "第 000001 份已于收文编号 2026-0001 登记" in report.rows[0].message
    assert register_query.count(custodian.db, RegisterFilter()) == 1


def test_logins_go_on_while_an_import_runs(login: Callable[..., Session], tmp_path: Path) -> None:
    """The import used to hold the write lock for the whole file: every login was refused."""
    import threading

    from app.room import worker_session

    custodian = login("jiyao")
    worker = worker_session(custodian)
    ledger = write_csv(tmp_path / "l.csv", ledger_rows(3000))
    started, results = threading.Event(), []

    def run() -> None:
        results.append(import_ledger(worker, ledger, progress=lambda done, total: started.set()))

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(60)
    waits = []
    for user in ("baomi", "shenji", "jiyao"):
        begun = time.perf_counter()
        login(user).close()  # its 登录 event is a write
        waits.append(time.perf_counter() - begun)
    still_running = thread.is_alive()
    thread.join(120)
    worker.db.close()
    assert still_running, "the import ended before the logins: make the ledger longer"
    assert results[0].count("已导入") == 3000
    assert max(waits) < 3.0, waits  # a login's own work (Argon2id) plus one short transaction
