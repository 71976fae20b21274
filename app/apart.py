"""Long layouts and the full check in a process of their own, so the window's interpreter is
never shared with them.

A report of a thousand pages is pure Python (reportlab) from its first row to its last byte: on
a thread beside the window it holds the interpreter's lock for whole pages at a time, and the
window waited up to a third of a second for it between two key presses of a scan. In a process
of its own it holds nothing the window needs: the window's thread and the job's process each
have their own interpreter and their own connection to the room.

    pdf = run_apart(session, progress, catalog.render, "handovers", 2026)

`run_apart` runs `fn(session, *args, progress=…, **kwargs)` in the session's `ApartProcess` when
it has one (the window's task worker gives its session one, ui/tasks.py), and in place when it
has none (the command line, the tests' synchronous runner), so the same function serves both.
`fn` must be a module-level function and its arguments and result picklable; the result comes
back whole (a PDF's bytes) and the record of what was done with it (the audit of a printed
report) is made by the caller, in its own transaction, once the bytes reached the medium.

Threads, processes and connections: an `ApartProcess` is used from one thread at a time (the
task worker's); its process is started at the first job, or ahead of it by `warm` (the window
does so after its opening check), spawned, never forked from a process running Qt; it loads
the report modules and the Song face at once (about a second, then not again), opens its own connection to the room with the data key handed over the pipe
(never argv, environment or a file: `tests/app/test_apart.py` reads the child's command line
and environment), runs one job at a time, and is kept warm for the next job until `close()`.
A process whose job grew it past `RETIRE_AFTER_BYTES` leaves after the job and the next call
starts a fresh one. 取消 is a message the job reads at its next progress point; a process that
does not stop within `CANCEL_GRACE` seconds, or dies, is ended, and the next call starts anew.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import pickle
import resource
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import MijianError
from app.progress import Cancelled, Progress, ProgressCallback

if TYPE_CHECKING:
    from app.session import Session
    from db.connection import Database

RETIRE_AFTER_BYTES = 512 * 1024 * 1024
CANCEL_GRACE = 5.0
PROGRESS_EVERY = 0.05  # seconds between progress messages from the process
POLL = 0.05


class ApartFailed(MijianError):
    message = "生成报表的进程意外退出，未作任何记录。请重试；若再次出现，请联系系统管理员。"


class ApartBug(RuntimeError):
    """A bug in the job, raised in the other process: its traceback is in the message, so the
    crash dialog shows where it happened."""


def run_apart(
    session: Session,
    progress: ProgressCallback | None,
    fn: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> Any:
    """`fn(session, *args, progress=progress, **kwargs)` in the session's process apart, or in
    place when the session has none."""
    apart = session.apart
    if apart is None:
        return fn(session, *args, progress=progress, **kwargs)
    followed = progress if isinstance(progress, Progress) else Progress(progress)
    return apart.call(session, followed, fn, args, kwargs)


def warm(session: Session) -> None:
    """Start the session's process ahead of its first job, so that the first report does not
    wait for its start, imports and fonts. Nothing of the room goes with it: the key and the
    person travel with the first job, as always."""
    if session.apart is not None:
        session.apart.start()


class ApartProcess:
    """One process for the long work in one room (see the module's text)."""

    def __init__(self, path: Path, retire_after: int = RETIRE_AFTER_BYTES) -> None:
        self._path = path
        self.retire_after = retire_after
        self._process: BaseProcess | None = None
        self._pipe: Connection | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the process if none is running (returns at once; it opens the room itself)."""
        if self._process is not None and self._process.is_alive():
            return
        self._end()
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs,), name="mijian-apart", daemon=True)
        try:
            process.start()
        except OSError as exc:  # no memory or no process slot left: calm, and nothing recorded
            mine.close()
            theirs.close()
            raise ApartFailed() from exc
        theirs.close()
        self._process, self._pipe = process, mine

    def call(
        self,
        session: Session,
        progress: Progress,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        """`fn(session, *args, progress=…, **kwargs)` in the process, as the person of `session`
        at this moment (its account, clock and key travel with each job; its connection, lock
        and process stay here)."""
        progress.check()
        self.start()
        assert self._pipe is not None
        bare = dataclasses.replace(session, db=None, _lock=None, apart=None)  # type: ignore[arg-type]
        job = ("job", self._path, self.retire_after, bare, fn, args, kwargs)
        try:
            self._pipe.send(job)  # a job that cannot be pickled raises here: a bug
        except OSError as exc:
            self._end()
            raise ApartFailed() from exc
        return self._follow(progress)

    def close(self) -> None:
        """Ask the process to close its connection and leave; end it if it does not."""
        if self._pipe is not None:
            self._send_quietly(("stop",))
        if self._process is not None:
            self._process.join(CANCEL_GRACE)
        self._end()

    # ---- on the calling thread ------------------------------------------------------------
    def _follow(self, progress: Progress) -> Any:
        assert self._pipe is not None and self._process is not None
        asked_at: float | None = None
        while True:
            if progress.cancelled and asked_at is None:
                asked_at = time.monotonic()
                self._send_quietly(("cancel",))
            if asked_at is not None and time.monotonic() - asked_at > CANCEL_GRACE:
                self._end()  # it did not stop at a progress point: end it, start anew next time
                raise Cancelled()
            try:
                ready = self._pipe.poll(POLL)  # the interpreter's lock is free while it waits
                message = self._pipe.recv() if ready else None
            except (EOFError, OSError) as exc:
                self._end()
                raise ApartFailed() from exc
            if message is None:
                if not self._process.is_alive():
                    self._end()
                    raise ApartFailed()
                continue
            kind = message[0]
            if kind == "progress":
                progress.tell(message[1], message[2])
                continue
            # An answer: (kind, what, whether the process leaves after it).
            if message[2]:
                self._end(wait=True)
            if kind == "done":
                return message[1]
            if kind == "error":
                raise message[1]
            raise ApartBug(message[1])

    def _send_quietly(self, message: tuple[Any, ...]) -> None:
        with contextlib.suppress(OSError):
            assert self._pipe is not None
            self._pipe.send(message)

    def _end(self, wait: bool = False) -> None:
        process, pipe = self._process, self._pipe
        self._process = self._pipe = None
        if pipe is not None:
            pipe.close()
        if process is None:
            return
        if wait:
            process.join(CANCEL_GRACE)
        if process.is_alive():
            process.terminate()
            process.join(1.0)
        if process.is_alive():
            process.kill()
            process.join()
        process.close()


def probe(timeout: float = 30.0) -> bool:
    """Whether a process apart starts and answers: the built program's self-check (a frozen
    program must hand such a process over at its start, app/__main__.py)."""
    context = multiprocessing.get_context("spawn")
    mine, theirs = context.Pipe()
    process = context.Process(target=_echo, args=(theirs,), name="mijian-probe", daemon=True)
    try:
        process.start()
    except OSError:
        return False
    theirs.close()
    try:
        mine.send("ping")
        return bool(mine.poll(timeout)) and mine.recv() == "ping"
    except (EOFError, OSError):
        return False
    finally:
        mine.close()
        process.join(CANCEL_GRACE)
        if process.is_alive():
            process.kill()
            process.join()


def _echo(pipe: Connection) -> None:
    pipe.send(pipe.recv())


# ---- in the process apart -----------------------------------------------------------------------
class _Remote(Progress):
    """The job's progress in the process: reports over the pipe (a few times a second at
    most) and reads 取消 from it at every check."""

    def __init__(self, pipe: Connection) -> None:
        super().__init__(self._send)
        self._pipe = pipe
        self._sent = 0.0

    def _send(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._sent >= PROGRESS_EVERY or done >= total:
            self._sent = now
            self._pipe.send(("progress", done, total))

    def check(self) -> None:
        if not self.cancelled and self._pipe.poll():
            self._pipe.recv()  # the only message sent during a job is ("cancel",)
            self.cancel()
        super().check()


def _serve(pipe: Connection) -> None:
    """The process's whole life: run jobs until told to stop, on one connection to the room
    (opened at the first job, opened anew when a job comes with another key: a rotation)."""
    from app.room import open_beside

    db: Database | None = None
    key = b""
    _preload()
    try:
        while True:
            try:
                message = pipe.recv()
            except EOFError:
                return
            except Exception:  # noqa: BLE001 — a job this process cannot even load: a bug
                pipe.send(("bug", "在报表进程中：\n" + traceback.format_exc(), False))
                continue
            if message[0] != "job":
                if message[0] == "stop":
                    return
                continue  # a cancel that arrived after its job ended
            _, path, retire_after, bare, fn, args, kwargs = message
            try:
                if db is None or bare.data_key != key:
                    if db is not None:
                        db.close()
                        db = None
                    db, key = open_beside(bare, path).db, bare.data_key
            except MijianError as exc:
                pipe.send(("error", _portable(exc), False))
                continue
            session = dataclasses.replace(bare, db=db)
            reply = _run(session, pipe, fn, args, kwargs)
            retire = _grown(retire_after)
            try:
                pipe.send((*reply, retire))
            except (pickle.PicklingError, TypeError, AttributeError):  # an answer that cannot
                pipe.send(("bug", "在报表进程中：\n" + traceback.format_exc(), retire))
            if retire:
                return
    finally:
        if db is not None:
            db.close()


def _preload() -> None:
    """What every report needs, loaded while the process waits for its first job."""
    from app.reports import catalog  # noqa: F401 — reportlab and the report modules
    from app.reports.fonts import register_fonts

    register_fonts()


def _run(
    session: Session, pipe: Connection, fn: Callable[..., Any], args: Any, kwargs: Any
) -> tuple[Any, ...]:
    try:
        return ("done", fn(session, *args, progress=_Remote(pipe), **kwargs))
    except Cancelled:
        return ("error", Cancelled())
    except MijianError as exc:
        return ("error", _portable(exc))
    except BaseException:  # noqa: BLE001 — a bug: its traceback goes back as text
        return ("bug", "在报表进程中：\n" + traceback.format_exc())


def _portable(exc: MijianError) -> MijianError:
    """The error itself when it survives the pipe, else a plain one with its message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 — any failure to round-trip: keep the words only
        return MijianError(exc.message)
    return exc


def _grown(limit: int) -> bool:
    """Whether the process holds more than `limit` bytes now (its resident set: the heap of a
    big layout stays with the process). Not getrusage's ru_maxrss, which Linux carries over
    from the process that started this one (a test worker of 600 MB retired it at every job)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        resident = int(statm.read().split()[1])
    return resident * resource.getpagesize() > limit
