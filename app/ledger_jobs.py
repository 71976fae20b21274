"""The record of each ledger file imported (table import_job, migration 0014).

Keyed by the SHA-256 of the file's bytes: the same file, under any name, resumes where its last
committed chunk ended, and once finished is refused. `advance` runs inside the chunk's own
transaction, so the record never claims a row whose registration was not committed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.clock import Clock, stamp
from app.errors import InvalidInput
from db.connection import Database


class AlreadyImported(InvalidInput):
    message = "该文件已导入过，不会再次导入。"


@dataclass(frozen=True)
class ImportJob:
    sha256: str
    file_name: str
    mapping: dict[str, int]
    last_line: int  # the last row (Excel's numbering) whose outcome is committed
    imported: int
    existing: int
    refused: int
    started_at: str
    started_by: str
    finished_at: str | None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def already_imported(self) -> AlreadyImported:
        when = (self.finished_at or "")[:16].replace("T", " ")
        return AlreadyImported(
            f"该文件已于 {when} 导入"
            f"（{self.file_name}，由 {self.started_by} 导入：已导入 {self.imported} 行，"
            f"已存在 {self.existing} 行，未导入 {self.refused} 行），不会再次导入。"
            "修改后的文件可以导入，已登记的份数不会重复登记。"
        )


def find(db: Database, sha256: str) -> ImportJob | None:
    row = db.one("SELECT * FROM import_job WHERE sha256 = ?", (sha256,))
    return None if row is None else _job(row)


def start(
    db: Database,
    clock: Clock,
    account: str,
    sha256: str,
    file_name: str,
    mapping: dict[str, int],
    header_line: int,
) -> ImportJob:
    """The job for a file seen for the first time; call inside the first chunk's transaction."""
    now = stamp(clock.now())
    db.execute(
        "INSERT INTO import_job (sha256, file_name, mapping, last_line, started_at, started_by,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (sha256, file_name, _mapping_text(mapping), header_line, now, account, now),
    )
    found = find(db, sha256)
    assert found is not None
    return found


def advance(
    db: Database,
    clock: Clock,
    job: ImportJob,
    last_line: int,
    counts: dict[str, int],
    *,
    finished: bool,
) -> ImportJob:
    """Move the job to `last_line`, adding this chunk's counts; inside the chunk's transaction."""
    now = stamp(clock.now())
    db.execute(
        "UPDATE import_job SET last_line = ?, imported = imported + ?, existing = existing + ?,"
        " refused = refused + ?, updated_at = ?, finished_at = ? WHERE sha256 = ?",
        (
            last_line,
            counts.get("已导入", 0),
            counts.get("已存在", 0),
            counts.get("错误", 0),
            now,
            now if finished else None,
            job.sha256,
        ),
    )
    found = find(db, job.sha256)
    assert found is not None
    return found


def same_mapping(job: ImportJob, mapping: dict[str, int]) -> bool:
    return job.mapping == {k: int(v) for k, v in mapping.items()}


def _mapping_text(mapping: dict[str, int]) -> str:
    return json.dumps({k: int(v) for k, v in sorted(mapping.items())}, sort_keys=True)


def _job(row: Any) -> ImportJob:
    return ImportJob(
        sha256=row["sha256"],
        file_name=row["file_name"],
        mapping={str(k): int(v) for k, v in json.loads(row["mapping"]).items()},
        last_line=int(row["last_line"]),
        imported=int(row["imported"]),
        existing=int(row["existing"]),
        refused=int(row["refused"]),
        started_at=row["started_at"],
        started_by=row["started_by"],
        finished_at=row["finished_at"],
    )
