"""Importing an old ledger (收文登记簿 kept in Excel or CSV), in chunks that commit as they go.

The file is read row by row (app/ledger_read.py); every `chunk_rows` rows are checked as hand
registrations would be (app/ledger_rows.py, no lock held) and then registered in short
transactions, each with its rows' audit events (登记收文 per document, as by hand, and one
导入台账 for the transaction) and the file's job record (app/ledger_jobs.py). So:
- the write lock is held briefly: a transaction ends as soon as the window waits to write
  (Database.writer_waiting) and after LOCK_SECONDS at most, so the desk and logins go on;
- a stopped import (取消, a crash, a full disk) resumes after its last committed row when the
  same file is imported again, and a finished file is refused (AlreadyImported);
- a row whose copies are already registered is "已存在", never registered twice. A copy listed
  twice in one file is named with its first row ("与本文件第 N 行重复"); across a resume the
  first one is already registered, so the second is "已存在".
A cancel is honoured between chunks: what was committed stays, and the report says where.

Threads: the caller's session (and its connection) is used on the caller's thread only; the
window runs this on its task worker with the worker's own connection (ui/tasks.py).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app import audit, ledger_jobs, registry
from app.errors import InvalidInput, MijianError
from app.ledger_jobs import AlreadyImported, ImportJob
from app.ledger_read import LedgerUnreadable, file_digest, open_ledger, read_table
from app.ledger_rows import (
    FIELD_LABELS,
    FIELDS,
    SeenInFile,
    check,
    existing,
    map_columns,
    require_columns,
)
from app.progress import Cancelled, ProgressCallback
from app.registration_checks import DocumentInput
from app.roles import Role

if TYPE_CHECKING:
    from app.session import Session

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "AlreadyImported",
    "ImportReport",
    "LedgerUnreadable",
    "Preview",
    "RowResult",
    "check_rows",
    "import_file",
    "import_ledger",
    "map_columns",
    "preview",
    "read_table",
]

# Rows read and checked together (no lock held), and between two progress reports and cancel
# checks. They are then registered in transactions that end as soon as another writer of this
# process waits (the window: its handover waits for one row and a commit, about 10-40 ms here)
# and after LOCK_SECONDS at most (a writer in another process polls SQLite's lock meanwhile).
# Long transactions keep the per-commit cost (fsync of the log, checkpoint, anchor) small:
# measured on bench/imports.py --room small, 0.05 s transactions cost 47 % more CPU than 0.2 s.
CHUNK_ROWS = 500
LOCK_SECONDS = 0.5
PREVIEW_ROWS = 1000  # rows checked (not written) before the custodian presses 导入
NOTED_LIMIT = 10_000  # rows with a message kept for the report; the rest are only counted
SHOWN_IMPORTED = 200  # imported rows listed too while the list is this short (a small file)
STATUSES = ("已导入", "已存在", "错误")


@dataclass(frozen=True)
class RowResult:
    line: int  # the row's number in the file as Excel shows it (header included)
    status: str  # 可导入 / 已存在 / 错误 / 已导入
    message: str
    document: DocumentInput | None = None
    title: str = ""
    copy_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """What one run did. `rows` keeps the rows worth showing (every refused and existing row up
    to NOTED_LIMIT, the imported ones of a small file); `counts` counts every row of the run."""

    file_name: str
    rows: tuple[RowResult, ...]
    counts: dict[str, int]
    resumed_after: int = 0  # the last row an earlier run had committed, 0 for a new file
    stopped_after: int | None = None  # set when cancelled: the last committed row
    earlier: dict[str, int] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def complete(self) -> bool:
        return self.stopped_after is None and self.count("错误") == 0

    @property
    def summary(self) -> str:
        text = (
            f"已导入 {self.count('已导入')} 行，已存在 {self.count('已存在')} 行，"
            f"未导入 {self.count('错误')} 行。"
        )
        if self.resumed_after:
            text = f"从第 {self.resumed_after + 1} 行继续导入：{text}"
        if self.stopped_after is not None:
            text += f"已取消：已提交到第 {self.stopped_after} 行，再次导入同一文件将从下一行继续。"
        return text


@dataclass(frozen=True)
class Preview:
    """What the window shows before 导入: the header, a guessed mapping, the first rows."""

    path: Path
    sha256: str
    headers: list[str]
    mapping: dict[str, int]
    estimated_rows: int
    sample: list[tuple[int, list[str]]]
    whole: bool  # the sample is the whole file
    job: ImportJob | None

    @property
    def note(self) -> str:
        """The job's standing, for the window: finished, to be resumed, or nothing."""
        if self.job is None:
            return ""
        if self.job.finished:
            return self.job.already_imported().message
        return (
            f"该文件上次导入到第 {self.job.last_line} 行（已导入 {self.job.imported} 行），"
            f"导入时将从第 {self.job.last_line + 1} 行继续。"
        )


# ---- before writing -------------------------------------------------------------------------
def preview(session: Session, path: Path, limit: int = PREVIEW_ROWS) -> Preview:
    session.require(Role.CUSTODIAN)  # it answers whether a copy is registered: business data
    sha = file_digest(path)
    with open_ledger(path) as ledger:
        sample: list[tuple[int, list[str]]] = []
        whole = True
        for record in ledger.records():
            if len(sample) == limit:
                whole = False
                break
            sample.append(record)
        headers, estimated = ledger.headers, ledger.estimated_rows
    return Preview(
        Path(path),
        sha,
        headers,
        map_columns(headers),
        len(sample) if whole else max(estimated, len(sample)),
        sample,
        whole,
        ledger_jobs.find(session.db, sha),
    )


def check_records(
    session: Session,
    records: Iterable[tuple[int, Sequence[str]]],
    mapping: dict[str, int],
    zone_now: datetime,
) -> list[RowResult]:
    """Check rows without writing anything: 可导入, 已存在 or 错误 with the reason."""
    session.require(Role.CUSTODIAN)
    require_columns(mapping)
    seen = SeenInFile()
    results = []
    for line, cells in records:
        title = _title(cells, mapping)
        try:
            data, numbers = check(cells, mapping, zone_now)
            seen.add(line, data, numbers)
            reason = existing(session.db, data, numbers)
        except MijianError as exc:
            results.append(RowResult(line, "错误", exc.message, title=title))
            continue
        status = "已存在" if reason else "可导入"
        results.append(RowResult(line, status, reason, data, data.title, tuple(numbers)))
    return results


def check_rows(
    session: Session, rows: Sequence[Sequence[str]], mapping: dict[str, int], zone_now: datetime
) -> list[RowResult]:
    """check_records for rows that follow a header on the file's first row."""
    return check_records(session, ((i + 2, r) for i, r in enumerate(rows)), mapping, zone_now)


# ---- importing ------------------------------------------------------------------------------
def import_file(session: Session, path: Path) -> ImportReport:
    return import_ledger(session, path)


def import_ledger(
    session: Session,
    path: Path,
    mapping: dict[str, int] | None = None,
    progress: ProgressCallback | None = None,
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Import the file (or resume it), checking `chunk_rows` rows at a time.

    `progress(rows_done, rows_estimated)` is called after every committed chunk; raising
    `Cancelled` there stops the import with that chunk committed (the report says where).
    """
    session.require(Role.CUSTODIAN)
    path = Path(path)
    sha = file_digest(path)
    job = ledger_jobs.find(session.db, sha)
    if job is not None and job.finished:
        raise job.already_imported()
    with open_ledger(path) as ledger:
        columns = dict(mapping) if mapping is not None else map_columns(ledger.headers)
        require_columns(columns)
        if job is not None and not ledger_jobs.same_mapping(job, columns):
            raise InvalidInput(
                f"该文件上次按另一种列对应导入到第 {job.last_line} 行；继续导入须用同样的列对应。"
            )
        run = _Run(session, path.name, sha, job, columns, ledger.header_line)
        skip_to = job.last_line if job is not None else ledger.header_line
        chunk: list[tuple[int, list[str]]] = []
        try:
            for line, cells in ledger.records():
                if line <= skip_to:
                    continue
                chunk.append((line, cells))
                if len(chunk) >= chunk_rows:
                    run.commit(chunk, finished=False)
                    chunk = []
                    if progress is not None:
                        progress(line - ledger.header_line, ledger.estimated_rows)
        except Cancelled:
            return run.report(stopped=True)
        except LedgerUnreadable as exc:
            if chunk:  # the rows read before the bad one are good: keep them
                run.commit(chunk, finished=False)
            raise LedgerUnreadable(exc.message + run.kept_note()) from None
        run.commit(chunk, finished=True)
    return run.report(stopped=False)


class _Run:
    """One run over one file: commits chunks and keeps what the report needs."""

    def __init__(
        self,
        session: Session,
        file_name: str,
        sha256: str,
        job: ImportJob | None,
        mapping: dict[str, int],
        header_line: int,
    ) -> None:
        self.session = session
        self.file_name = file_name
        self.sha256 = sha256
        self.job = job
        self.first_job = job
        self.mapping = mapping
        self.header_line = header_line
        self.now = session.clock.now()
        self.seen = SeenInFile()
        self.counts: Counter[str] = Counter()
        self.noted: list[RowResult] = []

    def commit(self, chunk: list[tuple[int, list[str]]], *, finished: bool) -> None:
        """Check the chunk (no lock held), then register it in as many short transactions as
        the lock budget asks for; the last one marks the file finished when `finished`."""
        checked = [(line, cells, self._check(line, cells)) for line, cells in chunk]
        while True:
            taken = self._transaction(checked, finished=finished)
            checked = checked[taken:]
            if not checked:
                return

    def _transaction(
        self,
        checked: list[tuple[int, list[str], tuple[DocumentInput, list[str]] | str]],
        *,
        finished: bool,
    ) -> int:
        """Register rows from the front of `checked` until LOCK_SECONDS have passed; returns
        how many were taken (at least one, unless there are none)."""
        session, db = self.session, self.session.db
        results: list[RowResult] = []
        with db.transaction():
            began = time.monotonic()
            job = ledger_jobs.find(db, self.sha256)  # under the write lock: the truth
            if job is not None and job.finished:
                raise job.already_imported()
            if job is None:
                job = ledger_jobs.start(
                    db,
                    session.clock,
                    session.account.login,
                    self.sha256,
                    self.file_name,
                    self.mapping,
                    self.header_line,
                )
            for line, cells, outcome in checked:
                results.append(self._register(line, cells, outcome))
                if db.writer_waiting or time.monotonic() - began > LOCK_SECONDS:
                    break
            last_one = len(results) == len(checked)
            counts = Counter(r.status for r in results)
            last = results[-1].line if results else job.last_line
            done = finished and last_one
            job = ledger_jobs.advance(db, session.clock, job, last, counts, finished=done)
            audit.record(
                db,
                session.clock,
                session.account.login,
                "导入台账",
                f"ledger:{self.sha256[:16]}",
                {
                    "file": self.file_name,
                    "sha256": self.sha256,
                    "rows": f"{results[0].line}-{last}" if results else "",
                    "imported": counts["已导入"],
                    "existing": counts["已存在"],
                    "refused": counts["错误"],
                    "refused_rows": [r.line for r in results if r.status == "错误"][:100],
                    "finished": done,
                },
            )
        # Only once committed: the run's own tally follows the database, never leads it.
        self.job = job
        self.counts.update(counts)
        for r in results:
            worth = r.status != "已导入" or len(self.noted) < SHOWN_IMPORTED
            if worth and len(self.noted) < NOTED_LIMIT:
                self.noted.append(r)
        return len(results)

    def _check(self, line: int, cells: list[str]) -> tuple[DocumentInput, list[str]] | str:
        try:
            data, numbers = check(cells, self.mapping, self.now)
            self.seen.add(line, data, numbers)
        except MijianError as exc:
            return exc.message
        return data, numbers

    def _register(
        self, line: int, cells: list[str], outcome: tuple[DocumentInput, list[str]] | str
    ) -> RowResult:
        if isinstance(outcome, str):
            return RowResult(line, "错误", outcome, title=_title(cells, self.mapping))
        data, numbers = outcome
        try:
            reason = existing(self.session.db, data, numbers)
        except InvalidInput as exc:
            return RowResult(line, "错误", exc.message, data, data.title)
        if reason:
            return RowResult(line, "已存在", reason, data, data.title)
        try:
            # `existing` just applied the register's duplicate rule in this same transaction.
            result = registry.register_checked(
                self.session, data, numbers, [], duplicates_checked=True
            )
        except MijianError as exc:
            # Past the checks a failure (a full disk, a damaged page) stops the whole chunk: it
            # rolls back, and the job stays at the last committed chunk.
            raise _restated(exc, f"第 {line} 行无法登记：{exc.message}{self.kept_note()}") from exc
        return RowResult(line, "已导入", result.document.number, data, data.title, tuple(numbers))

    def kept_note(self) -> str:
        if self.job is None or self.job.last_line <= self.header_line:
            return ""
        return (
            f"（第 {self.job.last_line} 行及之前已提交，再次导入同一文件将从下一行继续；"
            "改过的文件从头导入，已登记的不会重复登记。）"
        )

    def report(self, *, stopped: bool) -> ImportReport:
        first = self.first_job
        return ImportReport(
            self.file_name,
            tuple(self.noted),
            {s: self.counts[s] for s in STATUSES},
            resumed_after=first.last_line if first is not None else 0,
            stopped_after=(self.job.last_line if self.job is not None else 0) if stopped else None,
            earlier=(
                {"已导入": first.imported, "已存在": first.existing, "错误": first.refused}
                if first is not None
                else {}
            ),
        )


def _title(cells: Sequence[str], mapping: dict[str, int]) -> str:
    index = mapping.get("title")
    return cells[index].strip()[:200] if index is not None and index < len(cells) else ""


def _restated(exc: MijianError, text: str) -> MijianError:
    """The same kind of error (a full disk stays DiskFull) with the row named."""
    try:
        return type(exc)(text)
    except TypeError:  # a subclass with its own constructor
        return MijianError(text)
