"""One task runner: slow work runs on one worker thread, never on the GUI thread.

Shaped like Anki's QueryOp/CollectionOp. A job is a plain function `job(session, progress)`
from app/ (Qt-free): it gets a Session bound to the worker's own connection and an
`app.progress.Progress` to report through and to check for 取消. Its result reaches `on_done`, a
typed error (`MijianError`, `Cancelled` among them) reaches `on_error`, both on the GUI thread;
anything else is a bug and goes to the crash dialog (sys.excepthook).

    task = runner.run(
        lambda session, progress: ledger_import.import_ledger(session, path, progress=progress),
        on_done=self._imported,
        on_error=self._failed,
        on_progress=self._bar.setValue2,  # (done, total), on the GUI thread
    )
    task.cancel()  # the job stops where it next checks; what it committed stays

Threads and connections (the contract db/connection.py promises):
- The GUI thread owns the window's `session.db` and is the only thread that touches it.
- The worker thread owns a second connection to the same room, opened on the worker at the
  first job of a run of jobs with the session's raw data key (app.room.worker_session: no
  second Argon2 KDF), and closed on the worker when the queue is empty (the thread then ends,
  so an idle runner leaves nothing running) or at `shutdown()`. Only jobs touch it, one at a
  time, in the order they were run: a single worker serialises the room's background work.
- Both connections are in WAL mode: the window reads while a job writes, and a job's write
  transactions are short (the import commits in chunks), so the window's own writes wait at
  most one chunk (busy_timeout).
Tests inject `SyncRunner`, which runs the job at once on the caller's thread and connection.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from app.progress import Progress
from app.room import worker_session
from app.session import Session
from db.errors import MijianError

Job = Callable[[Session, Progress], Any]
OnDone = Callable[[Any], None]
OnError = Callable[[MijianError], None]
OnProgress = Callable[[int, int], None]


@dataclass
class Task:
    """A handle on a job that was run: ask it to stop, or see whether it is over."""

    progress: Progress
    finished: bool = False
    _callbacks: tuple[OnDone, OnError | None, OnProgress | None] = field(
        default=(lambda _: None, None, None), repr=False
    )

    def cancel(self) -> None:
        self.progress.cancel()


class Runner(Protocol):
    def run(
        self,
        job: Job,
        on_done: OnDone,
        on_error: OnError | None = None,
        on_progress: OnProgress | None = None,
    ) -> Task: ...

    def shutdown(self) -> None: ...


def _unexpected(exc: BaseException) -> None:
    """Our bug: the crash dialog's hook shows it, with its traceback."""
    sys.excepthook(type(exc), exc, exc.__traceback__)


class SyncRunner:
    """For tests (and nothing else): the job runs at once, on the caller's thread and session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def run(
        self,
        job: Job,
        on_done: OnDone,
        on_error: OnError | None = None,
        on_progress: OnProgress | None = None,
    ) -> Task:
        task = Task(Progress(on_progress))
        try:
            result = job(self._session, task.progress)
        except MijianError as exc:
            task.finished = True
            if on_error is None:
                raise
            on_error(exc)
            return task
        task.finished = True
        on_done(result)
        return task

    def shutdown(self) -> None:
        return None


class _Worker(QObject):
    """Lives on the worker thread; everything it does happens there."""

    done = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, int, int)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._window_session = session  # read only for its path, key and account
        self._session: Session | None = None  # the worker's own connection

    @Slot(int, object, object)
    def run(self, task_id: int, job: Job, progress: Progress) -> None:
        try:
            progress.check()  # cancelled while it waited in the queue: do not start it
            if self._session is None:
                self._session = worker_session(self._window_session)
            result = job(self._session, progress)
        except BaseException as exc:  # noqa: BLE001 — handed to the GUI thread, typed or not
            self.failed.emit(task_id, exc)
        else:
            self.done.emit(task_id, result)

    @Slot()
    def close(self) -> None:
        if self._session is not None:
            self._session.db.close()
            self._session = None


class TaskRunner(QObject):
    """The one worker. Create it on the GUI thread; call `shutdown()` before the session closes."""

    _submit = Signal(int, object, object)
    _close = Signal()

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: dict[int, Task] = {}
        self._ids = itertools.count(1)
        self._thread = QThread()
        self._thread.setObjectName("mijian-task-worker")
        self._worker = _Worker(session)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)  # queued: the worker lives on its thread
        # Blocking: shutdown returns once the worker has finished its job and closed its
        # connection, so the window's session may close right after.
        self._close.connect(self._worker.close, Qt.ConnectionType.BlockingQueuedConnection)
        self._worker.done.connect(self._done)
        self._worker.failed.connect(self._failed)
        self._worker.progressed.connect(self._progressed)
        self._running = True
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def run(
        self,
        job: Job,
        on_done: OnDone,
        on_error: OnError | None = None,
        on_progress: OnProgress | None = None,
    ) -> Task:
        if not self._running:
            raise RuntimeError("the task runner has been shut down")
        task_id = next(self._ids)
        worker = self._worker

        def report(done: int, total: int) -> None:  # on the worker thread: hand over by signal
            worker.progressed.emit(task_id, done, total)

        task = Task(Progress(report), _callbacks=(on_done, on_error, on_progress))
        self._tasks[task_id] = task
        if not self._thread.isRunning():
            self._thread.start()
        self._submit.emit(task_id, job, task.progress)
        return task

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def shutdown(self) -> None:
        """Cancel what is queued or running, wait for the worker, close its connection."""
        if not self._running:
            return
        self._running = False
        for task in self._tasks.values():
            task.cancel()
        self._stop_thread()
        self._tasks.clear()

    def _stop_thread(self) -> None:
        """Close the worker's connection on the worker, then end the thread. An idle runner
        has no thread and no connection: nothing is left running when its owner goes away."""
        if self._thread.isRunning():
            self._close.emit()  # blocking: waits for the job in hand, if any
            self._thread.quit()
            self._thread.wait()

    # ---- on the GUI thread --------------------------------------------------------------
    @Slot(int, object)
    def _done(self, task_id: int, result: object) -> None:
        task = self._tasks.pop(task_id, None)
        if task is None:
            return
        task.finished = True
        task._callbacks[0](result)
        self._rest_if_idle()

    @Slot(int, object)
    def _failed(self, task_id: int, exc: BaseException) -> None:
        task = self._tasks.pop(task_id, None)
        if task is None:
            return
        task.finished = True
        on_error = task._callbacks[1]
        try:
            if isinstance(exc, MijianError) and on_error is not None:
                on_error(exc)
            else:
                _unexpected(exc)
        finally:
            self._rest_if_idle()

    def _rest_if_idle(self) -> None:
        if not self._tasks:  # a callback that ran the next job keeps the worker going
            self._stop_thread()

    @Slot(int, int, int)
    def _progressed(self, task_id: int, done: int, total: int) -> None:
        task = self._tasks.get(task_id)
        if task is not None and task._callbacks[2] is not None:
            task._callbacks[2](done, total)
