"""Long work in a process apart (app/apart.py): the same result as in place, progress and 取消
over the pipe, typed errors typed, bugs with their traceback, the key never in the process's
command line or environment, and a process that dies or hangs is a calm message and replaced."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app import apart, registry
from app.apart import ApartBug, ApartFailed, ApartProcess, run_apart, warm
from app.errors import InvalidInput, PermissionDenied
from app.progress import Cancelled, Progress
from app.reports import catalog
from app.session import Session
from tests.app.apart_jobs import (
    count_until_cancelled,
    crash,
    grow,
    refuse,
    sleep_without_checking,
    song_loaded,
    unpicklable,
    where,
)
from tests.app.test_registry import doc
from tests.pdf_tools import text_of


@pytest.fixture
def process(login: Callable[..., Session]) -> Iterator[tuple[Session, ApartProcess]]:
    session = login("jiyao")
    session.apart = ApartProcess(session.db.path)
    yield session, session.apart
    session.apart.close()


def text_of_bytes(pdf: bytes, folder: Path) -> str:
    path = folder / f"{len(list(folder.iterdir()))}.pdf"
    path.write_bytes(pdf)
    return text_of(path)


def test_a_report_laid_out_apart_is_the_report_laid_out_in_place(process, tmp_path) -> None:
    session, far = process
    registry.register(session, doc())
    heard: list[tuple[int, int]] = []
    pdf = run_apart(
        session, Progress(lambda d, t: heard.append((d, t))), catalog.render, "register", 2026
    )
    session.apart = None
    here = run_apart(session, None, catalog.render, "register", 2026)
    assert "关于做好年终保密检查工作的通知" in text_of_bytes(pdf, tmp_path)
    assert text_of_bytes(pdf, tmp_path) == text_of_bytes(here, tmp_path)
    assert heard and heard[-1][0] == heard[-1][1]  # the last page's progress arrived
    session.apart = far
    pid, login, path = run_apart(session, None, where)
    assert pid == far.pid and pid != os.getpid()
    assert (login, path) == ("jiyao", str(session.db.path))


def test_the_key_travels_by_pipe_only(process) -> None:
    session, far = process
    run_apart(session, None, where)
    key = session.data_key.hex().encode()
    command = Path(f"/proc/{far.pid}/cmdline").read_bytes()
    environment = Path(f"/proc/{far.pid}/environ").read_bytes()
    assert key not in command.lower() and key not in environment.lower()
    assert session.data_key not in command and session.data_key not in environment
    room = session.db.path.parent
    for path in room.iterdir():  # nothing beside the room holds it either
        if path.is_file():
            assert key not in path.read_bytes().lower(), path


def test_the_person_of_each_job_travels_with_it(process, login) -> None:
    session, far = process
    auditor = login("shenji")
    auditor.apart = far
    with pytest.raises(PermissionDenied):  # the auditor may not lay out the 收文登记簿
        run_apart(auditor, None, catalog.render, "register", 2026)
    assert run_apart(session, None, where)[1] == "jiyao"  # and the next job is the custodian's


def test_typed_errors_arrive_typed_and_bugs_with_their_traceback(process) -> None:
    session, far = process
    with pytest.raises(InvalidInput, match="年份须在"):
        run_apart(session, None, refuse)
    with pytest.raises(ApartBug) as bug:
        run_apart(session, None, crash)
    assert "no such key" in str(bug.value) and "in crash" in str(bug.value)
    with pytest.raises(ApartBug, match="pickle"):
        run_apart(session, None, unpicklable)
    pid = far.pid
    assert run_apart(session, None, where)[0] == pid  # the process lives on after both


def test_cancel_stops_the_job_at_its_next_progress_point(process) -> None:
    session, far = process
    progress = Progress()
    threading.Timer(0.5, progress.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        run_apart(session, progress, count_until_cancelled)
    assert time.monotonic() - started < apart.CANCEL_GRACE
    pid = far.pid
    assert pid is not None and run_apart(session, None, where)[0] == pid  # kept, not ended


def test_faults_of_the_process_are_calm_and_the_next_job_gets_a_new_one(
    process, monkeypatch
) -> None:
    """N tried, N caught, none lost: a hung job past 取消's grace, a process killed mid-job, a
    process killed while idle, a process that grew too large."""
    session, far = process
    monkeypatch.setattr(apart, "CANCEL_GRACE", 0.5)
    caught = 0

    # 1. A job that never reaches a progress point: 取消 ends the process after the grace.
    first = run_apart(session, None, where)[0]
    progress = Progress()
    threading.Timer(0.2, progress.cancel).start()
    with pytest.raises(Cancelled):
        run_apart(session, progress, sleep_without_checking)
    caught += 1
    second = run_apart(session, None, where)[0]
    assert second != first

    # 2. Killed in the middle of a job (out of memory, a kill from outside).
    threading.Timer(0.3, lambda: os.kill(second, signal.SIGKILL)).start()
    with pytest.raises(ApartFailed) as failed:
        run_apart(session, None, sleep_without_checking, seconds=30)
    assert "未作任何记录" in failed.value.message
    caught += 1
    third = run_apart(session, None, where)[0]
    assert third not in (first, second)

    # 3. Killed while it waited for work: the next job starts a new one and runs.
    os.kill(third, signal.SIGKILL)
    time.sleep(0.2)
    fourth = run_apart(session, None, where)[0]
    caught += 1
    assert fourth != third

    # 4. A job that grew the process past its limit: it answers, then leaves.
    far.retire_after = 32 * 1024 * 1024
    assert run_apart(session, None, grow) == fourth
    caught += 1
    assert run_apart(session, None, where)[0] != fourth
    print(f"apart faults: 4 tried, {caught} caught, 0 lost")
    assert caught == 4


def test_without_a_process_the_work_runs_in_place(login) -> None:
    session = login("jiyao")
    assert session.apart is None
    assert run_apart(session, None, where)[0] == os.getpid()


def test_warm_starts_the_process_with_its_fonts_before_the_first_job(process) -> None:
    """apart.warm (the window calls it after its opening check) starts the process, which
    loads the report modules and the Song face while it waits: the first report finds them
    ready. Without a process apart it does nothing."""
    session, far = process
    assert far.pid is None
    warm(session)
    started = far.pid
    assert started is not None
    pid, loaded = run_apart(session, None, song_loaded)
    assert (pid, loaded) == (started, True)
    bare = dataclasses.replace(session, apart=None)
    warm(bare)  # in place: nothing to start
