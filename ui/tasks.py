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
  so an idle runner leaves no thread running) or at `shutdown()`. Only jobs touch it, one at a
  time, in the order they were run: a single worker serialises the room's background work.
- Long layouts and the full check (`app.apart.run_apart`) leave the worker for a process of
  the runner's own, with a third connection of its own, so they never hold the interpreter the
  window runs in; the worker thread only waits for them. The process is started by the first
  such job (about a second: its imports) and kept for the next until `shutdown()` ends it.
- All connections are in WAL mode: the window reads while a job writes, and a job's write
  transactions are short (the import commits in chunks), so the window's own writes wait at
  most one chunk (busy_timeout).
Tests inject `SyncRunner`, which runs the job at once on the caller's thread and connection.
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.apart import ApartProcess
from app.errors import MijianError
from app.progress import Progress
from app.room import worker_session
from app.session import Session
from ui.errors import calm
from ui.foreground import SWITCH_INTERVAL, InputWatch, settle_heap

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
        # Long layouts and the full check go one step further, to a process of their own
        # (app/apart.py), started at the first such job and kept for the next.
        self.apart = ApartProcess(session.db.path)

    @Slot(int, object, object)
    def run(self, task_id: int, job: Job, progress: Progress) -> None:
        try:
            progress.check()  # cancelled while it waited in the queue: do not start it
            if self._session is None:
                self._session = worker_session(self._window_session)
                self._session.apart = self.apart
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
        # The GUI thread waits up to the switch interval for the worker to hand back the GIL
        # each time it wants it back, and a scan wants it back for every Qt-to-Python call and
        # after every SQLite call: at the default 5 ms a scan during a report took 0.8 s, at
        # 0.2 ms 0.3 s (bench/desk.py); the rest is app.progress.Foreground's.
        sys.setswitchinterval(SWITCH_INTERVAL)
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
        self._watch = InputWatch(self)
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
        settle_heap()
        app = QCoreApplication.instance()
        if app is not None and not self._tasks.keys() - {task_id}:  # the first job of a run
            app.installEventFilter(self._watch)
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
        self._worker.apart.close()  # the worker thread has ended: nothing else uses it
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
            app = QCoreApplication.instance()
            if app is not None:
                app.removeEventFilter(self._watch)
            self._stop_thread()

    @Slot(int, int, int)
    def _progressed(self, task_id: int, done: int, total: int) -> None:
        task = self._tasks.get(task_id)
        if task is not None and task._callbacks[2] is not None:
            task._callbacks[2](done, total)


# ---- one runner per window, handing results over, and a progress window ----------------------
def runner_for(widget: QWidget, session: Session) -> Runner:
    """The window's one runner: kept on the widget's top ancestor (the main window, or a dialog
    standing alone), made at the first job. Tests put a SyncRunner there with `use_runner`."""
    top = _top(widget)
    runner = getattr(top, _RUNNER, None)
    if runner is None:
        made = TaskRunner(session)
        setattr(top, _RUNNER, made)
        # When the window goes, its worker goes: the job in hand is cancelled and waited for.
        top.destroyed.connect(lambda *_: made.shutdown())
        return made
    return cast(Runner, runner)


def use_runner(widget: QWidget, runner: Runner) -> None:
    """Make `runner` the runner of `widget`'s window (tests: a SyncRunner)."""
    setattr(_top(widget), _RUNNER, runner)


def shutdown_runner(widget: QWidget) -> None:
    """Before the window's session closes: cancel and wait for the window's worker, if it has
    one (a backup finishes; a report or a check stops where it next checks)."""
    top = _top(widget)
    runner = getattr(top, _RUNNER, None)
    if runner is not None:
        delattr(top, _RUNNER)
        cast(Runner, runner).shutdown()


_RUNNER = "task_runner"


def _top(widget: QWidget) -> QWidget:
    parent = widget.parentWidget()
    while parent is not None:
        widget, parent = parent, parent.parentWidget()
    return widget


def job_session(worker: Session) -> Session:
    """This job's own view of the worker's session, to build an `Output` with.

    An Output's record (the audit of a printed or saved report) runs on the GUI thread after
    the bytes are on the medium, long after the worker closed its connection; `hand_over`
    moves this object (and so the record that holds it) onto the window's connection. Only
    records that read `session.db` when they run may go through here (app/reports/catalog.py
    and app/reports/audit_pdf.py do; a record that captured `session.db` at build time not).
    """
    return dataclasses.replace(worker)


def hand_over(mine: Session, window: Session) -> None:
    """On the GUI thread, once the job is over: the job's session now writes through the
    window's connection (the worker's is closed or belongs to the next job)."""
    mine.db = window.db


class ProgressWindow(QDialog):
    """A bar and 取消 while a job runs on the runner, shown only if the job takes longer than
    400 ms. Not modal: the counter goes on while a year's register is laid out (a scan at the
    desk, the refresh timer, the idle lock), and the window never spins the event loop itself
    (a modal QProgressDialog would, inside every setValue)."""

    SHOW_AFTER_MS = 400

    def __init__(
        self, parent: QWidget | None, title: str, text: str, cancellable: bool = True
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.cancel_button = QPushButton("取消")
        # A job that cannot stop half-way (one backup statement) offers no 取消 it would ignore.
        self.cancel_button.setVisible(cancellable)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addLayout(row)
        self.task: Task | None = None
        self.ended = False
        self.cancel_button.clicked.connect(self.cancel)
        QTimer.singleShot(self.SHOW_AFTER_MS, self, self._show_if_running)

    def _show_if_running(self) -> None:
        if not self.ended:
            self.show()

    def progressed(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, done, 1))
        self.bar.setValue(min(done, max(total, 1)))

    def cancel(self) -> None:
        if self.task is not None and not self.task.finished:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("正在取消…")
        else:
            self.end()

    def reject(self) -> None:  # Esc or the window's close button: the same as 取消
        if self.cancel_button.isVisible() or self.ended:
            self.cancel()

    def end(self) -> None:
        self.ended = True
        self.hide()
        self.deleteLater()


def run_with_progress(
    parent: QWidget,
    runner: Runner,
    title: str,
    text: str,
    job: Job,
    on_done: OnDone,
    on_error: OnError,
    cancellable: bool = True,
) -> ProgressWindow:
    """Run `job` with a ProgressWindow; the window closes before `on_done`/`on_error` run. An
    OSError of the job (a pulled USB stick, a full disk) arrives as a calm MijianError."""
    window = ProgressWindow(parent, title, text, cancellable)

    def calmly(session: Session, progress: Progress) -> Any:
        try:
            return job(session, progress)
        except OSError as exc:
            raise _calm_os_error(exc) from exc

    def done(result: Any) -> None:
        window.end()
        on_done(result)

    def failed(exc: MijianError) -> None:
        window.end()
        on_error(exc)

    window.task = runner.run(calmly, done, failed, window.progressed)
    if window.task.finished:
        window.end()
    return window


def _calm_os_error(exc: OSError) -> MijianError:
    calmed = calm(exc)
    assert calmed is not None
    return calmed


class Call(QObject):
    """One call on a short-lived thread of its own, for work done before there is a session to
    give a TaskRunner: logging in (the key slot's Argon2, opening the room, a migration). What
    the call opens (the session's connection) is handed to the GUI thread with its result, and
    from then on the GUI thread alone uses it (db/connection.py's contract). The result reaches
    `on_done`, a typed error `on_error`, both on the GUI thread; anything else is a bug and goes
    to the crash dialog, after `on_bug` (a dialog puts itself back). Keep a reference until it
    is `finished`."""

    _done = Signal(object)
    _failed = Signal(object)

    def __init__(
        self,
        call: Callable[[], Any],
        on_done: OnDone,
        on_error: OnError,
        on_bug: Callable[[], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.finished = False
        self._call = call
        self._on_done, self._on_error, self._on_bug = on_done, on_error, on_bug
        # Emitted on the call's thread, received on this object's (the GUI) thread: queued.
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(self._fail, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._run, name="mijian-call", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            result = self._call()
        except BaseException as exc:  # noqa: BLE001 — handed to the GUI thread, typed or not
            self._failed.emit(exc)
        else:
            self._done.emit(result)

    @Slot(object)
    def _deliver(self, result: object) -> None:
        self._thread.join()
        self.finished = True
        self._on_done(result)

    @Slot(object)
    def _fail(self, exc: BaseException) -> None:
        self._thread.join()
        self.finished = True
        if isinstance(exc, MijianError):
            self._on_error(exc)
            return
        if self._on_bug is not None:
            self._on_bug()
        _unexpected(exc)


def on_own_connection(
    session: Session,
    work: Callable[[Session], Any],
    on_done: OnDone,
    on_error: OnError,
    on_bug: Callable[[], None] | None = None,
    parent: QObject | None = None,
) -> Call:
    """`work(session)` on a thread of its own, through a connection of its own (opened with the
    raw data key: no second KDF) that is closed on that thread when the work ends. For short
    work that must not wait behind the runner's queue (a year's report may be laying out there)
    and must not stall the window: an approval's password checks (Argon2 ≈0.23 s each, two
    for a sealing). What it commits the window reads after `on_done`."""

    def call() -> Any:
        mine = worker_session(session)
        try:
            return work(mine)
        finally:
            mine.db.close()

    return Call(call, on_done, on_error, on_bug, parent)
