"""The task runner: one worker thread with its own connection, results and typed errors back on
the GUI thread, progress and cancel through app/progress.py."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

import pytest

from app import anchor, audit
from app.errors import InvalidInput, MijianError
from app.progress import Cancelled, Progress
from app.session import Session
from db.keyslots import KeyFile
from ui.tasks import SyncRunner, TaskRunner


@pytest.fixture
def runner(login: Callable[..., Session], qtbot):
    made: list[TaskRunner] = []

    def _make(session: Session) -> TaskRunner:
        made.append(TaskRunner(session))
        return made[-1]

    yield _make
    for r in made:
        r.shutdown()


def test_a_job_runs_on_the_worker_with_its_own_connection_and_no_second_kdf(
    login: Callable[..., Session], runner, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = login("jiyao")

    def no_kdf(*args: object, **kwargs: object) -> None:
        raise AssertionError("the worker must not unwrap a key slot again")

    monkeypatch.setattr(KeyFile, "unwrap", no_kdf)
    monkeypatch.setattr(KeyFile, "unwrap_all", no_kdf)
    tasks = runner(session)
    gui = threading.get_ident()
    seen: dict[str, object] = {}

    def job(worker: Session, progress: Progress) -> int:
        seen["thread"] = threading.get_ident()
        seen["session"] = worker
        progress(1, 2)
        return int(worker.db.scalar("SELECT count(*) FROM account"))

    results: list[int] = []
    reports: list[tuple[int, int, int]] = []
    tasks.run(
        job, results.append, on_progress=lambda d, t: reports.append((d, t, threading.get_ident()))
    )
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    worker = seen["session"]
    assert isinstance(worker, Session)
    assert seen["thread"] != gui and worker.db is not session.db
    assert worker.account == session.account and worker._lock is None
    assert results == [session.db.scalar("SELECT count(*) FROM account")]
    assert reports == [(1, 2, gui)]  # progress arrives on the GUI thread
    # Idle: the worker closed its connection and its thread ended; nothing is left running.
    assert not tasks._thread.isRunning()
    with pytest.raises(Exception, match="closed"):
        worker.db.scalar("SELECT 1")
    assert session.db.scalar("SELECT 1") == 1  # and the window's is untouched
    again: list[int] = []
    tasks.run(job, again.append)  # the next job starts the worker again
    qtbot.waitUntil(lambda: bool(again), timeout=10_000)
    tasks.shutdown()


def test_jobs_run_one_at_a_time_in_order(login: Callable[..., Session], runner, qtbot) -> None:
    tasks = runner(login("jiyao"))
    log: list[str] = []
    lock = threading.Lock()

    def job(name: str) -> Callable[[Session, Progress], str]:
        def run(worker: Session, progress: Progress) -> str:
            with lock:
                log.append(f"start {name}")
            time.sleep(0.05)
            with lock:
                log.append(f"end {name}")
            return name

        return run

    done: list[str] = []
    for name in "abc":
        tasks.run(job(name), done.append)
    qtbot.waitUntil(lambda: len(done) == 3, timeout=10_000)
    assert done == ["a", "b", "c"]
    assert log == ["start a", "end a", "start b", "end b", "start c", "end c"]


def test_typed_errors_reach_on_error_and_bugs_the_crash_hook(
    login: Callable[..., Session], runner, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = runner(login("jiyao"))
    errors: list[MijianError] = []
    crashes: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: crashes.append(exc))

    def refused(worker: Session, progress: Progress) -> None:
        raise InvalidInput("第 3 行：密级“超密”无法识别。")

    def bug(worker: Session, progress: Progress) -> None:
        raise ZeroDivisionError("our bug")

    tasks.run(refused, lambda _: None, errors.append)
    tasks.run(bug, lambda _: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors) and bool(crashes), timeout=10_000)
    assert [e.message for e in errors] == ["第 3 行：密级“超密”无法识别。"]
    assert isinstance(crashes[0], ZeroDivisionError)


def test_cancel_stops_a_job_where_it_checks(login: Callable[..., Session], runner, qtbot) -> None:
    tasks = runner(login("jiyao"))
    started = threading.Event()
    errors: list[MijianError] = []

    def endless(worker: Session, progress: Progress) -> None:
        n = 0
        while True:
            n += 1
            started.set()
            progress(n, 0)
            time.sleep(0.005)

    task = tasks.run(endless, lambda _: None, errors.append)
    qtbot.waitUntil(started.is_set, timeout=10_000)
    queued = tasks.run(
        lambda w, p: pytest.fail("a cancelled job never starts"), lambda _: None, errors.append
    )
    queued.cancel()
    task.cancel()
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=10_000)
    assert all(isinstance(e, Cancelled) for e in errors)
    assert task.finished and queued.finished and not tasks.busy


def test_a_commit_on_the_worker_moves_the_room_anchor(
    login: Callable[..., Session], runner, qtbot
) -> None:
    session = login("jiyao")
    tasks = runner(session)

    def write(worker: Session, progress: Progress) -> int:
        with worker.db.transaction():
            return audit.record(worker.db, worker.clock, worker.account.login, "测试", "x").seq

    done: list[int] = []
    tasks.run(write, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    point = anchor.Anchor(session.db, anchor.anchor_path(session.db.path)).read()
    assert point is not None and point.seq == done[0] == anchor.room_point(session.db).seq


def test_the_synchronous_runner_for_tests(login: Callable[..., Session]) -> None:
    session = login("jiyao")
    sync = SyncRunner(session)
    got: list[object] = []
    task = sync.run(lambda s, p: (s is session, threading.get_ident()), got.append)
    assert task.finished and got == [(True, threading.get_ident())]
    errors: list[MijianError] = []
    sync.run(lambda s, p: p.check() or Progress.cancel(p) or p.check(), got.append, errors.append)
    assert isinstance(errors[0], Cancelled)
